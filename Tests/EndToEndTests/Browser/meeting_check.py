"""Drives the meetings and topics pages in a real headless Chromium (Debian's chromium and chromedriver, selenium).

Run by MeetingBrowserTests against a running stack with a series whose first session is closed (some problems still
open) and whose second is scheduled. As the secretary: opens the second session, records who attends, records ten
problems with the keyboard alone and sees each routed; prints the responsibility list to PDF (Chromium's print to
PDF, A4 landscape) and finds every row and the header in it; opens the next session's follow-up and finds exactly the
open items; takes a topic through the six steps to its published result on the public page and declines another with
a configured reason. Checks that the pages fit a phone and that no page logs a console error. Screenshots and the PDF
go to --out. Prints one JSON line; exits 0 when everything holds.
"""
import argparse
import base64
import io
import sys

from pypdf import PdfReader
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.support.ui import Select

from browser_session import Browser, Failed, expect


PROBLEMS = [
    ("员工宿舍到厂区没有公交", "公交集团本月内调研线路"),
    ("厂区频繁停电影响生产", "供电公司明天派人排查"),
    ("招工难，普工缺口两百人", "人社局组织专场招聘会"),
    ("厂区门口自来水水压低", "自来水公司本周检测"),
    ("园区夜间治安巡逻少", "派出所增加夜间巡逻"),
    ("员工子女入学难", "教育局统筹学位"),
    ("宽带网速慢，基站信号差", "工信局协调运营商"),
    ("消防验收办理慢", "审批局开辟绿色通道"),
    ("公交站台离厂区太远", "交通局研究增设站点"),
    ("社保办理要跑市里", "人社局设园区办理点"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True, help="reporting's base URL")
    parser.add_argument("--login", required=True, help="the secretary's login")
    parser.add_argument("--password", required=True)
    parser.add_argument("--session", required=True, help="the scheduled session to open and record into")
    parser.add_argument("--next-session", required=True, help="the session after it, whose follow-up is checked")
    parser.add_argument("--open-case", action="append", default=[], help="an earlier session's problem still open")
    parser.add_argument("--enterprise", action="append", default=[], help="an enterprise attending")
    parser.add_argument("--out", required=True, help="folder for screenshots and the PDF")
    args = parser.parse_args()

    browser = Browser(args.base, args.out)
    driver = browser.driver
    console_errors = browser.console_errors
    checked = []
    recorded = []
    visit, shot, submit, text, wait_for = browser.visit, browser.shot, browser.submit, browser.text, browser.wait_for

    def fits_phone(path, name):
        driver.set_window_size(390, 844)
        visit(path)
        width = driver.execute_script("return document.documentElement.scrollWidth")
        shot("phone-" + name)
        driver.set_window_size(1280, 1400)
        expect(width <= 392, f"{path} is {width}px wide on a 390px phone")

    session_path = "/dashboard/meetings/sessions/" + args.session
    try:
        visit("/dashboard/sign-in")
        driver.find_element(By.ID, "login").send_keys(args.login)
        driver.find_element(By.ID, "password").send_keys(args.password)
        submit(driver.find_element(By.CSS_SELECTOR, "#sign-in button"), "sign-in")
        expect(text("#who"), "the page does not say who is signed in")

        visit("/dashboard/meetings")
        expect("截至目前，活动已开展1期" in text("main"), "the meetings page lacks the sentence: " + text("main")[:300])
        shot("meetings")
        checked.append("meetings page: the sentence and the sessions")

        visit(session_path)
        expect(text("#session-state") == "待召开", "the session is not shown as scheduled: " + text("#session-state"))
        submit(driver.find_element(By.ID, "session-open"), "open the session")
        expect(text("#session-state") == "进行中", "the session did not open: " + text("#session-state"))
        driver.find_element(By.CSS_SELECTOR, "#attendance summary").click()
        attending = driver.find_element(By.ID, "attending")
        attending.clear()
        attending.send_keys("\n".join(args.enterprise))
        submit(driver.find_element(By.ID, "session-save"), "save attendance")
        expect(all(name in text("#session-fields") for name in args.enterprise), "the attending enterprises are not shown")
        checked.append("secretary: opens the session and records who attends")

        # Ten problems with the keyboard alone: the first field takes focus, then Tab, arrow keys and Enter only.
        first = driver.find_element(By.ID, "title-1")
        driver.execute_script("arguments[0].focus()", first)
        keys = ActionChains(driver)
        for row, (title, answer) in enumerate(PROBLEMS, start=1):
            keys.send_keys(title).send_keys(Keys.TAB)
            for _ in range(row % len(args.enterprise) + 1):
                keys.send_keys(Keys.ARROW_DOWN)
            keys.send_keys(Keys.TAB).send_keys(answer)
            if row < len(PROBLEMS):
                keys.send_keys(Keys.TAB).send_keys(Keys.TAB)  # past the category (automatic) to the next row
        page = driver.find_element(By.TAG_NAME, "html")
        keys.send_keys(Keys.ENTER).perform()
        browser.wait_for_new_page(page, "record ten problems")
        expect("已登记 10 个问题" in text("#message"), "the page does not confirm ten problems: " + text("main")[:300])

        def routed():
            rows = driver.find_elements(By.CSS_SELECTOR, "#problems tbody tr")
            owners = [row.find_element(By.CSS_SELECTOR, ".owner").text for row in rows]
            return len(rows) == 10 and all(owners)
        wait_for(routed, "ten problems routed")
        rows = driver.find_elements(By.CSS_SELECTOR, "#problems tbody tr")
        recorded.extend(row.get_attribute("data-case") for row in rows)
        table = text("#problems")
        expect(all(title in table for title, _ in PROBLEMS), "a recorded problem is missing from the list")
        expect(all(answer in table for _, answer in PROBLEMS), "an answer given on the spot is missing")
        expect("交通运输局" in table and "国网市供电公司" in table, "the owners are not named: " + table[:300])
        shot("session-recorded")
        checked.append("secretary: ten problems recorded with the keyboard alone, each routed")

        # The responsibility list printed to PDF on A4 landscape: every row, with the series, number and date.
        visit(session_path + "/list")
        heading = text("th.doc")
        expect("第" in heading and "期" in heading and "责任清单" in heading, "the list's heading: " + heading)
        print_options = PrintOptions()
        print_options.orientation = "landscape"
        print_options.page_width = 21.0
        print_options.page_height = 29.7
        pdf = base64.b64decode(driver.print_page(print_options))
        with open(f"{args.out}/responsibility-list.pdf", "wb") as handle:
            handle.write(pdf)
        reader = PdfReader(io.BytesIO(pdf))
        pages = [page.extract_text() or "" for page in reader.pages]
        whole = "".join(pages).replace("\n", "").replace(" ", "")
        for case in recorded:
            expect(case in whole, f"the PDF lacks {case}")
        for page_text in pages:
            flat = page_text.replace("\n", "").replace(" ", "")
            expect(heading.replace(" ", "") [:12] in flat, "a PDF page lacks the header " + heading)
        box = reader.pages[0].mediabox
        expect(float(box.width) > float(box.height), f"the PDF is not landscape: {box.width}×{box.height}")
        checked.append(f"responsibility list: printed to a {len(pages)}-page landscape PDF with all {len(recorded)} rows")

        # The next session opens with the follow-up: exactly the problems still open.
        visit("/dashboard/meetings/sessions/" + args.next_session + "/follow-up")
        listed = {row.get_attribute("data-case") for row in driver.find_elements(By.CSS_SELECTOR, "#still-open tbody tr[data-case]")}
        expected = set(args.open_case) | set(recorded)
        expect(listed == expected, f"the follow-up lists {sorted(listed)}, expected {sorted(expected)}")
        shot("follow-up")
        checked.append(f"follow-up: exactly the {len(expected)} open items")

        # A topic from one recorded problem, through the six steps to its public result.
        visit("/dashboard/topics")
        driver.find_element(By.ID, "new-topic-title").send_keys("园区公交线路延伸")
        driver.find_element(By.ID, "new-topic-area").send_keys("智能装备产业园")
        driver.find_element(By.ID, "new-topic-cases").send_keys(recorded[0])
        driver.find_element(By.ID, "new-topic-notes").send_keys("多家企业反映员工通勤难")
        submit(driver.find_element(By.ID, "new-topic-submit"), "create a topic")
        steps = [("draft", {"step-notes": "符合五议，拟定议题"}), ("research", {"step-notes": "走访企业十二家"}),
                 ("consult", {"party-1": "企业代表", "position-1": "希望早晚高峰加密", "party-2": "公交集团", "position-2": "可延伸4路和12路",
                              "step-decision": "4路和12路延伸至园区"}),
                 ("publish", {"step-result": "4路和12路公交车延伸至园区，下月起运行"}), ("supervise", {"step-cases": recorded[0]})]
        for step, fields in steps:
            for field, value in fields.items():
                driver.find_element(By.ID, field).send_keys(value)
            submit(driver.find_element(By.ID, "next-step-submit"), "topic step " + step)
            expect("已记录这一步" in text("#message"), f"{step} was not recorded: {text('main')[:200]}")
            # The page waits for reporting to show the step; should the event flow be slower than that, it would show
            # it after a reload.
            if driver.find_element(By.ID, "topic-state").get_attribute("data-step") != step:
                wait_for(lambda: driver.find_element(By.ID, "topic-state").get_attribute("data-step") == step, f"the topic at {step}")
        expect(len(driver.find_elements(By.CSS_SELECTOR, "#steps > li")) == 6, "the topic does not show six steps")
        expect(args.login not in text("#steps") and text("#who") in text("#steps"), "the steps do not name who recorded them: " + text("#steps")[:200])
        shot("topic")
        visit("/public")
        expect("4路和12路公交车延伸至园区，下月起运行" in text("#public-topics"), "the public page lacks the topic's result")
        shot("public")
        checked.append("topic: six steps to a result on the public page")

        visit("/dashboard/topics")
        driver.find_element(By.ID, "new-topic-title").send_keys("两户宅基地纠纷")
        submit(driver.find_element(By.ID, "new-topic-submit"), "create another topic")
        Select(driver.find_element(By.ID, "decline-reason-select")).select_by_value("private_dispute")
        submit(driver.find_element(By.ID, "decline-submit"), "decline the topic")
        expect(text("#decline-reason") == "属于个人私事的不议", "the reason is not shown: " + text("main")[:200])
        expect(driver.find_element(By.ID, "topic-state").get_attribute("data-state") == "declined", "the topic is not declined")
        checked.append("topic: declined at drafting with a configured reason")

        fits_phone("/dashboard/meetings", "meetings")
        fits_phone(session_path, "session")
        fits_phone("/dashboard/topics", "topics")
        checked.append("meetings, session and topics pages fit a phone")

        return browser.passed(checked, recorded=recorded)
    except Failed as failure:
        return browser.failed(failure, checked)
    finally:
        browser.quit()


if __name__ == "__main__":
    sys.exit(main())
