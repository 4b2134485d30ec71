"""The warning editor in a real browser: a template fills the wording, a township is picked on the map,
an extra area is drawn, the draft is saved, read per audience and issued."""

import pytest

from anlan.alerts.models import Warning
from anlan.alerts.services import deliveries
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def click_at(page, lon, lat, dx=0, dy=0):
    """Click the map at a geographic point (offset in pixels)."""
    box = page.locator("#compose-map").bounding_box()
    point = page.evaluate(
        f"(() => {{ const p = window.anlanComposeMap.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }})()"
    )
    page.mouse.click(box["x"] + point[0] + dx, box["y"] + point[1] + dy)


def test_compose_from_a_template_on_the_map_then_issue(browser, live_server, demo_data):
    tree = demo_data
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    login(page, live_server.url, "county_operator", "/alerts/warnings/compose/")
    page.wait_for_function("() => document.querySelectorAll('#compose-map path.leaflet-interactive').length > 0")

    # Pick the township by clicking its area on the map: the list follows.
    click_at(page, tree.township.center_lon, tree.township.center_lat)
    selected = page.eval_on_selector("#id_regions", "s => Array.from(s.selectedOptions).map(o => o.value)")
    assert selected == [tree.township.code]

    page.select_option("#id_template", label="暴雨红色预警")
    assert page.input_value("#id_headline") == f"{tree.township.name}暴雨红色预警"
    assert "100毫米" in page.input_value("#id_description")
    assert "禁停撤疏" in page.input_value("#id_m_responsible")

    # Draw a triangle around a village of the other township: it joins the area.
    other = tree.other_village
    page.click("#draw-start")
    click_at(page, other.center_lon, other.center_lat, -12, -12)
    click_at(page, other.center_lon, other.center_lat, 12, -12)
    click_at(page, other.center_lon, other.center_lat, 0, 14)
    page.click("#draw-finish")
    assert "3 个点" in page.inner_text("#draw-state")

    page.click("details summary")  # the township plans are folded away until wanted
    page.fill(f"#id_m_township__{tree.township.code}", "转移至镇中心小学安置点")
    page.click("button[name=save]")
    page.wait_for_selector("#warning-status")
    assert page.inner_text("#warning-status") == "草稿"
    previews = page.inner_text("#previews")
    assert "禁停撤疏" in previews and "立即转移到指定安置点" in previews  # each audience its own measures

    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#issue")
    page.wait_for_selector("#summary")
    assert page.inner_text("#warning-status") == "已发布"
    warning = Warning.objects.get(headline=f"{tree.township.name}暴雨红色预警")
    assert warning.polygon["type"] == "Polygon" and len(warning.polygon["coordinates"][0]) == 4
    reached = set(deliveries(warning).values_list("region_code", flat=True))
    assert tree.village.code in reached and other.code in reached
    # Only the villages the drawn area touches, not the whole other township.
    from anlan.geo.models import Region

    prefix = tree.other_township.code[:9]
    villages_there = Region.objects.filter(code__startswith=prefix, level="village").count()
    reached_there = {c for c in reached if c.startswith(prefix) and c[9:] != "000"}
    assert other.code in reached_there and len(reached_there) < villages_there
