"""Every 考核 and 责任清单 page, as every role, on the demo county: no page fails (500), another unit's sheet or
list is not found, a step by GET is refused; the county's scheme page lists the sheets in few queries."""

import pytest

from anlan.kpi.models import Assessment, AssessmentScheme, DutyList
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db
ROLES = ["county_operator", "department_operator", "township_officer", "village_grid_worker", "enterprise_user",
         "viewer"]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_no_kpi_page_fails_for_any_role(client, tree, role):
    client.raise_request_exception = True
    scheme = AssessmentScheme.objects.filter(region=tree.county).first()
    sheet = Assessment.objects.filter(scheme=scheme).order_by("pk").first()
    score = sheet.scores.first()
    duty_list = DutyList.objects.order_by("pk").first()
    client.force_login(persona(role))
    urls = [
        "/kpi/assessment/", f"/kpi/assessment/{scheme.pk}/", f"/kpi/assessment/{scheme.pk}/?export=xlsx",
        f"/kpi/assessment/sheet/{sheet.pk}/", f"/kpi/assessment/sheet/{sheet.pk}/?export=xlsx",
        f"/kpi/assessment/sheet/{sheet.pk}/?export=docx",
        f"/kpi/assessment/sheet/{sheet.pk}/score/{score.pk}/evidence/", f"/kpi/assessment/{scheme.pk}/open/",
        "/kpi/duties/", f"/kpi/duties/{duty_list.pk}/", "/kpi/assessment/sheet/999999999/", "/p/duty/",
    ]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code in {200, 302, 403, 404, 405}, url


def test_the_scheme_page_reads_its_sheets_in_few_queries(client, tree, django_assert_max_num_queries):
    scheme = AssessmentScheme.objects.filter(region=tree.county).first()
    client.force_login(persona("county_operator"))
    with django_assert_max_num_queries(40):
        page = client.get(f"/kpi/assessment/{scheme.pk}/")
    assert page.status_code == 200
    assert all(s.unit_name in page.content.decode() for s in scheme.sheets.all())


def test_a_township_reaches_its_own_sheet_only(client, tree):
    scheme = AssessmentScheme.objects.filter(region=tree.county).first()
    ours = Assessment.objects.get(scheme=scheme, region=tree.township)
    other = Assessment.objects.get(scheme=scheme, region=tree.other_township)
    client.force_login(persona("township_officer"))
    assert client.get(f"/kpi/assessment/sheet/{ours.pk}/").status_code == 200
    assert client.get(f"/kpi/assessment/sheet/{other.pk}/").status_code == 404
    listing = client.get(f"/kpi/assessment/{scheme.pk}/").content.decode()
    assert ours.unit_name in listing and other.unit_name not in listing
