"""Excel in the national layouts (opened with openpyxl, cells checked) and the charts of a process by day."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from anlan.core.models import AuditEntry
from anlan.disasters.charts import process_charts, totals_by_day
from anlan.disasters.indicators import INDICATORS
from anlan.testing.personas import persona

from .registers_data import add_house, add_report, add_victim, make_process


def sheet(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]


def column_of(ws, label: str, row: int = 5) -> int:
    return next(c.column for c in ws[row] if c.value == label)


@pytest.fixture
def process(tree):
    process = make_process(tree)
    add_report(process, {tree.township: {"affected_people": 100, "deaths": 1}}, stage="initial")
    add_report(
        process,
        {
            tree.township: {"affected_people": 120, "deaths": 1, "collapsed_rooms": 3, "direct_loss_10k_yuan": "12.5"},
            tree.other_township: {"affected_people": 30, "missing": 1, "crop_affected_ha": "4.25"},
        },
    )
    return process


@pytest.mark.django_db
def test_quick_report_in_the_national_layout(client, tree, process):
    client.force_login(persona("township_officer"))
    response = client.get(f"/disasters/{process.pk}/quick-report.xlsx")
    assert response.status_code == 200
    ws = sheet(response.content)
    assert ws["A1"].value == "自然灾害损失情况统计快报表"
    assert ws["A2"].value == f"填报单位：{tree.county.name}应急管理局（盖章）"
    assert ws["E2"].value == "报送阶段：续报" and ws["I2"].value.startswith("时间：")
    assert "核报材料不全" in ws["I3"].value  # one dead and one missing reported, none registered
    # Group row, label row, unit row.
    assert (ws["A4"].value, ws["C4"].value) == ("乡镇（街道）", "人口受灾")
    assert ws.cell(row=5, column=3).value == "受灾人口" and ws.cell(row=6, column=3).value == "人"
    assert len(INDICATORS) + 2 == ws.max_column
    loss = column_of(ws, "直接经济损失")
    assert ws.cell(row=4, column=loss).value == "经济损失"  # the group's merged cell starts at its first column
    assert ws.cell(row=6, column=loss).value == "万元"
    # One row per township (the latest figures), then 合计.
    rows = {ws.cell(row=r, column=2).value: r for r in range(7, 9)}
    ours, theirs = rows[tree.township.code], rows[tree.other_township.code]
    assert ws.cell(row=ours, column=1).value == tree.township.name
    assert ws.cell(row=ours, column=3).value == 120 and ws.cell(row=theirs, column=3).value == 30
    assert ws.cell(row=ours, column=loss).value == 12.5
    assert ws["A9"].value == "合计" and ws["C9"].value == 150
    crops = column_of(ws, "农作物受灾面积")
    assert ws.cell(row=9, column=crops).value == 4.25 and ws.cell(row=9, column=crops).number_format == "0.00"
    footer = [c.value for c in ws[11] if c.value]
    assert footer[0] == "单位负责人：" and footer[1] == "统计负责人：" and footer[2].startswith("填表人：")
    assert footer[3].startswith("报出日期：")
    assert AuditEntry.objects.filter(action="export", object_type="disasters.disasterprocess").exists()


@pytest.mark.django_db
def test_quick_report_lists_townships_not_yet_reported_with_zeros(client, tree):
    process = make_process(tree)
    client.force_login(persona("county_operator"))
    ws = sheet(client.get(f"/disasters/{process.pk}/quick-report.xlsx").content)
    assert ws["E2"].value == "报送阶段：尚未报送"
    assert [ws.cell(row=r, column=3).value for r in (7, 8, 9)] == [0, 0, 0]
    assert ws["A9"].value == "合计"


@pytest.mark.django_db
def test_victims_register_masks_names_and_ids_per_role(client, tree, process):
    victim = add_victim(process, tree.village, name="周小红", sex="female", age=61)
    add_victim(process, tree.other_village, name="吴大海", outcome="missing")
    url = f"/disasters/{process.pk}/registers/victims/?export=xlsx"

    client.force_login(persona("viewer"))
    ws = sheet(client.get(url).content)
    assert ws["A1"].value == "因灾死亡失踪人口一览表"
    header = [c.value for c in ws[4]]
    assert header[:8] == ["序号", "乡镇（街道）", "村（社区）", "姓名", "性别", "年龄", "身份证号", "类别"]
    first = [c.value for c in ws[5]]
    assert first[1] == tree.township.name and first[2] == tree.village.name
    assert first[3] == "周*红" and first[4] == "女" and first[5] == 61
    assert first[6] == victim.id_number[:6] + "********" + victim.id_number[-4:]
    assert ws["A7"].value == "合计" and ws["D7"].value == "死亡 1 人，失踪 1 人"
    assert any(str(c.value or "").startswith("填表人：") for c in ws[9])

    client.force_login(persona("county_admin"))
    first = [c.value for c in sheet(client.get(url).content)[5]]
    assert first[3] == "周小红" and first[6] == victim.id_number
    assert AuditEntry.objects.filter(action="view_id_number", object_id=str(victim.pk)).exists()


@pytest.mark.django_db
def test_township_exports_only_its_own_victims(client, tree, process):
    add_victim(process, tree.village, name="周小红")
    add_victim(process, tree.other_village, name="吴大海")
    client.force_login(persona("other_township_officer"))
    ws = sheet(client.get(f"/disasters/{process.pk}/registers/victims/?export=xlsx").content)
    assert ws["D5"].value == "吴大海" and ws["A6"].value == "合计"


@pytest.mark.django_db
def test_housing_register_puts_rooms_under_their_degree_and_sums_them(client, tree, process):
    add_house(process, tree.village, degree="collapsed", rooms=3, head_name="李四海")
    add_house(process, tree.village, degree="general", rooms=2, head_name="赵六")
    add_house(process, tree.village, degree="general", rooms=1, head_name="钱七")
    client.force_login(persona("township_officer"))
    ws = sheet(client.get(f"/disasters/{process.pk}/registers/houses/?export=xlsx").content)
    assert ws["A1"].value == "因灾倒塌损坏住房户一览表"
    header = [c.value for c in ws[4]]
    collapsed, severe, general = (header.index(h) + 1 for h in ("倒塌（间）", "严重损坏（间）", "一般损坏（间）"))
    by_name = {ws.cell(row=r, column=4).value: r for r in range(5, 8)}
    assert ws.cell(row=by_name["李四海"], column=collapsed).value == 3
    assert ws.cell(row=by_name["李四海"], column=general).value is None
    assert ws.cell(row=by_name["赵六"], column=general).value == 2
    assert ws.cell(row=by_name["赵六"], column=6).value == "19900001234"  # township officers call people
    total = 8
    assert ws.cell(row=total, column=1).value == "合计" and ws.cell(row=total, column=2).value == "3 户"
    assert ws.cell(row=total, column=collapsed).value == 3
    assert ws.cell(row=total, column=severe).value == 0
    assert ws.cell(row=total, column=general).value == 3
    assert ws.cell(row=total, column=7).value == 12  # members: 3 households of 4


@pytest.mark.django_db
def test_charts_follow_the_reports_day_by_day(tree):
    process = make_process(tree)
    today = timezone.localtime().replace(hour=10, minute=0)
    add_report(process, {tree.township: {"affected_people": 50, "deaths": 1}}, at=today - dt.timedelta(days=2))
    # Nothing on the day between; two reports today: the later one counts.
    add_report(process, {tree.township: {"affected_people": 80, "deaths": 1}}, at=today)
    add_report(
        process,
        {tree.township: {"affected_people": 90, "deaths": 2, "direct_loss_10k_yuan": "7.5"}},
        at=today + dt.timedelta(hours=1),
    )
    days = totals_by_day(process)
    assert [d for d, _ in days] == [(today - dt.timedelta(days=n)).date() for n in (2, 1, 0)]
    (_, people), (_, loss) = process_charts(process)
    assert people["unit"] == "人" and len(people["categories"]) == 3
    named = {s["name"]: s["data"] for s in people["series"]}
    assert named["受灾人口"] == [50, 50, 90]
    assert named["死亡失踪人口"] == [1, 1, 2]
    assert loss["series"][0]["data"] == [0.0, 0.0, 7.5] and loss["unit"] == "万元"


@pytest.mark.django_db
def test_registers_hub_shows_the_charts_and_the_missing_materials(client, tree, process):
    client.force_login(persona("township_officer"))
    page = client.get(f"/disasters/{process.pk}/registers/").content.decode()
    assert "灾情趋势" in page and "data-chart" in page and "受灾人口" in page
    assert "核报材料不全：因灾死亡失踪人员台账登记死亡 0 人" in page
