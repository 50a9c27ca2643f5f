"""What the browser checks share: Debian's headless Chromium through selenium, and the few moves every check makes.

Each check script imports this from beside it (`from browser_session import Browser, Failed, expect`).
"""
import json
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


class Failed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failed(message)


class Browser:
    """A headless Chromium at `base` (reporting's address) that keeps every console error it logs and saves screenshots
    to `out`."""

    def __init__(self, base, out):
        self.base = base
        self.out = out
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1400"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.console_errors = []

    def quit(self):
        self.driver.quit()

    def failed(self, failure, checked):
        """Reports a failed check as the one JSON line the Swift test reads (with a screenshot); its exit status."""
        self.shot("failure")
        print(json.dumps({"ok": False, "failure": str(failure), "checked": checked, "consoleErrors": self.console_errors},
                         ensure_ascii=False))
        return 1

    def passed(self, checked, **extra):
        """Reports a check that held, after making sure no page logged a console error; its exit status."""
        expect(not self.console_errors, "console errors: " + "; ".join(self.console_errors))
        print(json.dumps({"ok": True, "checked": checked, **extra}, ensure_ascii=False))
        return 0

    def collect_console(self, where):
        for entry in self.driver.get_log("browser"):
            if entry.get("level") == "SEVERE":
                self.console_errors.append(f"{where}: {entry.get('message')}")

    def visit(self, path):
        self.driver.get(self.base + path)
        self.collect_console(path)

    def shot(self, name):
        self.driver.save_screenshot(f"{self.out}/{name}.png")

    @staticmethod
    def gone(element):
        # Chromium answers a question about a node of a page that has been replaced either as a stale element or, in
        # newer versions, as "Node with given id does not belong to the document": both mean the old page is gone.
        try:
            element.is_enabled()
            return False
        except (StaleElementReferenceException, WebDriverException):
            return True

    def wait_for_new_page(self, page, where):
        """Waits until `page` (the old page's html element) is replaced and the new one has loaded."""
        WebDriverWait(self.driver, 15).until(lambda _: self.gone(page))
        WebDriverWait(self.driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.collect_console(where)

    def submit(self, button, where):
        # A click on a form's button returns before the next page loads: wait until the old page is gone.
        page = self.driver.find_element(By.TAG_NAME, "html")
        button.click()
        self.wait_for_new_page(page, where)

    def text(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector).text

    def wait_for(self, condition, what, seconds=15):
        """Reloads the page until `condition()` holds, at most `seconds`."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            self.driver.refresh()
            self.collect_console(self.driver.current_url)
            if condition():
                return
            time.sleep(0.3)
        raise Failed(f"timed out waiting for {what}")
