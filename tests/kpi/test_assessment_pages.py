"""考核 pages: the county's scheme page with its ranking export; a unit's sheet page with evidence links and the
self-assessment; another unit's sheet is a 404."""

import io

import openpyxl
import pytest

from anlan.kpi.models import Assessment
from anlan.testing.personas import persona

from .test_assessment_flow import scheme  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_sheet_page_links_scores_to_their_records_and_only_its_unit_sees_it(client, scheme, tree):  # noqa: F811
    county = persona("county_operator")
    client.force_login(county)
    assert client.post(f"/kpi/assessment/{scheme.pk}/open/").status_code == 302
    ours = Assessment.objects.get(scheme=scheme, region=tree.township)
    other = Assessment.objects.get(scheme=scheme, region=tree.other_township)

    client.force_login(persona("township_officer"))
    text = client.get(f"/kpi/assessment/sheet/{ours.pk}/").content.decode()
    assert "隐患整改闭环率" in text and "1.1 建设乡镇应急队伍（按期完成）" in text and "6 分" in text
    assert client.get(f"/kpi/assessment/sheet/{other.pk}/").status_code == 404
    manual = ours.scores.get(item__method="manual")
    client.post(f"/kpi/assessment/sheet/{ours.pk}/score/{manual.pk}/self/", {"points": "4.5", "note": "值班表齐全"})
    manual.refresh_from_db()
    assert str(manual.self_points) == "4.50"
    client.post(f"/kpi/assessment/sheet/{other.pk}/score/{other.scores.first().pk}/self/", {"points": "1"})
    assert other.scores.filter(self_points__isnull=False).count() == 0

    client.force_login(county)
    page = client.get(f"/kpi/assessment/{scheme.pk}/")
    assert page.status_code == 200 and tree.township.name in page.content.decode()
    export = client.get(f"/kpi/assessment/{scheme.pk}/?export=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in ws[1]][:2] == ["排名", "被考核单位"]
    sheet_xlsx = client.get(f"/kpi/assessment/sheet/{ours.pk}/?export=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet_xlsx.content)).active.values)
    assert any("隐患整改闭环率" in str(r[-1]) for r in rows[1:])


def test_the_sheet_prints_in_word_with_every_item_its_points_and_signature_lines(client, scheme, tree):  # noqa: F811
    import docx

    county = persona("county_operator")
    client.force_login(county)
    client.post(f"/kpi/assessment/{scheme.pk}/open/")
    ours = Assessment.objects.get(scheme=scheme, region=tree.township)
    manual = ours.scores.get(item__method="manual")
    client.force_login(persona("township_officer"))
    client.post(f"/kpi/assessment/sheet/{ours.pk}/score/{manual.pk}/self/", {"points": "4.5", "note": "值班表齐全"})

    response = client.get(f"/kpi/assessment/sheet/{ours.pk}/?export=docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "%E8%AF%84%E5%88%86%E8%A1%A8.docx" in response["Content-Disposition"]  # …评分表.docx
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"{scheme.title}评分表" in text and f"被考核单位：{ours.unit_name}" in text
    assert "被考核单位负责人（签字）" in text and "考核组组长（签字）" in text
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "考核内容", "分值", "自评", "评审", "得分", "计分依据"]
    assert len(rows) == 1 + ours.scores.count()
    manual_row = next(r for r in rows[1:] if manual.item.title in r[1])
    assert manual_row[3] == "4.5" and "自评说明：值班表齐全" in manual_row[6]
    assert any("隐患整改闭环率" in r[6] for r in rows[1:])
    # Another unit's sheet stays out of reach in Word as on the page.
    other = Assessment.objects.get(scheme=scheme, region=tree.other_township)
    assert client.get(f"/kpi/assessment/sheet/{other.pk}/?export=docx").status_code == 404
