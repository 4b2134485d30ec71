"""Major hazard sources: stored units re-grade when their substances or the exposed population change."""

import pytest

from anlan.core.models import AuditEntry
from anlan.registry.models import Enterprise
from anlan.risk import services
from anlan.risk.models import MajorHazardSource
from anlan.testing.personas import persona


@pytest.fixture
def unit(tree):
    enterprise = Enterprise.objects.filter(region__code__startswith=tree.township.code[:9]).first()
    return MajorHazardSource.objects.create(enterprise=enterprise, name="液化气储罐区", exposed_people=60)


@pytest.mark.django_db
def test_unit_takes_the_region_and_department_of_its_enterprise(unit):
    assert unit.region_id == unit.enterprise.region_id
    assert unit.department_id == unit.enterprise.department_id
    assert unit.level is None and unit.level_label == "未辨识"


@pytest.mark.django_db
def test_changing_quantities_regrades_and_updates_the_enterprise_flag(unit):
    officer = persona("township_officer")
    services.substances_replace(actor=officer, source=unit, items=[{"name": "液化石油气", "quantity_t": 20}])
    unit.refresh_from_db()
    assert not unit.is_major and unit.sum_ratio == 0.4 and unit.level_label == "不构成"
    assert not Enterprise.objects.get(pk=unit.enterprise_id).has_major_hazard
    # 液化石油气 Q = 50 t, β = 1.5 (W2); α = 1.5 for 50–99 people: R = 1.5 × 1.5 × 300/50 = 13.5 → 三级.
    services.substances_replace(actor=officer, source=unit, items=[{"cas": "68476-85-7", "quantity_t": 300}])
    unit.refresh_from_db()
    assert unit.is_major and unit.R == 13.5 and unit.level == 3
    assert unit.substances.get().matched_name.startswith("液化石油气")
    assert Enterprise.objects.get(pk=unit.enterprise_id).has_major_hazard
    # More people nearby raises α (100 or more: α = 2.0): R = 18.0, still 三级.
    unit.exposed_people = 150
    unit.save()
    assert unit.R == 18.0
    audit = AuditEntry.objects.filter(action="major_hazard_regrade", object_id=str(unit.pk)).first()
    assert audit.after["level"] == 3 and audit.before["is_major"] is False


@pytest.mark.django_db
def test_a_bad_row_changes_nothing_and_names_the_row(client, tree, unit):
    client.force_login(persona("township_officer"))
    services.substances_replace(actor=persona("township_officer"), source=unit, items=[{"name": "氯", "quantity_t": 2}])
    response = client.put(
        f"/api/v1/risk/major-hazards/{unit.pk}/substances/",
        [{"name": "氨", "quantity_t": 5}, {"name": "不存在的物质", "quantity_t": 1}],
        content_type="application/json",
    )
    assert response.status_code == 400 and "第2种物质" in response.json()["substances"][0]
    assert [s.name for s in unit.substances.all()] == ["氯"]


@pytest.mark.django_db
def test_substance_page_regrades(client, tree, unit):
    client.force_login(persona("township_officer"))
    data = {
        "s-TOTAL_FORMS": "3",
        "s-INITIAL_FORMS": "0",
        "s-MIN_NUM_FORMS": "0",
        "s-MAX_NUM_FORMS": "50",
        "s-0-name": "氯",
        "s-0-quantity_t": "10",
        "s-1-category": "W5.1",
        "s-1-quantity_t": "5",
    }
    response = client.post(f"/risk/majorhazardsource/{unit.pk}/substances/", data)
    assert response.status_code == 302
    unit.refresh_from_db()
    # 氯: Q = 5 t, β = 4 (Table 3); W5.1: Q = 10 t, β = 1.5; α = 1.5: R = 1.5 × (4×2 + 1.5×0.5) = 13.125 → 三级.
    assert unit.is_major and unit.level == 3 and pytest.approx(13.125) == unit.R
    detail = client.get(f"/risk/majorhazardsource/{unit.pk}/").content.decode()
    assert "三级" in detail and "临界量" in detail
    data["s-0-quantity_t"] = ""
    missing = client.post(f"/risk/majorhazardsource/{unit.pk}/substances/", data)
    assert missing.status_code == 400 and "请填写设计最大量" in missing.content.decode()
    client.force_login(persona("viewer"))
    assert client.post(f"/risk/majorhazardsource/{unit.pk}/substances/", data).status_code == 403
