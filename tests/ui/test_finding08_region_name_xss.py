"""Finding 8 (issue 12): a region renamed to contain <img onerror> ran script for every township user
opening the warning editor (compose.js put the name into a Leaflet tooltip, which takes HTML). Every
script that builds HTML from data now goes through one helper (static/anlan/escape.js)."""

import re
from pathlib import Path

import pytest

import anlan
from anlan.geo.models import Region
from tests.ui.conftest import login

PAYLOAD = '巫山<img src=x onerror="window.__xss=(window.__xss||0)+1">镇'
STATIC = Path(anlan.__file__).parent / "static" / "anlan"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_finding08_region_name_does_not_run_in_the_warning_editor_or_the_map(browser, live_server, demo_data):
    tree = demo_data
    Region.objects.filter(code=tree.township.code).update(name=PAYLOAD)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    login(page, live_server.url, "township_officer", "/alerts/warnings/compose/")
    page.wait_for_selector("#compose-map path.leaflet-interactive", state="attached")
    # Open every tooltip (they are built when shown), then give a broken image time to fail.
    page.evaluate("window.anlanComposeMap.eachLayer(l => { if (l.getTooltip && l.getTooltip()) l.openTooltip(); })")
    page.wait_for_selector(".leaflet-tooltip")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss") is None
    assert page.locator(".leaflet-tooltip img").count() == 0
    assert "<img src=x" in page.inner_text(".leaflet-tooltip")  # shown as the text it is

    page.goto(f"{live_server.url}/geo/map/")
    page.wait_for_function("() => window.anlanLayers && window.anlanLayers.townships")
    page.evaluate(
        "Object.values(window.anlanLayers).forEach(g => { window.anlanMap.addLayer(g);"
        " g.eachLayer(l => { if (l.getPopup && l.getPopup()) l.openPopup(); }); })"
    )
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss") is None
    assert page.locator(".leaflet-popup img, .map-label img").count() == 0
    page.close()


def test_finding08_one_escape_helper_for_every_script():
    """No script keeps its own escaping (two partial ones existed, neither escaped quotes)."""
    own = [
        p.name
        for p in STATIC.glob("*.js")
        if p.name != "escape.js" and re.search(r"replace\(/[&<]/g|function (esc|escapeHtml)\b", p.read_text())
    ]
    assert own == []
    html_sinks = re.compile(r"bindTooltip\(|bindPopup\(|innerHTML\s*=|divIcon\(")
    for path in STATIC.glob("*.js"):
        if html_sinks.search(path.read_text()):
            assert "anlanEscape" in path.read_text(), f"{path.name} builds HTML without anlanEscape"
