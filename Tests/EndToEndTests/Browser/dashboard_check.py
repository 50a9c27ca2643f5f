"""Drives reporting's dashboard in a real headless Chromium (Debian's chromium and chromedriver, through selenium).

Run by DashboardTests against a running stack. Checks that each page renders the expected figures, that the language
switch works, that the public page masks personal data, that the workbench's sign-in refuses a wrong key and its forms
change a case end to end (sign, measure, resolve), and that no page logs a console error. Screenshots go to --out.
Exits 0 when everything holds; otherwise prints what failed and exits 1.
"""
import argparse
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait


class Failed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failed(message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="reporting's base URL")
    parser.add_argument("--key", required=True, help="an API key with the bureau scope of --case")
    parser.add_argument("--case", required=True, help="an open case of that bureau")
    parser.add_argument("--collected", required=True, type=int, help="cases collected so far")
    parser.add_argument("--secret", action="append", default=[], help="text that must never appear on the public page")
    parser.add_argument("--shown", action="append", default=[], help="text the public page must show (masked data)")
    parser.add_argument("--description", required=True, help="the description of --case, which its page must show")
    parser.add_argument("--submit-key", required=True, help="an API key with the submit scope (the secretary's)")
    parser.add_argument("--csv", required=True, help="a problem list to upload through the workbench")
    parser.add_argument("--csv-rows", required=True, type=int, help="how many cases the upload creates")
    parser.add_argument("--out", required=True, help="folder for screenshots")
    args = parser.parse_args()

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1400"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    console_errors = []
    checked = []

    def visit(path):
        driver.get(args.base + path)
        collect_console(path)

    def collect_console(where):
        for entry in driver.get_log("browser"):
            if entry.get("level") == "SEVERE":
                console_errors.append(f"{where}: {entry.get('message')}")

    def shot(name):
        driver.save_screenshot(f"{args.out}/{name}.png")

    def gone(element):
        # Chromium answers a question about a node of a page that has been replaced either as a stale element or, in
        # newer versions, as "Node with given id does not belong to the document": both mean the old page is gone.
        try:
            element.is_enabled()
            return False
        except (StaleElementReferenceException, WebDriverException):
            return True

    def submit(button, where):
        # A click on a form's button returns before the next page loads: wait until the old page is gone.
        page = driver.find_element(By.TAG_NAME, "html")
        button.click()
        WebDriverWait(driver, 15).until(lambda _: gone(page))
        WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")
        collect_console(where)

    def text(selector):
        return driver.find_element(By.CSS_SELECTOR, selector).text

    def wait_for(condition, what, seconds=15):
        deadline = time.time() + seconds
        while time.time() < deadline:
            driver.refresh()
            collect_console(driver.current_url)
            if condition():
                return
            time.sleep(0.3)
        raise Failed(f"timed out waiting for {what}")

    try:
        # Overview, in Chinese by default, then English through the switch.
        visit("/dashboard")
        expect(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN", "the overview is not Chinese by default")
        expect(text("h1") == "问题办理总览", f"overview heading is {text('h1')!r}")
        expect(text("#figure-collected b") == str(args.collected),
               f"overview shows {text('#figure-collected b')} collected, expected {args.collected}")
        expect(len(driver.find_elements(By.CSS_SELECTOR, "svg rect.collected")) == 12, "the trend chart has not 12 weeks")
        expect(len(driver.find_elements(By.CSS_SELECTOR, "#scoreboard tbody tr[data-bureau]")) >= 1, "the scoreboard is empty")
        expect(f"共收集问题{args.collected}个" in driver.page_source, "the headline sentence is missing")
        shot("overview-zh")
        submit(driver.find_element(By.CSS_SELECTOR, "header a.lang"), "/dashboard?lang=en")
        expect(text("h1") == "Overview", f"English overview heading is {text('h1')!r}")
        expect(f"{args.collected} problems collected" in driver.page_source, "the English headline sentence is missing")
        shot("overview-en")
        checked.append("overview zh/en")

        # Public results: the figures, and nothing personal.
        visit("/public")
        expect(f"共收集问题{args.collected}个" in text("#summary"), f"public summary is {text('#summary')!r}")
        for secret in args.secret:
            expect(secret not in driver.page_source, f"the public page shows {secret!r}")
        for shown in args.shown:
            expect(shown in driver.page_source, f"the public page does not show {shown!r}")
        expect(len(driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")) == min(args.collected, 50), "public rows missing")
        shot("public-zh")
        checked.append("public results, masked")

        # Workbench: a wrong key is refused, the bureau's key signs in.
        visit("/dashboard/workbench")
        driver.find_element(By.ID, "key").send_keys("dbk_not-a-real-key")
        submit(driver.find_element(By.CSS_SELECTOR, "#sign-in button"), "sign-in (wrong key)")
        expect("error" in driver.find_element(By.ID, "message").get_attribute("class"), "a wrong key was not refused")
        driver.find_element(By.ID, "key").send_keys(args.key)
        submit(driver.find_element(By.CSS_SELECTOR, "#sign-in button"), "sign-in")
        expect(len(driver.find_elements(By.ID, "who")) == 1, "the bureau's key did not sign in")
        expect(len(driver.find_elements(By.ID, f"case-{args.case}")) == 1, "the bureau's case is not on its workbench")
        shot("workbench-signed-in")

        def act(action, note=None):
            form = driver.find_element(By.CSS_SELECTOR, f"form[data-case='{args.case}']")
            Select(form.find_element(By.NAME, "action")).select_by_value(action)
            if note:
                form.find_element(By.NAME, "note").send_keys(note)
            submit(form.find_element(By.CSS_SELECTOR, "button"), f"workbench {action}")
            message = driver.find_element(By.ID, "message")
            expect("notice" in message.get_attribute("class"), f"{action} failed: {message.text}")

        act("sign")
        act("measure", "协调公交公司加开早晚高峰班次")
        shot("workbench-after-measure")
        # Resolving without a note is refused by intake, and the page says why.
        form = driver.find_element(By.CSS_SELECTOR, f"form[data-case='{args.case}']")
        Select(form.find_element(By.NAME, "action")).select_by_value("resolve")
        submit(form.find_element(By.CSS_SELECTOR, "button"), "workbench resolve without a note")
        refusal = driver.find_element(By.ID, "message")
        expect(refusal.get_attribute("data-code") == "note_required" and "请填写说明" in refusal.text,
               f"a resolve without a note gave {refusal.text!r}")
        act("resolve", "已开通园区专线，早晚各加开四班")
        wait_for(lambda: not driver.find_elements(By.ID, f"case-{args.case}"), "the resolved case to leave the workbench")
        shot("workbench-after-resolve")
        checked.append("workbench sign-in and forms")

        # The case page shows every step, who did it and what.
        visit(f"/dashboard/cases/{args.case}")
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#timeline li[data-action='resolve']"), "the resolution on the timeline")
        expect(driver.find_element(By.ID, "case-status").get_attribute("data-status") == "resolved", "the case page does not say resolved")
        actions = [li.get_attribute("data-action") for li in driver.find_elements(By.CSS_SELECTOR, "#timeline li[data-action]")]
        expect(actions == ["sign", "measure", "resolve"], f"timeline actions are {actions}")
        expect("协调公交公司加开早晚高峰班次" in text("#timeline"), "the measure is not on the timeline")
        shot("case-zh")
        # Words, not codes: the channel, bureau and category by name; who acted by office, never a service or key name.
        expect(args.description in text("#case-description"), "the case page does not show the description")
        fields = text("#case")
        for word in ["政企交流会", "交通运输局", "交通出行"]:
            expect(word in fields, f"the case page does not say {word!r}: {fields!r}")
        for code in ["meeting", "transport", "intake", "routing"]:
            expect(code not in fields and code not in text("#timeline"), f"the case page shows the code {code!r}")
        expect("系统自动交办" in text("#timeline"), "the timeline does not say routing decided by itself")
        expect("transport-workbench" not in text("#timeline"), "the timeline names a key instead of the bureau")
        visit(f"/dashboard/cases/{args.case}?lang=en")
        expect("measure drafted" in text("#timeline"), "the English timeline is missing")
        for word in ["Transport Bureau", "Government–enterprise meeting", "Automatic routing sent it to Transport Bureau"]:
            expect(word in text("main"), f"the English case page does not say {word!r}")
        expect("交通运输局" not in text("main"), "the English case page keeps the Chinese bureau name")
        shot("case-en")
        checked.append("case timeline, in words")

        # A phone: every page fits the screen's width, and bureau names stay words, not a character a line.
        driver.set_window_size(390, 844)
        for name, path in [("overview", "/dashboard"), ("cases", "/dashboard/cases"), ("case", f"/dashboard/cases/{args.case}"),
                           ("public", "/public"), ("definitions", "/dashboard/definitions"), ("workbench", "/dashboard/workbench"),
                           ("overview-en", "/dashboard?lang=en"), ("weekly-report", "/v1/reports/weekly?format=html")]:
            visit(path)
            width = driver.execute_script("return window.innerWidth")
            scroll = driver.execute_script("return document.documentElement.scrollWidth")
            expect(scroll <= width, f"{path} is {scroll}px wide on a {width}px phone screen")
            # Past the screen's edge and not inside a box that scrolls sideways on purpose (the weekly report's wide table).
            wide = driver.execute_script(
                "const inScrollBox = e => { for (let p = e.parentElement; p; p = p.parentElement) {"
                " if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true; } return false; };"
                "return [...document.querySelectorAll('body *')]"
                ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !inScrollBox(e))"
                ".map(e => e.tagName + (e.id ? '#' + e.id : '')).slice(0, 5)")
            expect(not wide, f"{path}: elements reach past the screen: {wide}")
            shot(f"phone-{name}")
        visit("/dashboard")
        for link in driver.find_elements(By.CSS_SELECTOR, "#scoreboard td.main a"):
            size = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height]", link)
            expect(size[0] >= min(len(link.text), 4) * 12, f"the bureau name {link.text!r} is squeezed to {size[0]:.0f}px")
        driver.set_window_size(1280, 1400)
        checked.append("phone-size pages")
        # The secretary uploads a problem list from a spreadsheet through the workbench.
        visit("/dashboard/workbench")
        submit(driver.find_element(By.CSS_SELECTOR, "form[action='/dashboard/workbench/sign-out'] button"), "sign-out")
        driver.find_element(By.ID, "key").send_keys(args.submit_key)
        submit(driver.find_element(By.CSS_SELECTOR, "#sign-in button"), "sign-in (secretary)")
        driver.find_element(By.ID, "import-file").send_keys(args.csv)
        submit(driver.find_element(By.CSS_SELECTOR, "#import button"), "import upload")
        summaries = driver.find_elements(By.ID, "import-summary")
        expect(summaries, "the upload was refused: " + " ".join(e.text for e in driver.find_elements(By.ID, "message")))
        summary = summaries[0]
        expect(summary.get_attribute("data-created") == str(args.csv_rows), f"the upload reported {summary.text!r}")
        shot("workbench-import")
        checked.append("problem list upload")


        expect(not console_errors, "console errors: " + "; ".join(console_errors))
    except Failed as failure:
        shot("failure")
        print(json.dumps({"ok": False, "failure": str(failure), "checked": checked, "consoleErrors": console_errors}, ensure_ascii=False))
        return 1
    finally:
        driver.quit()
    print(json.dumps({"ok": True, "checked": checked}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
