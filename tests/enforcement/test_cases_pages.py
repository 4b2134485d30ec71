"""Penalty-case pages: opening a case, the steps on the case page, the clocks list, and who sees what."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.enforcement.models import Inspection, IssuedDocument, PenaltyCase
from anlan.enforcement.selectors_cases import pressing_count
from anlan.overview.items import workbench
from anlan.registry.models import Enterprise
from anlan.testing.personas import persona

from .cases_helpers import enterprise_of_persona, open_case

pytestmark = pytest.mark.django_db


def test_open_a_case_by_hand_then_take_a_step(client, inspectors):
    client.force_login(persona("county_operator"))
    enterprise = enterprise_of_persona()
    form = client.get("/enforcement/cases/new/")
    assert form.status_code == 200 and "尚未核实" in form.content.decode()  # the 较大数额 setting is shown as such
    body = {
        "title": "未如实记录隐患排查治理情况",
        "procedure": "ordinary",
        "party_kind": "organisation",
        "enterprise": enterprise.pk,
        "opened_on": timezone.localdate().isoformat(),
        "facts": "未建立隐患排查治理台账",
        "legal_basis": "《安全生产法》第一百零一条",
        "fine_yuan": "30000",
        "handlers": [inspectors[0].pk, inspectors[1].pk],
    }
    created = client.post("/enforcement/cases/new/", body)
    assert created.status_code == 302, created.content.decode()[:2000]
    case = PenaltyCase.objects.get(title=body["title"])
    assert case.party_name == enterprise.name and case.region == enterprise.region
    page = client.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "开始调查取证" in page and "立案审批表" in page and "作出处罚决定" in page  # 90-day clock named
    refused = client.post(f"/enforcement/cases/{case.pk}/step/notify/", {"notify-on": timezone.localdate()})
    assert refused.status_code == 400 and "调查取证之后" in refused.content.decode()
    done = client.post(f"/enforcement/cases/{case.pk}/step/investigate/", {"investigate-on": timezone.localdate()})
    assert done.status_code == 302
    assert PenaltyCase.objects.get(pk=case.pk).status == "investigating"
    qa = "问：是否建立隐患台账？\n答：没有建立。\n问：负责人是谁？\n答：张三"
    body = {"interrogate-on": timezone.localdate(), "interrogate-person": "李四", "interrogate-qa": qa}
    step = client.post(f"/enforcement/cases/{case.pk}/step/interrogate/", body)
    assert step.status_code == 302
    record = IssuedDocument.objects.get(case=case, kind="interrogation")
    assert record.content["qa"][1] == {"q": "负责人是谁？", "a": "张三"}


def test_one_handler_is_refused_on_the_form(client, inspectors):
    client.force_login(persona("county_operator"))
    body = {"title": "x", "procedure": "ordinary", "party_kind": "person", "party_name": "王五",
            "opened_on": timezone.localdate().isoformat(), "handlers": [inspectors[0].pk]}  # fmt: skip
    response = client.post("/enforcement/cases/new/", body)
    assert response.status_code == 400 and "不得少于两人" in response.content.decode()


def test_open_from_an_inspection_brings_its_enterprise_and_officers(client, inspectors):
    enterprise = enterprise_of_persona()
    inspection = Inspection.objects.create(enterprise=enterprise, region=enterprise.region,
                                           inspected_on=dt.date(2026, 3, 2))  # fmt: skip
    inspection.inspectors.set(inspectors[:2])
    client.force_login(persona("county_operator"))
    page = client.get(f"/enforcement/cases/new/?inspection={inspection.pk}")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["enterprise"] == enterprise.pk
    assert set(form.initial["handlers"]) == {i.pk for i in inspectors[:2]}
    assert client.get("/enforcement/cases/new/?inspection=999999").status_code == 404
    assert client.get("/enforcement/cases/new/?inspection=abc").status_code == 404


def test_enterprise_sees_its_own_case_only_and_takes_no_step(client, inspectors):
    own = open_case(inspectors)
    others = Enterprise.objects.exclude(pk=own.enterprise_id).filter(region__code__startswith="500237")
    other_enterprise = others.order_by("pk").first()
    other = open_case(inspectors, enterprise=other_enterprise, region=other_enterprise.region,
                      party_name=other_enterprise.name)  # fmt: skip
    client.force_login(persona("enterprise_user"))
    listed = client.get("/enforcement/cases/")
    assert listed.status_code == 200
    # Exactly the cases of the user's enterprise (this one and any the demo opened against it), newest first.
    theirs = PenaltyCase.objects.filter(enterprise_id=own.enterprise_id).order_by("-opened_on", "-id")
    assert [r["case"].pk for r in listed.context["rows"]] == list(theirs.values_list("pk", flat=True))
    assert own.pk in [r["case"].pk for r in listed.context["rows"]]
    detail = client.get(f"/enforcement/cases/{own.pk}/")
    assert detail.status_code == 200 and not detail.context["steps"]
    assert client.get(f"/enforcement/cases/{other.pk}/").status_code == 404
    assert client.post(f"/enforcement/cases/{own.pk}/step/investigate/", {}).status_code == 404


def test_village_worker_sees_no_case(client, inspectors):
    case = open_case(inspectors)
    client.force_login(persona("village_grid_worker"))
    assert client.get("/enforcement/cases/").status_code == 403
    assert client.get(f"/enforcement/cases/{case.pk}/").status_code == 403  # its role reads no case at all


def test_pressing_cases_on_the_list_and_the_workbench(client, inspectors):
    today = timezone.localdate()
    open_case(inspectors, on=today - dt.timedelta(days=88))  # decision due in 2 days: 临期
    open_case(inspectors, on=today - dt.timedelta(days=10))  # 80 days left
    user = persona("county_operator")
    assert pressing_count(user) == 1
    item = next(s for s in workbench(user) if s.key == "case_clocks")
    assert item.count == 1 and item.url == "/enforcement/cases/due/"
    client.force_login(user)
    due = client.get(item.url)
    assert due.status_code == 200 and due.context["page"].paginator.count == 1
    assert "剩 2 天" in due.content.decode()
    assert pressing_count(persona("department_operator")) == 0  # the water department: not its case
