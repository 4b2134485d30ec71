"""The incident workspace as a finished page: tabs under a summary, nothing preselected where a choice
matters, a message after each step on the step's own tab, and only the decisions that apply offered."""

import re

import pytest
from django.utils import timezone

from anlan.incidents import services
from anlan.incidents.models import Incident
from anlan.plans.models import IncidentKind
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db
PANEL = re.compile(r'<section class="tab-panel" id="panel-([a-z]+)"[^>]*?( hidden)?>')
SELECTED_TAB = re.compile(r'data-tab="([a-z]+)"[^>]*aria-selected="true"')


def incident(tree, kind="地质灾害", **extra) -> Incident:
    return services.incident_create(
        actor=persona("county_operator"),
        incident=Incident(
            title="早阳村山体滑坡",
            kind=IncidentKind.objects.get(name=kind),
            region=tree.village,
            occurred_at=timezone.now(),
            description="3 人被困",
            **extra,
        ),
    )


def shown_panels(html: str) -> list[str]:
    return [name for name, hidden in PANEL.findall(html) if not hidden]


def workspace(client, case, query="") -> str:
    page = client.get(f"/incidents/{case.pk}/{query}")
    assert page.status_code == 200
    return page.content.decode()


def test_the_page_opens_on_the_overview_and_each_tab_is_a_link_the_server_honours(client, tree):
    case = incident(tree)
    client.force_login(persona("county_operator"))
    html = workspace(client, case)
    assert SELECTED_TAB.findall(html) == ["overview"] and shown_panels(html) == ["overview"]
    assert re.findall(r'href="\?tab=([a-z]+)"', html) == [
        "overview",
        "response",
        "dispatch",
        "reports",
        "timeline",
    ]
    html = workspace(client, case, "?tab=timeline")
    assert SELECTED_TAB.findall(html) == ["timeline"] and shown_panels(html) == ["timeline"]
    assert shown_panels(workspace(client, case, "?tab=nonsense")) == ["overview"]
    assert 'id="incident-summary"' in html and 'id="report-clock"' in html


def test_grade_and_response_level_start_unchosen_and_are_required(client, tree):
    case = incident(tree, kind="水旱灾害")  # graded by people
    client.force_login(persona("county_operator"))
    html = workspace(client, case, "?tab=response")
    for name in ("grade-form", "response-form"):
        form = re.search(rf'<form[^>]*id="{name}".*?</form>', html, re.S).group(0)
        select = re.search(r"<select[^>]*>.*?</select>", form, re.S).group(0)
        assert "required" in select.split(">")[0]
        assert re.search(r'<option value="" selected>请选择</option>', select), select
    refused = client.post(f"/incidents/{case.pk}/", {"step": "grade", "level": "", "basis": "研判"})
    assert refused.status_code == 400
    assert shown_panels(refused.content.decode()) == ["response"]  # the errors are on the step's tab
    case.refresh_from_db()
    assert case.level == ""


def test_each_step_returns_to_its_tab_with_a_message_saying_what_was_done(client, tree):
    case = incident(tree, kind="水旱灾害")  # graded by people
    client.force_login(persona("county_operator"))
    graded = client.post(f"/incidents/{case.pk}/", {"step": "grade", "level": "III", "basis": "会商研判"})
    assert graded.status_code == 302 and graded["Location"] == f"/incidents/{case.pk}/?tab=response"
    html = client.get(graded["Location"]).content.decode()
    assert '<div class="flash success">已定级为较大（III级）</div>' in html
    assert shown_panels(html) == ["response"]
    assert re.search(r'id="incident-level">较大（III级）<', html)

    started = client.post(f"/incidents/{case.pk}/", {"step": "response", "level": "IV", "reason": "滑坡险情"})
    assert started["Location"].endswith("?tab=response")
    assert "已启动Ⅳ级响应" in client.get(started["Location"]).content.decode()
    raised = client.post(f"/incidents/{case.pk}/", {"step": "response", "level": "III", "reason": "险情扩大"})
    assert "已调整为Ⅲ级响应" in client.get(raised["Location"]).content.decode()

    noted = client.post(f"/incidents/{case.pk}/", {"step": "note", "text": "现场已设警戒"})
    assert noted["Location"].endswith("?tab=timeline")
    assert "已添加记录" in client.get(noted["Location"]).content.decode()


def test_only_the_decisions_that_apply_are_offered(client, tree):
    accident = incident(tree, kind="工矿商贸等企业安全事故")
    client.force_login(persona("county_operator"))
    html = workspace(client, accident, "?tab=response")
    assert 'id="grade-form"' not in html and "按伤亡和损失自动定级" in html  # graded by regulation
    assert 'id="response-form"' in html and 'id="end"' not in html  # nothing to end yet

    case = incident(tree)
    services.response_set(actor=persona("county_operator"), incident=case, level="IV", reason="险情")
    services.response_end(actor=persona("county_operator"), incident=case, summary="险情解除")
    html = workspace(client, case, "?tab=response")
    assert 'id="response-form"' not in html and 'id="end"' not in html
    assert 'id="review-form"' in html

    client.force_login(persona("township_officer"))
    html = workspace(client, incident(tree), "?tab=response")
    assert 'id="grade-form"' not in html and 'id="response-form"' not in html
    assert "由县级人员决定" in html


def test_a_refused_step_stays_on_its_tab_with_the_reason_and_no_message_of_success(client, tree):
    case = incident(tree)
    services.response_set(actor=persona("county_operator"), incident=case, level="IV", reason="险情")
    client.force_login(persona("county_operator"))
    same = client.post(f"/incidents/{case.pk}/", {"step": "response", "level": "IV", "reason": "再次研判"})
    assert same.status_code == 400
    html = same.content.decode()
    assert "当前已是Ⅳ级响应" in html and 'class="flash success"' not in html
    assert shown_panels(html) == ["response"]
