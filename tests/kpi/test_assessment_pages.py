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
