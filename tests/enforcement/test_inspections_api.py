"""CONTRACT.md `POST /api/v1/enforcement/inspections/`: the shapes, each 400 (nothing kept), findings in the
hazard API (reported, source inspection), major findings 挂牌督办, document numbers in sequence, scope."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.core.bureau import bureau_name
from anlan.enforcement.models import Finding, Inspection, IssuedDocument
from anlan.hazards.models import HiddenHazard
from anlan.registry.models import Enterprise
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

URL = "/api/v1/enforcement/inspections/"


def _post(client, body):
    return client.post(URL, body, content_type="application/json")


def _body(enterprise, inspectors, findings=None, **over):
    today = timezone.localdate()
    body = {
        "enterprise": enterprise.pk,
        "inspectors": [i.user.username for i in inspectors[:2]],
        "inspected_on": today.isoformat(),
        "findings": findings
        if findings is not None
        else [
            {"title": "配电箱未接地", "level": "general", "deadline": (today + dt.timedelta(days=10)).isoformat()},
            {
                "title": "除尘系统未设泄爆装置",
                "level": "major",
                "deadline": (today + dt.timedelta(days=30)).isoformat(),
            },
        ],
    }
    return {**body, **over}


@pytest.fixture
def enterprise(tree):
    return Enterprise.objects.filter(region__code__startswith=tree.township.code[:9]).order_by("pk").first()


def _counts():
    return (Inspection.objects.count(), HiddenHazard.objects.count(), Finding.objects.count(),
            IssuedDocument.objects.count())  # fmt: skip


def test_post_creates_hazards_visible_in_the_hazard_api(client, inspectors, enterprise):
    client.force_login(persona("county_operator"))
    response = _post(client, _body(enterprise, inspectors))
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "hazards"} and isinstance(body["id"], int) and len(body["hazards"]) == 2
    for hazard_id, level in zip(body["hazards"], ["general", "major"], strict=True):
        got = client.get(f"/api/v1/hazards/{hazard_id}/")
        assert got.status_code == 200
        h = got.json()
        assert h["status"] == "reported" and h["source"] == "inspection" and h["level"] == level
        assert h["enterprise"] == enterprise.pk and h["region"] == enterprise.region_id
        assert h["department"] == enterprise.department_id
    general, major = (HiddenHazard.objects.get(pk=pk) for pk in body["hazards"])
    assert general.supervising_unit == "" and general.deadline == timezone.localdate() + dt.timedelta(days=10)
    # 挂牌督办: the bureau, the 带队 officer (the first named) without a configured leader.
    assert major.supervising_unit == bureau_name() and major.supervising_leader == str(inspectors[0])
    inspection = Inspection.objects.get(pk=body["id"])
    assert inspection.status == "signed" and inspection.kind == "planned" and inspection.leader == inspectors[0]
    assert sorted(inspection.documents.values_list("kind", flat=True)) == ["inspection_record", "rectification_order"]


def test_configured_supervising_leader(client, inspectors, enterprise, settings):
    settings.ANLAN_ENFORCEMENT_SUPERVISING_LEADER = "王局长"
    client.force_login(persona("county_operator"))
    body = _post(client, _body(enterprise, inspectors)).json()
    assert HiddenHazard.objects.get(pk=body["hazards"][1]).supervising_leader == "王局长"


def test_document_numbers_are_sequential(client, inspectors, enterprise):
    client.force_login(persona("county_operator"))
    numbers = []
    for _ in range(3):
        inspection = Inspection.objects.get(pk=_post(client, _body(enterprise, inspectors)).json()["id"])
        numbers.append(inspection.documents.get(kind="inspection_record").seq)
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
    year = timezone.localdate().year
    record = IssuedDocument.objects.filter(kind="inspection_record").order_by("-seq").first()
    assert record.number.endswith(f"应急检记〔{year}〕{numbers[-1]}号")


def test_without_findings_the_inspection_is_closed_and_only_the_record_issued(client, inspectors, enterprise):
    client.force_login(persona("county_operator"))
    response = _post(client, _body(enterprise, inspectors, findings=[]))
    assert response.status_code == 201 and response.json()["hazards"] == []
    inspection = Inspection.objects.get(pk=response.json()["id"])
    assert inspection.status == "closed"
    assert list(inspection.documents.values_list("kind", flat=True)) == ["inspection_record"]


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda b, i: {**b, "inspectors": b["inspectors"][:1]}, "inspectors"),
        (lambda b, i: {**b, "inspectors": [b["inspectors"][0], b["inspectors"][0]]}, "inspectors"),
        (lambda b, i: {**b, "inspectors": [b["inspectors"][0], "nobody_here"]}, "inspectors"),
        (lambda b, i: {**b, "enterprise": 999999}, "enterprise"),
        (lambda b, i: {**b, "enterprise": 10**30}, "enterprise"),
        (lambda b, i: {**b, "inspected_on": "2001-01-01"}, "inspected_on"),
        (lambda b, i: {**b, "inspected_on": "2026-13-01"}, "inspected_on"),
        (lambda b, i: {**b, "inspected_on": "yesterday"}, "inspected_on"),
        (lambda b, i: {**b, "findings": [{**b["findings"][0], "deadline": "31/12/2026"}]}, "findings"),
        (lambda b, i: {**b, "findings": [{**b["findings"][0], "level": "huge"}]}, "findings"),
        (lambda b, i: {**b, "findings": [{**b["findings"][0], "deadline": "2000-01-01"}]}, "findings"),
        (lambda b, i: {**b, "inspected_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()}, "inspected_on"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_kept(client, inspectors, enterprise, change, field):
    client.force_login(persona("county_operator"))
    before = _counts()
    response = _post(client, change(_body(enterprise, inspectors), inspectors))
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert _counts() == before


def test_expired_certificate_is_refused(client, inspectors, enterprise):
    inspectors[1].certificate_valid_until = timezone.localdate() - dt.timedelta(days=1)
    inspectors[1].save()
    client.force_login(persona("county_operator"))
    response = _post(client, _body(enterprise, inspectors))
    assert response.status_code == 400 and "inspectors" in response.json()


def test_enterprise_outside_the_township_is_a_400(client, inspectors, tree):
    other = Enterprise.objects.filter(region__code__startswith=tree.other_township.code[:9]).first()
    client.force_login(persona("township_officer"))
    before = _counts()
    response = _post(client, _body(other, inspectors))
    assert response.status_code == 400 and "enterprise" in response.json()
    assert _counts() == before


def test_scope_enterprise_reads_its_own_and_cannot_write_other_township_404(client, inspectors, tree):
    user = persona("enterprise_user")
    client.force_login(persona("township_officer"))
    created = _post(client, _body(user.enterprise, inspectors))
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    client.force_login(user)
    assert client.get(f"{URL}{pk}/").json()["hazards"] == created.json()["hazards"]
    assert _post(client, _body(user.enterprise, inspectors)).status_code == 403
    client.force_login(persona("other_township_officer"))
    assert client.get(f"{URL}{pk}/").status_code == 404
    assert pk not in [row["id"] for row in client.get(URL).json()["results"]]
