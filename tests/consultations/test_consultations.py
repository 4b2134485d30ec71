"""会商研判: the snapshot (what it holds, kept as it was, in a fixed number of queries), who may start and
read, decisions linked only to records in scope, the minutes' gapless numbers and the Word file."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from anlan.alerts.models import Warning, WarningTemplate
from anlan.consultations import services, snapshot
from anlan.consultations.models import Consultation, Decision
from anlan.core.errors import DomainError, NotAllowed, NotFound
from anlan.geo.models import Region, RegionLevel
from anlan.incidents.models import ResponseTask, TimelineEntry
from anlan.monitoring.models import Alarm, Sensor
from anlan.registry.models import Department
from anlan.testing.helpers import count_queries
from anlan.testing.personas import persona

from .helpers import incident, open_alarm, rain, start, warning

pytestmark = pytest.mark.django_db


def test_the_snapshot_holds_open_alarms_and_warnings_in_force_but_not_expired_ones(tree):
    alarm = open_alarm("red", region_prefix=tree.township.code[:9], value=42.567)
    closed = open_alarm("orange", region_prefix=tree.other_township.code[:9])
    Alarm.objects.filter(pk=closed.pk).update(status=Alarm.Status.CLOSED, closed_at=timezone.now())
    live = warning(tree.township, headline="测试镇暴雨橙色预警")
    warning(tree.township, headline="已过期的暴雨预警", expires_in_hours=-1)
    warning(tree.township, headline="草稿中的暴雨预警", status=Warning.Status.DRAFT)
    responding = incident(tree.township, title="测试镇山洪险情")

    session = start("flood")

    s = session.snapshot
    assert s["order"][0] == "rainfall"  # a flood session reads the rain first
    shown = [r["sensor"] for r in s["alarms"]["rows"]]
    assert alarm.sensor.name in shown and closed.sensor.name not in [
        r["sensor"] for r in s["alarms"]["rows"] if r["level"] == "orange"
    ]
    row = next(r for r in s["alarms"]["rows"] if r["sensor"] == alarm.sensor.name and r["level"] == "red")
    assert row["value"] == alarm.value_text and alarm.sensor.unit in row["value"]  # rounded, with the unit
    assert row["place"].startswith(alarm.sensor.region.name)
    headlines = [r["headline"] for r in s["warnings"]["rows"]]
    assert live.headline in headlines
    assert "已过期的暴雨预警" not in headlines and "草稿中的暴雨预警" not in headlines
    assert next(r for r in s["warnings"]["rows"] if r["id"] == live.pk)["area"] == tree.township.name
    inc = next(r for r in s["incidents"]["rows"] if r["id"] == responding.pk)
    assert inc["response_label"] == "Ⅳ级响应"
    assert {"teams", "shelters", "shelter_capacity"} <= set(s["resources"])


def test_a_safety_session_reads_the_enterprises_alarms_and_major_hazards_first(tree):
    session = start("safety", title="安全生产会商")
    assert session.snapshot["order"][:2] == ["enterprise_alarms", "hazards"]
    lines = snapshot.summary_lines(session.snapshot)
    assert lines[0].startswith("企业监测报警") and "重大隐患" in lines[1]


def test_rainfall_is_the_largest_1h_and_24h_total_per_township(tree):
    gauges = list(
        Sensor.objects.filter(kind="rain_gauge", region__code__startswith=tree.township.code[:9]).order_by("pk")[:2]
    )
    assert len(gauges) == 2, "the demo township has rain gauges"
    rain(gauges[0], hours_ago=0, mm=150.345)
    rain(gauges[0], hours_ago=5, mm=300.0)
    rain(gauges[1], hours_ago=0, mm=200.0)
    rain(gauges[1], hours_ago=30, mm=999.0)  # older than 24 hours: not counted

    rows = start().snapshot["rainfall"]["rows"]

    ours = next(r for r in rows if r["township"] == tree.township.name)
    assert rows[0] is ours  # the wettest township first
    assert (ours["h1"], ours["h1_gauge"]) == (200.0, gauges[1].name)
    assert (ours["h24"], ours["h24_gauge"], ours["h24_text"]) == (450.3, gauges[0].name, "450.3 mm")
    assert "code" not in ours  # township names only: the snapshot is read by every township of the county


def test_the_snapshot_does_not_change_when_the_situation_does(client, tree):
    alarm = open_alarm("red", region_prefix=tree.township.code[:9])
    live = warning(tree.township, headline="会商时生效的预警")
    session = start()
    kept = session.snapshot

    Alarm.objects.filter(pk=alarm.pk).update(status=Alarm.Status.CLOSED, closed_at=timezone.now())
    Warning.objects.filter(pk=live.pk).update(status=Warning.Status.CANCELLED)
    warning(tree.township, headline="会商后才发布的预警")

    session.refresh_from_db()
    assert session.snapshot == kept
    client.force_login(persona("county_operator"))
    page = client.get(reverse("consultations:detail", args=[session.pk])).content.decode()
    assert "会商时生效的预警" in page and "会商后才发布的预警" not in page


def test_the_snapshot_takes_a_fixed_number_of_queries(tree):
    user = persona("county_operator")

    def measured():
        with count_queries() as q:
            snapshot.take(region_code=tree.county.code, kind="flood", user=user)
        return len(q)

    def add(n: int, start: int = 0):
        for i in range(start, start + n):
            open_alarm("orange", region_prefix=tree.other_township.code[:9])
            warning(tree.other_township, headline=f"加测预警{i}")
            incident(tree.other_township, title=f"加测事件{i}")
        for sensor in Sensor.objects.filter(kind="rain_gauge").order_by("pk")[start : start + n]:
            rain(sensor, hours_ago=1, mm=3.0)

    add(1)  # one row of each kind (an empty section may skip a query)
    first = measured()
    add(5, start=1)
    assert measured() == first
    assert first <= 14


def test_a_township_officer_reads_sessions_but_cannot_start_one(client, tree):
    session = start()
    client.force_login(persona("township_officer"))
    assert client.get(reverse("consultations:list")).status_code == 200
    page = client.get(reverse("consultations:detail", args=[session.pk]))
    assert page.status_code == 200 and session.title in page.content.decode()
    assert "记录决定" not in page.content.decode() and "结束会商" not in page.content.decode()
    assert client.get(reverse("consultations:start")).status_code == 403
    refused = client.post(reverse("consultations:start"), {"kind": "flood", "title": "越权会商", "chair": "某"})
    assert refused.status_code == 403
    assert client.post(reverse("consultations:close", args=[session.pk])).status_code == 403
    with pytest.raises(NotAllowed):
        start(who="township_officer")
    assert not Consultation.objects.filter(title="越权会商").exists()


def test_the_start_page_opens_a_session_with_its_departments(client, tree):
    water = Department.objects.get(code=f"{tree.county.code[:6]}-SL")
    client.force_login(persona("county_operator"))
    response = client.post(
        reverse("consultations:start"),
        {"kind": "geological", "title": "地灾会商", "chair": "李四", "departments": [water.pk], "forecast": "有大雨"},
    )
    session = Consultation.objects.get(title="地灾会商")
    assert response.status_code == 302 and response["Location"] == reverse("consultations:detail", args=[session.pk])
    assert list(session.departments.all()) == [water] and session.forecast == "有大雨"
    assert session.snapshot["order"][0] == "alarms"
    empty = client.post(reverse("consultations:start"), {"kind": "flood", "title": "", "chair": "李四"})
    assert empty.status_code == 400 and "title" in empty.context["form"].errors
    assert not Consultation.objects.filter(chair="李四", kind="flood").exists()


def _other_county_warning() -> Warning:
    county = Region.objects.create(code="500238000000", name="邻县", level=RegionLevel.COUNTY)
    township = Region.objects.create(code="500238101000", name="邻县某镇", level=RegionLevel.TOWNSHIP, parent=county)
    return warning(township, headline="邻县的预警")


def test_a_decision_links_only_records_the_user_may_see(client, tree):
    session = start()
    officer = persona("county_operator")
    decision = services.decision_add(actor=officer, consultation=session, kind="warning", text="发布暴雨预警")
    foreign = _other_county_warning()

    with pytest.raises(NotFound):
        services.decision_link(actor=officer, decision=decision, field="warning", record_id=foreign.pk)
    client.force_login(officer)
    url = reverse("consultations:decision_link", args=[session.pk, decision.pk])
    assert client.post(url, {"field": "warning", "record": foreign.pk}).status_code == 404
    decision.refresh_from_db()
    assert decision.warning_id is None

    ours = warning(tree.township, headline="按会商决定发布的预警")
    assert client.post(url, {"field": "warning", "record": ours.pk}).status_code == 302
    decision.refresh_from_db()
    assert decision.warning_id == ours.pk
    # The warning's page names the session that decided it.
    steps = client.get(reverse("alerts:warning_steps", args=[ours.pk])).content.decode()
    assert 'id="consultation-panel"' in steps and session.title in steps


def test_a_task_decision_is_deployed_to_an_incident_and_linked(client, tree):
    session = start()
    officer = persona("county_operator")
    water = Department.objects.get(code=f"{tree.county.code[:6]}-SL")
    due = timezone.now() + dt.timedelta(hours=6)
    decision = services.decision_add(
        actor=officer, consultation=session, kind="task", text="加密水库巡查", department=water, due_at=due
    )
    handled = incident(tree.township, title="水库险情")
    client.force_login(officer)
    response = client.post(
        reverse("consultations:decision_deploy", args=[session.pk, decision.pk]), {"incident": handled.pk}
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    task = ResponseTask.objects.get(pk=decision.task_id)
    assert (task.incident_id, task.title, task.department_id) == (handled.pk, "加密水库巡查", water.pk)
    assert task.due_at == due
    assert decision.incident_id == handled.pk
    assert TimelineEntry.objects.filter(incident=handled, kind="task", title__contains="加密水库巡查").exists()
    workspace = client.get(reverse("incidents:workspace", args=[handled.pk])).content.decode()
    assert 'id="consultation-panel"' in workspace


def test_closing_numbers_the_minutes_without_gaps_and_the_word_file_opens(client, tree):
    officer = persona("county_operator")
    year = timezone.localdate().year
    taken = Consultation.objects.filter(region=tree.county, minutes_year=year).count()
    first, second = start(title="第一场"), start(title="第二场")
    with pytest.raises(DomainError):  # no conclusions yet: refused, and no number used
        services.consultation_close(actor=officer, consultation=first)
    first.refresh_from_db()
    assert first.minutes_number == "" and first.status == Consultation.Status.OPEN

    services.consultation_record(actor=officer, consultation=first, conclusions="雨势减弱", forecast="")
    services.decision_add(actor=officer, consultation=first, kind="other", text="各乡镇继续值守", department=None)
    services.consultation_close(actor=officer, consultation=first)
    services.consultation_record(actor=officer, consultation=second, conclusions="无新增险情", forecast="")
    services.consultation_close(actor=officer, consultation=second)
    assert first.minutes_number == f"会商纪要〔{year}〕{taken + 1}号"
    assert second.minutes_number == f"会商纪要〔{year}〕{taken + 2}号"
    with pytest.raises(DomainError):
        services.decision_add(actor=officer, consultation=first, kind="other", text="会后补记")

    client.force_login(persona("township_officer"))  # readers download the minutes too
    response = client.get(reverse("consultations:minutes", args=[first.pk]))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert first.minutes_number in text and "雨势减弱" in text and "各乡镇继续值守" in text
    assert "一、会商时态势" in text


def test_the_demo_county_has_the_storm_session_and_two_closed_ones(tree):
    sessions = Consultation.objects.filter(synthetic=True).order_by("started_at")
    kinds = [(c.kind, c.status) for c in sessions]
    assert kinds == [("forest_fire", "closed"), ("safety", "closed"), ("flood", "open")]
    year = timezone.localdate().year
    assert [c.minutes_number for c in sessions[:2]] == [f"会商纪要〔{year}〕1号", f"会商纪要〔{year}〕2号"]
    assert Decision.objects.filter(consultation=sessions[2]).count() >= 3
    assert sessions[2].departments.count() >= 4


def test_the_workbench_shows_a_sitting_session_to_the_county(client, tree):
    start(title="正在进行的会商")
    client.force_login(persona("county_operator"))
    items = {i.key: i for i in [*client.get("/").context["todo"]]}
    assert items["consultations_open"].count >= 1
    listed = client.get(items["consultations_open"].url)
    assert listed.context["page"].paginator.count == items["consultations_open"].count


def test_the_warning_editor_opens_prefilled_from_a_decision(client, tree):
    template = WarningTemplate.objects.get(event="暴雨", level="red")
    client.force_login(persona("county_operator"))
    page = client.get(reverse("alerts:compose"), {"template": template.pk, "regions": tree.township.code})
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["level"] == "red" and tree.township.name in form.initial["headline"]
    assert [r.code for r in form.initial["regions"]] == [tree.township.code]


def test_the_api_lists_sessions_read_only(client, tree):
    session = start()
    client.force_login(persona("township_officer"))
    listed = client.get("/api/v1/consultations/", {"kind": "flood"})
    assert listed.status_code == 200
    assert session.pk in [r["id"] for r in listed.json()["results"]]
    client.force_login(persona("county_operator"))
    assert client.post("/api/v1/consultations/", {}, content_type="application/json").status_code == 405


def test_a_warning_decision_suggests_the_template_its_text_names(client, tree):
    session = start()
    services.decision_add(
        actor=persona("county_operator"), consultation=session, kind="warning", text="对凤家街道发布暴雨橙色预警"
    )
    client.force_login(persona("county_operator"))
    page = client.get(reverse("consultations:detail", args=[session.pk]))
    (decision,) = page.context["decisions"]
    suggested = WarningTemplate.objects.get(pk=decision.suggested_template)
    assert (suggested.event, suggested.level) == ("暴雨", "orange")
    assert "按此决定拟发预警" in page.content.decode()
