"""Finding 5 (issue 12): bad input gave HTTP 500. Each case is now a 400 naming the field (or, for the
Excel export, a correct workbook): unknown or out-of-scope sensors on monitoring rules, out-of-range or
non-finite coordinates on the nearest-resource search, LEC factors that overflowed to infinity, deeply
nested JSON bodies, and a JSON field in an Excel export."""

import io

import openpyxl
import pytest
from django.test import RequestFactory

from anlan.alerts.models import WarningTemplate
from anlan.monitoring.api import RuleSerializer
from anlan.monitoring.models import Rule, Sensor
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

RULES = "/api/v1/monitoring/rules/"
NEAREST = "/api/v1/resources/nearest/"
LEC = "/api/v1/risk/lec/evaluate"


def _json(client, method, url, body):
    return getattr(client, method)(url, body, content_type="application/json")


def test_finding05_unknown_sensor_on_a_rule_is_a_400_naming_the_sensor(client):
    client.force_login(persona("county_operator"))
    before = Rule.objects.count()
    created = _json(client, "post", RULES, {"sensor": "NO-SUCH", "kind": "threshold", "levels": {"red": 1}})
    assert created.status_code == 400, created.content
    assert "NO-SUCH" in created.json()["sensor"][0] and created.json()["code"] == "invalid"
    assert Rule.objects.count() == before

    sensor = Sensor.objects.order_by("pk").first()
    rule = _json(client, "post", RULES, {"sensor": sensor.code, "kind": "threshold", "levels": {"red": 9}})
    assert rule.status_code == 201, rule.content
    patched = _json(client, "patch", f"{RULES}{rule.json()['id']}/", {"sensor": "NO-SUCH"})
    assert patched.status_code == 400 and "NO-SUCH" in patched.json()["sensor"][0]
    assert Rule.objects.get(pk=rule.json()["id"]).sensor == sensor


def test_finding05_out_of_scope_sensor_is_refused_as_outside_the_scope(tree):
    """The sensor field is limited to the user's scope; the refusal names the code (it raised KeyError)."""
    outside = Sensor.objects.exclude(region__code__startswith=tree.other_township.code).order_by("pk").first()
    request = RequestFactory().post(RULES)
    request.user = persona("other_township_officer")
    serializer = RuleSerializer(
        data={"sensor": outside.code, "kind": "threshold", "levels": {"red": 1}}, context={"request": request}
    )
    assert not serializer.is_valid()
    assert outside.code in serializer.errors["sensor"][0] and "管辖范围" in serializer.errors["sensor"][0]


@pytest.mark.parametrize(
    "lon, lat, field",
    [
        ("108.9", "95", "lat"),
        ("108.9", "1e200", "lat"),
        ("1e200", "31", "lon"),
        ("nan", "31", "lon"),
        ("inf", "31", "lon"),
        ("0", "0", "lon"),
        ("2.35", "48.85", "lon"),
        ("abc", "31", "lon"),
    ],
)
def test_finding05_nearest_refuses_coordinates_that_cannot_be_in_china(client, lon, lat, field):
    client.force_login(persona("county_admin"))
    response = client.get(NEAREST, {"kind": "teams", "lon": lon, "lat": lat})
    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.parametrize("name, value", [("k", "1e9"), ("k", "x"), ("min_free", "-1"), ("min_free", "x")])
def test_finding05_nearest_refuses_bad_numeric_parameters(client, tree, name, value):
    client.force_login(persona("county_admin"))
    params = {"kind": "shelters", "lon": tree.village.center_lon, "lat": tree.village.center_lat, name: value}
    response = client.get(NEAREST, params)
    assert response.status_code == 400 and name in response.json()


def test_finding05_nearest_still_answers_inside_china(client, tree):
    client.force_login(persona("county_admin"))
    response = client.get(NEAREST, {"kind": "teams", "lon": tree.village.center_lon, "lat": tree.village.center_lat})
    assert response.status_code == 200 and response.json()


@pytest.mark.parametrize("factor, value", [("L", 1e308), ("E", 11), ("C", 1000), ("L", 0.05), ("C", -1)])
def test_finding05_lec_factors_are_bounded_by_the_method_tables(client, factor, value):
    client.force_login(persona("viewer"))
    body = {"L": 6, "E": 6, "C": 15, factor: value}
    response = _json(client, "post", LEC, body)
    assert response.status_code == 400, response.content
    assert factor in response.json()


def test_finding05_lec_table_extremes_still_evaluate(client):
    client.force_login(persona("viewer"))
    response = _json(client, "post", LEC, {"L": 10, "E": 10, "C": 100})
    assert response.status_code == 200 and response.json()["D"] == 10000


@pytest.mark.parametrize(
    "url", ["/api/v1/monitoring/rules/", "/api/v1/risk/lec/evaluate", "/api/v1/monitoring/readings"]
)
def test_finding05_deeply_nested_json_is_a_400(client, url):
    client.force_login(persona("county_operator"))
    body = "[" * 50_000 + "]" * 50_000
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "嵌套" in response.json()["detail"]


def test_finding05_nesting_up_to_the_limit_still_parses(client):
    client.force_login(persona("county_operator"))
    nested = "[" * 60 + "1" + "]" * 60
    response = client.post(LEC, '{"L": 6, "E": 6, "C": 15, "x": ' + nested + "}", content_type="application/json")
    assert response.status_code == 200, response.content


def test_finding05_csp_report_with_deep_nesting_is_a_400(client):
    response = client.post("/csp-report/", "[" * 4000 + "]" * 4000, content_type="application/csp-report")
    assert response.status_code == 400


def test_finding05_warning_templates_export_json_fields_as_readable_text(client):
    client.force_login(persona("county_admin"))
    template = WarningTemplate.objects.exclude(measures={}).order_by("pk").first() or WarningTemplate.objects.first()
    template.measures = {"responsible": "立即上岗到位", "enterprise": "停止户外作业"}
    template.save(update_fields=["measures"])
    response = client.get("/alerts/warningtemplate/", {"export": "xlsx"})
    assert response.status_code == 200, response.content[:300]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    # One "key：value" line per entry (PostgreSQL's jsonb keeps its own key order).
    assert {"responsible：立即上岗到位", "enterprise：停止户外作业"} in [set(c.split("\n")) for c in cells]


def test_finding05_deeply_nested_mqtt_payload_is_rejected_not_raised():
    from anlan.monitoring.mqtt import parse_message

    code, items, error = parse_message("anlan/readings/RG-1", b"[" * 50_000 + b"]" * 50_000)
    assert (code, items) == ("RG-1", []) and "嵌套" in error
