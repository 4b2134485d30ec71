"""The bureau's division table from Excel: units matched by name, milestones from the 节点 text, a row-by-row
Chinese error report, nothing written when any row is wrong, a 序号 already there updated; the template."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anlan.core.excel import ImportRejected
from anlan.kpi import excel_tasks
from anlan.kpi.models import KeyTask
from anlan.registry.models import Department
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db
YEAR = 2027


def _xlsx(rows, headers=excel_tasks.HEADERS) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("分工表.xlsx", buffer.getvalue())


def _departments(tree):
    return list(Department.objects.filter(code__startswith=tree.county.code[:6]).order_by("code")[:3])


def _row(number, lead, coop="", township="", deadline="12月31日前", nodes="6月30日前 完成排查；9月30日前 完成整改"):
    return [number, f"任务{number}", "具体要求", lead, coop, township, deadline, "排查台账", nodes]


def test_a_good_table_is_imported_with_units_and_milestones(tree):
    a, b, c = _departments(tree)
    rows = [
        _row("1.1", a.name, f"{b.name}；{c.name}", f"{tree.township.name}、{tree.other_township.name}"),
        _row("1.2", "县减灾委办公室", b.name, "各乡镇（街道）", deadline="2027-10-31", nodes=""),
    ]
    created, updated = excel_tasks.import_tasks(
        _xlsx(rows), actor=persona("county_operator"), county=tree.county, year=YEAR
    )
    assert (created, updated) == (2, 0)
    first = KeyTask.objects.get(region=tree.county, year=YEAR, number="1.1")
    assert first.lead_department == a
    assert set(first.cooperating.all()) == {b, c}
    assert set(first.townships.all()) == {tree.township, tree.other_township}
    assert first.deadline.isoformat() == f"{YEAR}-12-31"
    assert [(m.due_on.isoformat(), m.title) for m in first.milestones.all()] == [
        (f"{YEAR}-06-30", "完成排查"),
        (f"{YEAR}-09-30", "完成整改"),
    ]
    second = KeyTask.objects.get(region=tree.county, year=YEAR, number="1.2")
    assert second.lead_department is None and second.lead_text == "县减灾委办公室"
    assert second.townships.count() > 2


def test_errors_are_reported_row_by_row_and_nothing_is_written(tree):
    a, b, _ = _departments(tree)
    rows = [
        _row("2.1", a.name, b.name),  # good
        _row("2.2", "县不存在局", "县虚构办", "火星镇"),
        _row("2.3", a.name, deadline="明年再说"),
        _row("2.4", a.name, deadline="6月30日前", nodes="9月30日前 完成整改"),
        _row("2.4", a.name, nodes="六月底"),
        ["", "", "", "", "", "", "", "", ""],  # blank rows are skipped
        ["2.6", "", "", a.name, "", "", "12月31日前", "", ""],
    ]
    with pytest.raises(ImportRejected) as rejected:
        excel_tasks.import_tasks(_xlsx(rows), actor=persona("county_operator"), county=tree.county, year=YEAR)
    found = {(e.row, e.column) for e in rejected.value.errors}
    assert {
        (3, "牵头单位"),
        (3, "配合单位"),
        (3, "责任乡镇"),
        (4, "完成时限"),
        (5, "节点"),
        (6, "序号"),
        (6, "节点"),
    } <= found
    assert (8, "任务") in found
    messages = " ".join(e.message for e in rejected.value.errors)
    assert "未找到部门“县不存在局”" in messages and "本县没有乡镇（街道）“火星镇”" in messages
    assert "与第5行重复" in messages
    assert not KeyTask.objects.filter(year=YEAR).exists()


def test_a_missing_column_and_a_non_excel_file_are_refused(tree):
    with pytest.raises(ImportRejected) as rejected:
        excel_tasks.import_tasks(
            _xlsx([["1", "任务"]], headers=["序号", "任务"]),
            actor=persona("county_operator"),
            county=tree.county,
            year=YEAR,
        )
    assert {e.column for e in rejected.value.errors} == {"牵头单位", "完成时限"}
    with pytest.raises(ImportRejected, match="xlsx"):
        excel_tasks.import_tasks(
            SimpleUploadedFile("a.csv", b"x"), actor=persona("county_operator"), county=tree.county, year=YEAR
        )


def test_an_existing_number_is_updated_not_duplicated(tree):
    a, b, _ = _departments(tree)
    actor = persona("county_operator")
    excel_tasks.import_tasks(_xlsx([_row("3.1", a.name)]), actor=actor, county=tree.county, year=YEAR)
    created, updated = excel_tasks.import_tasks(
        _xlsx([_row("3.1", b.name, nodes="5月31日前 完成培训")]), actor=actor, county=tree.county, year=YEAR
    )
    assert (created, updated) == (0, 1)
    task = KeyTask.objects.get(region=tree.county, year=YEAR, number="3.1")
    assert task.lead_department == b
    assert [m.title for m in task.milestones.all()] == ["完成培训"]


def test_the_import_page_shows_the_errors_and_only_the_county_may_import(client, tree):
    client.force_login(persona("department_operator"))
    assert client.get("/kpi/tasks/import/").status_code == 403
    client.force_login(persona("county_operator"))
    template = client.get("/kpi/tasks/import/template/")
    assert template.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(template.content))
    assert [c.value for c in wb.worksheets[0][1]] == excel_tasks.HEADERS
    response = client.post("/kpi/tasks/import/", {"year": YEAR, "file": _xlsx([_row("4.1", "县不存在局")])})
    assert response.status_code == 400
    assert "未找到部门“县不存在局”" in response.content.decode()
    assert not KeyTask.objects.filter(year=YEAR).exists()
