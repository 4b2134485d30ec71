"""The intake form in Chromium asks for the facts an incident's kind is graded by: 受害森林面积 for a forest fire,
灾情/险情 and the people to relocate for a geological hazard, none of them for other kinds; a forest fire recorded
with its burned area is graded by 森林防火条例 Art. 40 at once."""

import pytest

from anlan.incidents.models import Incident
from anlan.plans.models import IncidentKind
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
FOREST = ("burned_forest_ha", "other_woodland")
GEO = ("geo_stage", "people_to_relocate", "potential_loss_10k_yuan")


def shown(page, name: str) -> bool:
    return page.is_visible(f"#intake-form [name={name}]")


def test_the_intake_asks_for_the_facts_of_the_kind_and_grades_a_forest_fire(browser, live_server, demo_data):
    page = browser.new_page(**DESKTOP)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_server.url, "county_operator", "/incidents/intake/")
    kind = {k.name: str(k.pk) for k in IncidentKind.objects.all()}

    page.select_option("#id_kind", kind["水旱灾害"])
    assert not any(shown(page, name) for name in FOREST + GEO)
    page.select_option("#id_kind", kind["地质灾害"])
    assert all(shown(page, name) for name in GEO) and not any(shown(page, name) for name in FOREST)
    page.select_option("#id_kind", kind["森林草原火灾"])
    assert all(shown(page, name) for name in FOREST) and not any(shown(page, name) for name in GEO)

    page.fill("#id_title", "大昌镇林区火情")
    page.select_option("#id_region", demo_data.village.code)
    page.fill("#id_description", "山林起火，明火蔓延")
    page.fill("#id_burned_forest_ha", "120")
    page.click("#intake-form button[type=submit]")
    page.wait_for_selector("#incident-level")
    assert page.inner_text("#incident-level") == "重大（II级）"
    assert Incident.objects.get(title="大昌镇林区火情").level_basis.startswith("《森林防火条例》第四十条：重大森林火灾")
    assert errors == []
