"""In an English browser the file control still reads Chinese: a 选择文件 button that opens the chooser when
tapped, 未选择文件 until a file is chosen, then its name (behaviours.js); the date control has 格式：年-月-日 below."""

import pytest

from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_english_browser_reads_chinese_around_file_and_date_controls(browser, live_server, demo_data):
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, live_server.url, "county_operator", "/flood/dike/import/")
    pick = page.locator(".file-pick")
    assert pick.locator(".file-button").inner_text() == "选择文件"
    assert pick.locator("[data-file-state]").inner_text() == "未选择文件"
    with page.expect_file_chooser() as chooser:
        pick.locator(".file-button").click(force=True)  # the transparent input above it takes the tap
    chooser.value.set_files([{"name": "堤防.xlsx", "mimeType": "application/octet-stream", "buffer": b"x"}])
    assert pick.locator("[data-file-state]").inner_text() == "已选择：堤防.xlsx"
    page.goto(f"{live_server.url}/flood/floodseason/add/")
    start = page.locator("input[name=start]")
    assert start.evaluate("e => e.nextElementSibling.textContent") == "格式：年-月-日"
    context.close()
