"""日报 and 零报告 (CONTRACT.md "Duty"): one per township and date (a second is 400, nothing written), the
townships missing one, the reminder sent once to the township's desk users after the due time, the flag on
the county 工作台, and the county 值班日报 in Word gathering the day."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document

from anlan.core.models import AuditEntry
from anlan.duty import daily, handover, log
from anlan.duty.models import DailyReport, DeskSetting
from anlan.geo.models import Region, RegionLevel
from anlan.inbox.models import Notification
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

JSON = "application/json"
URL = "/api/v1/duty/daily-reports/"


def yesterday():
    return (timezone.localdate() - dt.timedelta(days=1)).isoformat()


def test_a_township_files_one_report_per_day(client, tree):
    client.force_login(persona("township_officer"))
    body = {"region": tree.township.code, "date": yesterday(), "nothing_to_report": True, "summary": ""}
    created = client.post(URL, body, content_type=JSON)
    assert created.status_code == 201, created.content
    assert created.json()["region"] == tree.township.code and created.json()["nothing_to_report"] is True
    report = DailyReport.objects.get()
    assert AuditEntry.objects.filter(object_id=str(report.pk), action="daily_report_file").exists()
    again = client.post(URL, body | {"nothing_to_report": False, "summary": "补报"}, content_type=JSON)
    assert again.status_code == 400
    assert "已报送，不能重复报送" in again.json()["detail"] and again.json()["code"] == "duty.report_duplicate"
    assert DailyReport.objects.count() == 1


def test_bad_reports_are_refused_in_chinese(client, tree):
    client.force_login(persona("township_officer"))
    base = {"region": tree.township.code, "date": yesterday()}
    no_summary = client.post(URL, base | {"nothing_to_report": False, "summary": ""}, content_type=JSON)
    assert no_summary.status_code == 400 and "零报告" in no_summary.json()["summary"][0]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    future = client.post(URL, base | {"date": tomorrow, "nothing_to_report": True}, content_type=JSON)
    assert future.status_code == 400 and "date" in future.json()
    other = client.post(URL, base | {"region": tree.other_township.code, "nothing_to_report": True}, content_type=JSON)
    assert other.status_code == 403
    village = client.post(URL, base | {"region": tree.village.code, "nothing_to_report": True}, content_type=JSON)
    assert village.status_code == 400 and "乡镇" in village.json()["region"][0]
    client.force_login(persona("village_grid_worker"))
    assert client.post(URL, base | {"nothing_to_report": True}, content_type=JSON).status_code == 403
    assert not DailyReport.objects.exists()


def test_a_department_files_for_itself(client, tree):
    client.force_login(persona("department_operator"))
    created = client.post(
        URL, {"date": yesterday(), "nothing_to_report": False, "summary": "水库水位正常"}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    report = DailyReport.objects.get()
    assert report.department == persona("department_operator").department and report.region_id == tree.county.code


def test_missing_lists_the_townships_without_a_report(client, tree):
    day = yesterday()
    townships = list(Region.objects.filter(parent=tree.county, level=RegionLevel.TOWNSHIP).order_by("code"))
    client.force_login(persona("county_operator"))
    for township in townships[:-2]:
        body = {"region": township.code, "date": day, "nothing_to_report": True}
        assert client.post(URL, body, content_type=JSON).status_code == 201
    missing = client.get(f"{URL}missing/", {"date": day, "parent": tree.county.code})
    assert missing.status_code == 200
    assert missing.json() == {"date": day, "parent": tree.county.code, "missing": [t.code for t in townships[-2:]]}
    other_day = client.get(f"{URL}missing/", {"date": "2020-01-01", "parent": tree.county.code}).json()
    assert other_day["missing"] == [t.code for t in townships]
    assert client.get(f"{URL}missing/", {"date": "01/02/2020", "parent": tree.county.code}).status_code == 400
    client.force_login(persona("other_township_officer"))
    assert client.get(f"{URL}missing/", {"date": day, "parent": tree.county.code}).status_code == 404


def test_overdue_townships_are_reminded_once_after_the_due_time(tree):
    day = timezone.localdate() - dt.timedelta(days=1)
    DeskSetting.objects.update_or_create(desk=tree.county, defaults={"daily_report_due": dt.time(9, 0)})
    before_due = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(8, 30)))
    after_due = before_due + dt.timedelta(hours=1)
    assert daily.last_due_date(tree.county.code, before_due) == day - dt.timedelta(days=1)
    assert daily.last_due_date(tree.county.code, after_due) == day
    daily.report_file(
        actor=persona("other_township_officer"), region=tree.other_township.code, date=day, nothing_to_report=True
    )
    assert daily.remind_missing(after_due) >= 1
    mine = Notification.objects.filter(recipient=persona("township_officer"), dedupe_key__startswith="duty-daily:")
    assert mine.count() == 1 and tree.township.name in mine.get().title
    assert not Notification.objects.filter(recipient=persona("other_township_officer")).exists()
    dept = Notification.objects.filter(recipient=persona("department_operator"), dedupe_key__startswith="duty-daily:")
    assert dept.count() == 1
    assert daily.remind_missing(after_due + dt.timedelta(minutes=10)) == 0  # once per township and date
    DeskSetting.objects.filter(desk=tree.county).update(daily_reports_required=False)
    Notification.objects.all().delete()
    assert daily.remind_missing(after_due) == 0


def test_the_county_workbench_flags_missing_townships(client, tree):
    client.force_login(persona("county_operator"))
    page = client.get("/").content.decode()
    assert "值班日报逾期未报" in page and tree.township.name in page
    client.force_login(persona("township_officer"))
    assert "值班日报逾期未报" not in client.get("/").content.decode()


def test_the_county_duty_report_gathers_the_day(client, tree):
    officer = persona("county_operator")
    today = timezone.localdate()
    log.entry_create(actor=officer, desk=tree.county.code, unit="县气象局", content="传真暴雨橙色预警")
    log.entry_create(actor=persona("township_officer"), desk=tree.township.code, caller="张三", content="报告道路塌方")
    daily.report_file(
        actor=persona("township_officer"),
        region=tree.township.code,
        date=today,
        nothing_to_report=False,
        summary="辖区降雨 45 毫米，无险情",
    )
    handover.handover_write(actor=officer, desk=tree.county.code, notes="交班")
    client.force_login(officer)
    page = client.get("/duty/daily/day/", {"date": today.isoformat()})
    assert page.status_code == 200 and "传真暴雨橙色预警" in page.content.decode()
    word = client.get("/duty/daily/day/", {"date": today.isoformat(), "format": "docx"})
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(word.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert f"{tree.county.name}值班日报" in text and "县气象局：传真暴雨橙色预警" in text
    assert f"{tree.township.name}：张三：报告道路塌方" in text
    assert "突发事件" in text and "监测报警" in text and "预警发布" in text
    assert tree.other_township.name in text and "未报送" in text  # townships that have not reported
    assert "辖区降雨 45 毫米" in cells
    assert "交班，移交未结事项" in text
    client.force_login(persona("township_officer"))
    assert client.get("/duty/daily/day/").status_code == 403


def test_the_daily_report_page_files_and_shows_the_missing(client, tree):
    client.force_login(persona("township_officer"))
    page = client.get("/duty/daily/")
    assert page.status_code == 200 and 'id="missing"' not in page.content.decode()  # the county's list only
    day = yesterday()
    filed = client.post("/duty/daily/", {"region": tree.township.code, "date": day, "nothing_to_report": "on"})
    assert filed.status_code == 302 and DailyReport.objects.filter(region=tree.township).exists()
    again = client.post("/duty/daily/", {"region": tree.township.code, "date": day, "summary": "补报"})
    assert again.status_code == 400 and "不能重复报送" in again.content.decode()
    client.force_login(persona("county_operator"))
    page = client.get("/duty/daily/", {"date": day}).content.decode()
    assert tree.other_township.name in page.split('id="missing"')[1].split("</section>")[0]
    assert tree.township.name not in page.split('id="missing"')[1].split("</section>")[0]
