"""The 风险告知卡 as printed (print media in a real browser): the table spans the card, the QR code is
inside the card's border, and the notice about a local QR address is not printed."""

import os

import pytest

from anlan.risk import services
from anlan.testing.personas import persona
from tests.risk.test_risk_points import make_point
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("ANLAN_SCREENSHOTS", "")


def inside(inner, outer) -> bool:
    return (
        inner["x"] >= outer["x"]
        and inner["y"] >= outer["y"]
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
    )


def test_printed_card_has_a_full_width_table_and_the_qr_inside(browser, live_server, demo_data, settings):
    settings.ANLAN_PUBLIC_URL = ""
    point = make_point(demo_data.village)
    services.assess(actor=persona("township_officer"), point=point, method="lec", L=6, E=6, C=15)
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    login(page, live_server.url, "township_officer", f"/risk/riskpoint/{point.pk}/card/")
    assert page.locator("#qr-local").is_visible()  # on screen, staff see it
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/risk-card-1440.png", full_page=True)
    page.emulate_media(media="print")
    assert not page.locator("#qr-local").is_visible()
    card = page.locator("article.risk-card").bounding_box()
    table = page.locator("article.risk-card table.detail").bounding_box()
    assert table["width"] >= card["width"] - 6  # the table spans the card (borders aside)
    assert inside(page.locator("article.risk-card .qr-code svg").bounding_box(), card)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/risk-card-print.png", full_page=True)
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        login(phone, live_server.url, "township_officer", f"/risk/riskpoint/{point.pk}/card/")
        phone.screenshot(path=f"{SHOTS}/risk-card-390.png", full_page=True)
