"""Response table editor: the page groups rows by trigger, the county adds/edits/deletes rows (audited, bad
input refused in Chinese with nothing written), a township edits only its own plan, the table goes to Excel
and back; incidents keep taking their tasks from the response rows only, a township row naming the township."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anlan.core.models import AuditEntry
from anlan.incidents import services as incident_services
from anlan.incidents.models import Incident, ResponseTask
from anlan.plans import services_response as svc
from anlan.plans.models import Plan, PlanAction
from anlan.registry.models import Department
from anlan.testing.personas import persona

from .helpers import drill_kind

pytestmark = pytest.mark.django_db

FLOOD = "县防汛抗旱应急预案"


def flood(tree) -> Plan:
    return Plan.objects.get(name=FLOOD, region=tree.county)


def test_table_page_groups_rows_by_event_and_colour(client, tree):
    client.force_login(persona("county_operator"))
    page = client.get(f"/plans/{flood(tree).pk}/response/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "暴雨预警" in text and "山洪预警" in text and "蓝色及以上" in text and "红色" in text
    assert "新增措施" in text and "县水利局" in text and "三级责任人" in text
    assert text.index("蓝色及以上") < text.index("红色")
    listing = client.get("/plans/response/").content.decode()
    assert FLOOD in listing


def test_county_adds_edits_and_deletes_a_row_audited(client, tree):
    plan = flood(tree)
    client.force_login(persona("county_operator"))
    water = Department.objects.get(code=f"{tree.county.code[:6]}-SL")
    form = {
        "trigger": "warning",
        "warning_event": "暴雨",
        "warning_level": "orange",
        "title": "水库降低水位运行",
        "assignee_kind": "department",
        "department": water.pk,
        "audience": "responsible",
        "hours": 4,
    }
    added = client.post(f"/plans/{plan.pk}/response/add/", form)
    assert added.status_code == 302
    row = PlanAction.objects.get(plan=plan, title="水库降低水位运行")
    assert AuditEntry.objects.filter(object_type="plans.planaction", object_id=str(row.pk), action="create").exists()
    edited = client.post(f"/plans/{plan.pk}/response/{row.pk}/edit/", {**form, "hours": 6, "order": row.order})
    assert edited.status_code == 302
    row.refresh_from_db()
    assert row.hours == 6
    # Bad input: a warning row without a colour, and 0 hours — refused, named in Chinese, nothing written.
    bad = client.post(f"/plans/{plan.pk}/response/add/", {**form, "title": "坏行", "warning_level": "", "hours": 0})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "预警响应措施须选择预警级别" in text and "完成时限应至少 1 小时" in text
    assert not PlanAction.objects.filter(title="坏行").exists()
    deleted = client.post(f"/plans/{plan.pk}/response/{row.pk}/delete/")
    assert deleted.status_code == 302 and not PlanAction.objects.filter(pk=row.pk).exists()
    assert AuditEntry.objects.filter(object_id=str(row.pk), action="delete").exists()


def test_township_edits_only_its_own_plan(client, tree):
    officer = persona("township_officer")
    client.force_login(officer)
    county_plan = flood(tree)
    page = client.get(f"/plans/{county_plan.pk}/response/")
    assert page.status_code == 200 and "新增措施" not in page.content.decode()  # reads, does not edit
    assert client.get(f"/plans/{county_plan.pk}/response/add/").status_code == 403
    own = Plan.objects.create(name=f"{tree.township.name}突发事件应急预案", kind="township", region=tree.township)
    other = Plan.objects.create(name="他镇预案", kind="township", region=tree.other_township)
    row = {"trigger": "warning", "warning_event": "暴雨", "warning_level": "yellow", "title": "镇村干部上岗"}
    assert (
        client.post(f"/plans/{own.pk}/response/add/", {**row, "assignee_kind": "village", "hours": 2}).status_code
        == 302
    )
    assert PlanAction.objects.filter(plan=own, assignee_kind="village").exists()
    assert client.get(f"/plans/{other.pk}/response/").status_code == 404
    with pytest.raises(PermissionDenied):
        svc.row_add(actor=officer, plan=county_plan, **row, assignee_kind="township")


def test_excel_round_trip_and_rejected_file_writes_nothing(client, tree):
    plan = flood(tree)
    client.force_login(persona("county_operator"))
    exported = client.get(f"/plans/{plan.pk}/response/export.xlsx")
    assert exported.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    assert headers == svc.HEADERS
    count = sheet.max_row - 1
    assert count == plan.actions.count()
    first_id = sheet.cell(2, 1).value
    sheet.cell(2, 6).value = "改过的措施"
    sheet.append(["", "预警响应", "", "暴雨", "橙色及以上", "新增的措施", "预警区域内各村（社区）", "", "", "", 3, ""])

    def upload(wb):
        buffer = io.BytesIO()
        wb.save(buffer)
        return SimpleUploadedFile("t.xlsx", buffer.getvalue())

    done = client.post(f"/plans/{plan.pk}/response/import/", {"file": upload(book)}, follow=True)
    assert "新增 1 行，修改" in done.content.decode()
    assert PlanAction.objects.get(pk=first_id).title == "改过的措施"
    assert PlanAction.objects.filter(plan=plan, title="新增的措施", assignee_kind="village", hours=3).exists()
    # One bad row (an unknown department): nothing of the file is written.
    sheet.cell(2, 6).value = "不应写入"
    sheet.append(["", "预警响应", "", "暴雨", "红色", "x", "责任部门", "不存在的局", "", "", 1, ""])
    rejected = client.post(f"/plans/{plan.pk}/response/import/", {"file": upload(book)}, follow=True)
    assert "本县没有部门“不存在的局”" in rejected.content.decode()
    assert PlanAction.objects.get(pk=first_id).title == "改过的措施"


def test_incident_response_takes_response_rows_only_and_names_the_township(tree):
    kind = drill_kind()
    plan = Plan.objects.create(name="演练预案", region=tree.county)
    plan.kinds.set([kind])
    PlanAction.objects.create(plan=plan, level="IV", title="部门措施", order=1)
    PlanAction.objects.create(plan=plan, level="IV", title="乡镇组织转移", assignee_kind="township", order=2)
    PlanAction.objects.create(
        plan=plan, trigger="warning", warning_event="暴雨", warning_level="blue", title="预警措施", order=3
    )
    officer = persona("county_operator")
    now = timezone.now()
    incident = Incident(
        title="测试事件",
        kind=kind,
        region=tree.village,
        lon=tree.village.center_lon,
        lat=tree.village.center_lat,
        occurred_at=now - dt.timedelta(minutes=10),
        received_at=now,
        caller_name="张三",
        caller_phone="13900001111",
        description="d",
    )
    incident = incident_services.incident_create(actor=officer, incident=incident)
    incident_services.response_set(actor=officer, incident=incident, level="IV", reason="测试")
    titles = set(ResponseTask.objects.filter(incident=incident).values_list("title", flat=True))
    assert titles == {"部门措施", f"乡镇组织转移（{tree.township.name}）"}
