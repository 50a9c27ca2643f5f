"""Drives reporting's dashboard in a real headless Chromium (Debian's chromium and chromedriver, through selenium).

Run by DashboardTests against a running stack, signing in as each role and doing its job: a wrong password is refused;
the bureau clerk signs for a case, drafts a measure and resolves it, and proposes a return of another; the bureau head
approves the return; the leader reads the overview and the case in words and writes an instruction (批示); the
secretary uploads a problem list; the audit administrator (with a one-time code) finds the clerk's acts. Also checks
that the public page masks personal data, that pages fit a phone, and that no page logs a console error. Screenshots go
to --out. Exits 0 when everything holds; otherwise prints what failed and exits 1.
"""
import argparse
import hashlib
import hmac
import struct
import sys
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser_session import Browser, Failed, expect


def totp(secret, at):
    """RFC 6238 (SHA-1, 30-second steps, 6 digits) over the secret's UTF-8 bytes, as intake keeps it."""
    digest = hmac.new(secret.encode(), struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="reporting's base URL")
    parser.add_argument("--person", action="append", default=[],
                        help="role=login:password[:totp-secret] for clerk, head, leader, secretary, auditor")
    parser.add_argument("--case", required=True, help="an open case of the clerk's bureau")
    parser.add_argument("--return-case", required=True, help="another open case of that bureau, for the return")
    parser.add_argument("--collected", required=True, type=int, help="cases collected so far")
    parser.add_argument("--secret", action="append", default=[], help="text that must never appear on the public page")
    parser.add_argument("--shown", action="append", default=[], help="text the public page must show (masked data)")
    parser.add_argument("--description", required=True, help="the description of --case, which its page must show")
    parser.add_argument("--csv", required=True, help="a problem list to upload through the workbench")
    parser.add_argument("--csv-rows", required=True, type=int, help="how many cases the upload creates")
    parser.add_argument("--other-case", required=True, help="a case of another bureau, which the clerk must not open")
    parser.add_argument("--out", required=True, help="folder for screenshots")
    args = parser.parse_args()

    browser = Browser(args.base, args.out)
    driver = browser.driver
    console_errors = browser.console_errors
    checked = []
    visit, collect_console, shot, submit, text, wait_for = (browser.visit, browser.collect_console, browser.shot, browser.submit,
                                                            browser.text, browser.wait_for)

    people = {}
    for item in args.person:
        role, _, rest = item.partition("=")
        parts = rest.split(":")
        people[role] = {"login": parts[0], "password": parts[1], "secret": parts[2] if len(parts) > 2 else None}

    def sign_in(role, expect_landing):
        person = people[role]
        visit("/dashboard/sign-in")
        driver.find_element(By.ID, "login").send_keys(person["login"])
        driver.find_element(By.ID, "password").send_keys(person["password"])
        if person["secret"]:
            # The next step's code: the one before was spent when the account was set up.
            driver.find_element(By.ID, "code").send_keys(totp(person["secret"], time.time() + 30))
        submit(driver.find_element(By.CSS_SELECTOR, "#sign-in button"), f"sign-in ({role})")
        expect(expect_landing in driver.current_url, f"{role} landed on {driver.current_url}, expected {expect_landing}")
        expect(text("#who"), f"{role}: the page does not say who is signed in")

    def sign_out(role):
        submit(driver.find_element(By.ID, "sign-out"), f"sign-out ({role})")
        expect("/dashboard/sign-in" in driver.current_url, f"signing out led to {driver.current_url}")

    def act(case, action, note=None):
        form = driver.find_element(By.CSS_SELECTOR, f"form[data-case='{case}']")
        Select(form.find_element(By.NAME, "action")).select_by_value(action)
        if note:
            form.find_element(By.NAME, "note").send_keys(note)
        submit(form.find_element(By.CSS_SELECTOR, "button"), f"workbench {action}")
        message = driver.find_element(By.ID, "message")
        expect("notice" in message.get_attribute("class"), f"{action} failed: {message.text}")

    try:
        # Without a session: pages lead to sign-in, the public results answer, and a wrong password is refused.
        visit("/dashboard")
        expect("/dashboard/sign-in" in driver.current_url, f"/dashboard without a session showed {driver.current_url}")
        driver.find_element(By.ID, "login").send_keys(people["clerk"]["login"])
        driver.find_element(By.ID, "password").send_keys("Not-the-password-1")
        submit(driver.find_element(By.CSS_SELECTOR, "#sign-in button"), "sign-in (wrong password)")
        message = driver.find_element(By.ID, "message")
        expect(message.get_attribute("data-code") == "credentials_invalid" and "密码错误" in message.text,
               f"a wrong password gave {message.text!r}")
        shot("sign-in")
        visit("/public")
        expect(f"共收集问题{args.collected}个" in text("#summary"), f"public summary is {text('#summary')!r}")
        for secret in args.secret:
            expect(secret not in driver.page_source, f"the public page shows {secret!r}")
        for shown in args.shown:
            expect(shown in driver.page_source, f"the public page does not show {shown!r}")
        expect(len(driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")) == min(args.collected, 50), "public rows missing")
        shot("public-zh")
        checked.append("sign-in refuses a wrong password; public results, masked")

        # The bureau clerk: lands on the workbench, signs, drafts the measure, resolves; proposes a return of another.
        sign_in("clerk", "/dashboard/workbench")
        expect(len(driver.find_elements(By.ID, f"case-{args.case}")) == 1, "the bureau's case is not on its workbench")
        act(args.case, "sign")
        act(args.case, "measure", "协调公交公司加开早晚高峰班次")
        shot("workbench-after-measure")
        # Resolving without a note is refused by intake, and the page says why.
        form = driver.find_element(By.CSS_SELECTOR, f"form[data-case='{args.case}']")
        Select(form.find_element(By.NAME, "action")).select_by_value("resolve")
        submit(form.find_element(By.CSS_SELECTOR, "button"), "workbench resolve without a note")
        refusal = driver.find_element(By.ID, "message")
        expect(refusal.get_attribute("data-code") == "note_required" and "请填写说明" in refusal.text,
               f"a resolve without a note gave {refusal.text!r}")
        act(args.case, "resolve", "已开通园区专线，早晚各加开四班")
        wait_for(lambda: not driver.find_elements(By.ID, f"case-{args.case}"), "the resolved case to leave the workbench")
        act(args.return_case, "propose_return", "站点规划属于规划部门职责")
        shot("workbench-after-resolve")
        driver.set_window_size(390, 844)
        visit("/dashboard/workbench")
        shot("phone-workbench")
        driver.set_window_size(1280, 1400)
        # Another bureau's case is not there for the clerk.
        visit(f"/dashboard/cases/{args.other_case}")
        expect(driver.find_elements(By.CSS_SELECTOR, "[data-code='case_not_found']"), "the clerk opened another bureau's case")
        # That 404 is the answer expected, not a fault of the page.
        console_errors[:] = [e for e in console_errors if f"/dashboard/cases/{args.other_case}" not in e or "404" not in e]
        sign_out("clerk")
        checked.append("clerk: sign, measure, resolve, propose a return")

        # The bureau head decides the clerk's proposal: the case leaves the bureau.
        sign_in("head", "/dashboard/workbench")
        waiting = driver.find_elements(By.CSS_SELECTOR, f"#case-{args.return_case} [data-proposal='propose_return']")
        expect(waiting and "站点规划属于规划部门职责" in waiting[0].text, "the head's workbench does not show the clerk's proposal")
        act(args.return_case, "approve_proposal")
        sign_out("head")
        checked.append("head: approves the return")

        # The leader: the overview, in Chinese and English, the case in words, and an instruction.
        sign_in("leader", "/dashboard")
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
        checked.append("leader: overview zh/en")

        visit(f"/dashboard/cases/{args.case}")
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#timeline li[data-action='resolve']"), "the resolution on the timeline")
        expect(driver.find_element(By.ID, "case-status").get_attribute("data-status") == "resolved", "the case page does not say resolved")
        actions = [li.get_attribute("data-action") for li in driver.find_elements(By.CSS_SELECTOR, "#timeline li[data-action]")]
        expect(actions == ["sign", "measure", "resolve"], f"timeline actions are {actions}")
        expect("协调公交公司加开早晚高峰班次" in text("#timeline"), "the measure is not on the timeline")
        shot("case-zh")
        # Words, not codes: the channel, bureau and category by name; who acted by office, never a service or login.
        expect(args.description in text("#case-description"), "the case page does not show the description")
        fields = text("#case")
        for word in ["政企交流会", "交通运输局", "交通出行"]:
            expect(word in fields, f"the case page does not say {word!r}: {fields!r}")
        for code in ["meeting", "transport", "intake", "routing"]:
            expect(code not in fields and code not in text("#timeline"), f"the case page shows the code {code!r}")
        expect("系统自动交办" in text("#timeline"), "the timeline does not say routing decided by itself")
        expect(people["clerk"]["login"] not in text("#timeline"), "the timeline names a login instead of the bureau")
        form = driver.find_element(By.ID, "instruct")
        form.find_element(By.NAME, "note").send_keys("请总结经验，在全区推广园区专线做法")
        submit(form.find_element(By.CSS_SELECTOR, "button"), "instruct")
        expect("notice" in driver.find_element(By.ID, "message").get_attribute("class"), "the instruction was not taken")
        wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#timeline li[data-action='instruct']"), "the instruction on the timeline")
        expect("领导批示" in text("#timeline"), "the timeline does not say 领导批示")
        visit(f"/dashboard/cases/{args.case}?lang=en")
        expect("measure drafted" in text("#timeline"), "the English timeline is missing")
        for word in ["Transport Bureau", "Government–enterprise meeting", "Automatic routing sent it to Transport Bureau"]:
            expect(word in text("main"), f"the English case page does not say {word!r}")
        expect("交通运输局" not in text("main"), "the English case page keeps the Chinese bureau name")
        shot("case-en")
        checked.append("leader: case timeline in words, 批示")

        # A phone: every page fits the screen's width, and bureau names stay words, not a character a line.
        driver.set_window_size(390, 844)
        for name, path in [("overview", "/dashboard"), ("cases", "/dashboard/cases"), ("case", f"/dashboard/cases/{args.case}"),
                           ("public", "/public"), ("definitions", "/dashboard/definitions"), ("account", "/dashboard/account"),
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
        sign_out("leader")
        checked.append("phone-size pages")

        # The secretary uploads a problem list from a spreadsheet.
        sign_in("secretary", "/dashboard/workbench")
        driver.find_element(By.ID, "import-file").send_keys(args.csv)
        submit(driver.find_element(By.CSS_SELECTOR, "#import button"), "import upload")
        summaries = driver.find_elements(By.ID, "import-summary")
        expect(summaries, "the upload was refused: " + " ".join(e.text for e in driver.find_elements(By.ID, "message")))
        summary = summaries[0]
        expect(summary.get_attribute("data-created") == str(args.csv_rows), f"the upload reported {summary.text!r}")
        shot("workbench-import")
        visit("/dashboard/workbench")
        sign_out("secretary")
        checked.append("secretary: problem list upload")

        # The audit administrator signs in with the one-time code and finds the clerk's acts.
        sign_in("auditor", "/dashboard/admin/audit")
        driver.find_element(By.NAME, "actor").send_keys(people["clerk"]["login"])
        submit(driver.find_element(By.CSS_SELECTOR, "#audit-search button"), "audit search")
        found = {row.get_attribute("data-action") for row in driver.find_elements(By.CSS_SELECTOR, "#audit tbody tr[data-action]")}
        for action in ["sign-in", "case.sign", "case.measure", "case.resolve", "case.propose_return"]:
            expect(action in found, f"the audit search does not find the clerk's {action}: {sorted(found)}")
        expect("签收" in text("#audit") and "登录" in text("#audit"), "the audit page does not say the acts in words")
        shot("audit")
        driver.set_window_size(390, 844)
        visit("/dashboard/admin/audit?actor=" + people["clerk"]["login"])
        shot("phone-audit")
        driver.set_window_size(1280, 1400)
        checked.append("audit administrator: finds the clerk's acts")

        return browser.passed(checked)
    except Failed as failure:
        return browser.failed(failure, checked)
    finally:
        browser.quit()


if __name__ == "__main__":
    sys.exit(main())
