"""The hidden-hazard closed loop in a real browser, the way the field uses it: on a phone."""

import struct
import zlib

import pytest

from anlan.hazards.models import HiddenHazard
from anlan.testing.personas import persona
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def png_bytes() -> bytes:
    """A valid 2×2 PNG, built here so the test carries no binary fixture."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_report_on_phone_assign_submit_with_photo_verify_and_see_it_closed_on_the_map(browser, live_server, demo_data):
    village = demo_data.village
    worker = browser.new_context(
        **PHONE,
        permissions=["geolocation"],
        geolocation={"longitude": village.center_lon, "latitude": village.center_lat},
    )
    page = worker.new_page()
    login(page, live_server.url, "village_grid_worker", "/hazards/report/")

    # The phone-sized page has no sidebar pushing the form off screen.
    form_box = page.locator("#report-form").bounding_box()
    assert form_box["width"] <= 390
    page.fill("#id_title", "村道边坡落石")
    page.fill("#id_description", "雨后坡面松动，有碎石落到村道上")
    page.select_option("#id_level", "general")
    page.click("#locate")
    page.wait_for_function("() => document.getElementById('id_lon').value !== ''")
    assert "已定位" in page.inner_text("#locate-status")
    page.click("#report-form button[type=submit]")  # not the header search
    page.wait_for_selector("#hazard-status")
    assert page.inner_text("#hazard-status") == "已上报"
    hazard = HiddenHazard.objects.get(title="村道边坡落石")
    assert hazard.region_id == village.code
    assert abs(hazard.lon - village.center_lon) < 1e-5 and abs(hazard.lat - village.center_lat) < 1e-5
    # A village worker cannot assign its own report: the page offers no step.
    assert page.locator("form.step").count() == 0

    officer_context = browser.new_context(**PHONE)
    officer = officer_context.new_page()
    login(officer, live_server.url, "township_officer", f"/hazards/{hazard.pk}/handle/")
    step = officer.locator("form.step[data-action=assign]")
    step.locator("input[name=responsible]").fill("村支书 王建国")
    step.locator("button[type=submit]").click()
    officer.wait_for_selector("#hazard-status:text('整改中')")

    page.goto(f"{live_server.url}/hazards/{hazard.pk}/handle/")
    step = page.locator("form.step[data-action=submit]")
    step.locator("textarea[name=measures]").fill("清除落石，坡面挂网")
    step.locator("input[name=photo]").set_input_files(
        {"name": "after.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    step.locator("button[type=submit]").click()
    page.wait_for_selector("#hazard-status:text('待验收')")
    assert page.locator(".photos img").count() == 1
    # The page is drawn before the image arrives: wait for it to load (or fail) before measuring.
    page.wait_for_function("() => document.querySelector('.photos img').complete")
    natural_width = page.locator(".photos img").evaluate("img => img.naturalWidth")
    assert natural_width == 2  # the photo is served back to a user in scope

    officer.reload()
    officer.locator("form.step[data-action=verify] button[type=submit]").click()
    officer.wait_for_selector("#hazard-status:text('已销号')")
    hazard.refresh_from_db()
    assert hazard.status == "closed" and hazard.closed_at is not None

    officer.set_viewport_size({"width": 1280, "height": 860})
    officer.goto(f"{live_server.url}/geo/map/")
    officer.wait_for_selector("#map[data-ready='1']", state="attached", timeout=30_000)
    officer.check(".map-panel input[data-layer=hazards_closed]")  # hidden by default: turned on in the panel
    officer.wait_for_function("() => window.anlanLayers.hazards_closed")
    closed = officer.evaluate("() => window.anlanLayers.hazards_closed.toGeoJSON().features.map(f => f.properties)")
    assert ("村道边坡落石", "已销号") in [(p["title"], p["status"]) for p in closed]
    still_open = officer.evaluate("() => window.anlanLayers.hazards.toGeoJSON().features.map(f => f.properties.id)")
    assert hazard.pk not in still_open
    closed_count = HiddenHazard.objects.restrict(persona("township_officer")).filter(status="closed").count()
    assert f"已销号隐患（{closed_count}）" in officer.inner_text(".map-panel")
