"""Finding 2 (issue 12): team leaders could change monitoring rules, sensors and contacts county-wide,
because every model without `write_roles` was writable by any role with "change". Writing is now denied
by default; the whole table is asserted in tests/core/test_authorization_matrix.py. These are the
penetration test's reproductions, as a team leader, through the API and the registry pages."""

import pytest

from anlan.core.testing.personas import persona
from anlan.monitoring.models import Rule, Sensor
from anlan.registry.models import Enterprise, Person
from anlan.resources.models import Shelter
from anlan.risk.models import RiskPoint
from anlan.sites.models import HazardSite
from anlan.supplies.models import Warehouse

pytestmark = pytest.mark.django_db


def test_finding02_team_leader_cannot_change_rules_sensors_or_phones(client, tree):
    sensor = Sensor.objects.order_by("pk").first()
    rule = Rule.objects.create(sensor=sensor, kind="threshold", yellow=10, orange=20, red=30)
    person = Person.objects.filter(region__code__startswith=tree.county.code[:6]).order_by("pk").first()
    client.force_login(persona("team_leader"))

    attempts = [
        (f"/api/v1/monitoring/rules/{rule.pk}/", {"levels": {"red": 99999}}),
        (f"/api/v1/monitoring/sensors/{sensor.code}/", {"active": False}),
        (f"/api/v1/persons/{person.pk}/", {"phone": "13800009999"}),
    ]
    for url, body in attempts:
        response = client.patch(url, body, content_type="application/json")
        assert response.status_code == 403, (url, response.status_code)
    rule.refresh_from_db()
    sensor.refresh_from_db()
    person.refresh_from_db()
    assert (rule.yellow, rule.orange, rule.red) == (10, 20, 30)
    assert sensor.active
    assert person.phone != "13800009999"


@pytest.mark.parametrize(
    ("prefix", "model"),
    [
        ("enterprises", Enterprise),
        ("sites", HazardSite),
        ("risk/points", RiskPoint),
        ("shelters", Shelter),
        ("supplies/warehouses", Warehouse),
    ],
)
def test_finding02_team_leader_cannot_write_registries(client, tree, prefix, model):
    row = model.objects.order_by("pk").first()
    client.force_login(persona("team_leader"))
    assert client.patch(f"/api/v1/{prefix}/{row.pk}/", {}, content_type="application/json").status_code == 403
    assert client.delete(f"/api/v1/{prefix}/{row.pk}/").status_code == 403
    assert client.post(f"/api/v1/{prefix}/", {}, content_type="application/json").status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


def test_finding02_team_leader_cannot_issue_supplies_or_use_edit_pages(client, tree):
    warehouse = Warehouse.objects.order_by("pk").first()
    client.force_login(persona("team_leader"))
    issued = client.post(
        "/api/v1/supplies/movements/",
        {"warehouse": warehouse.pk, "kind": "out", "item": "x", "quantity": 1},
        content_type="application/json",
    )
    assert issued.status_code == 403
    sensor = Sensor.objects.order_by("pk").first()
    assert client.get(f"/monitoring/sensor/{sensor.pk}/edit/").status_code == 403
    assert client.get("/registry/person/add/").status_code == 403


def test_finding02_county_roles_still_write_and_townships_keep_their_own_registries(client, tree):
    sensor = Sensor.objects.order_by("pk").first()
    client.force_login(persona("county_operator"))
    changed = client.patch(
        f"/api/v1/monitoring/sensors/{sensor.code}/", {"active": False}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    client.force_login(persona("township_officer"))
    refused = client.patch(
        f"/api/v1/monitoring/sensors/{sensor.code}/", {"active": True}, content_type="application/json"
    )
    assert refused.status_code == 403
    person = Person.objects.filter(region__code__startswith=tree.township.code[:9]).order_by("pk").first()
    ok = client.patch(f"/api/v1/persons/{person.pk}/", {"position": "村支书"}, content_type="application/json")
    assert ok.status_code == 200, ok.content
