"""Issue 13, item 5, for hidden hazards: a 整改期限 already past is refused when it is set (on report, on
assignment, as an extension) by the API and the page alike, so no 整改通知书 orders rectification "于2020年
1月1日前"; an old deadline is left alone on unrelated steps; text longer than a field holds is refused, never
cut."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document

from anlan.hazards.models import HazardEvent, HiddenHazard
from anlan.testing.personas import persona
from tests.hazards.test_workflow import report, step

pytestmark = pytest.mark.django_db


def test_a_past_deadline_is_refused_on_report(client, tree):
    before = HiddenHazard.objects.count()
    refused = report(client, tree, deadline="2020-01-01")
    assert refused.status_code == 400, refused.content
    assert refused.json()["deadline"] == ["整改期限（2020年1月1日）已过，请选择今天或以后的日期"]
    assert HiddenHazard.objects.count() == before


def test_assigning_with_a_past_deadline_is_refused_and_nothing_changes(client, tree):
    hazard_id = report(client, tree).json()["id"]
    refused = step(client, hazard_id, "township_officer", "assign", responsible="李站长", deadline="2020-01-01")
    assert refused.status_code == 400, refused.content
    assert "整改期限（2020年1月1日）已过" in refused.json()["deadline"][0]
    hazard = HiddenHazard.objects.get(pk=hazard_id)
    assert hazard.status == "reported" and hazard.responsible == "" and hazard.deadline > dt.date(2020, 1, 1)
    assert list(hazard.events.values_list("action", flat=True)) == ["report"]
    notice = client.get(f"/hazards/{hazard_id}/notice.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(notice.content)).paragraphs)
    assert "2020年1月1日" not in text


def test_the_page_shows_the_same_refusal(client, tree):
    hazard_id = report(client, tree).json()["id"]
    client.force_login(persona("township_officer"))
    page = client.post(
        f"/hazards/{hazard_id}/handle/",
        {"action": "assign", "responsible": "李站长", "deadline": "2020-01-01", "comment": ""},
    )
    assert page.status_code == 400 and "整改期限（2020年1月1日）已过" in page.context["error"]
    assert HiddenHazard.objects.get(pk=hazard_id).status == "reported"


def test_an_overdue_hazard_still_takes_its_other_steps_and_no_past_extension(client, tree):
    hazard_id = report(client, tree).json()["id"]
    step(client, hazard_id, "township_officer", "assign", responsible="李站长")
    late = timezone.localdate() - dt.timedelta(days=3)
    HiddenHazard.objects.filter(pk=hazard_id).update(deadline=late)  # the deadline has passed since
    still_past = str(late + dt.timedelta(days=1))
    asked = step(client, hazard_id, "village_grid_worker", "request_extension", new_deadline=still_past)
    assert asked.status_code == 400 and "申请延期至" in asked.json()["pending_deadline"][0]
    submitted = step(client, hazard_id, "village_grid_worker", "submit", measures="已加固")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "awaiting_verification" and submitted.json()["deadline"] == late.isoformat()


def test_text_longer_than_the_field_is_refused_not_cut(client, tree):
    hazard_id = report(client, tree).json()["id"]
    refused = step(client, hazard_id, "township_officer", "assign", responsible="张" * 600)
    assert refused.status_code == 400, refused.content
    assert "64" in refused.json()["responsible"][0] and "600" in refused.json()["responsible"][0]
    assert HiddenHazard.objects.get(pk=hazard_id).responsible == ""
    assert not HazardEvent.objects.filter(hazard_id=hazard_id, action="assign").exists()


def test_the_phone_report_page_refuses_a_past_deadline_and_a_far_position_on_their_fields(client, tree):
    client.force_login(persona("village_grid_worker"))
    before = HiddenHazard.objects.count()
    page = client.post(
        "/hazards/report/",
        {
            "title": "河堤裂缝",
            "description": "堤身出现纵向裂缝",
            "level": "general",
            "region": tree.village.code,
            "deadline": "2020-01-01",
            "lon": 116.4,  # Beijing: a phone that had not found its position yet
            "lat": 39.9,
        },
    )
    assert page.status_code == 400
    errors = page.context["form"].errors
    assert "已过" in errors["deadline"][0] and "不在辖区范围内" in errors["lon"][0]
    assert HiddenHazard.objects.count() == before
