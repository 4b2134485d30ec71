"""The demo county's 考核 and 责任清单: a township scheme with 12 items of every method, a sheet per township at
every stage, the reviewed ones ranked by their totals; duty and work lists for townships and departments."""

from itertools import pairwise

import pytest

from anlan.geo.models import Region, RegionLevel
from anlan.kpi.models import Assessment, AssessmentScheme, DutyList

pytestmark = pytest.mark.django_db


def test_the_demo_scheme_has_every_township_at_some_stage_and_a_ranking(tree):
    scheme = AssessmentScheme.objects.get(region=tree.county, target="township")
    assert scheme.items.count() >= 12
    assert {"tasks", "manual"} <= set(scheme.items.values_list("method", flat=True))
    sheets = list(scheme.sheets.all())
    assert len(sheets) == Region.objects.filter(parent=tree.county, level=RegionLevel.TOWNSHIP).count()
    assert {s.status for s in sheets} == {"open", "submitted", "reviewed"}
    reviewed = sorted((s for s in sheets if s.status == "reviewed"), key=lambda s: s.rank)
    assert reviewed[0].rank == 1 and all(a.final_total >= b.final_total for a, b in pairwise(reviewed))
    assert not any(s.rank for s in sheets if s.status != "reviewed")
    assert Assessment.objects.filter(scheme=scheme, status="reviewed", final_total__isnull=True).count() == 0


def test_the_demo_has_duty_and_work_lists_with_items(tree):
    lists = DutyList.objects.filter(region__code__startswith=tree.county.code[:6])
    assert lists.filter(kind="duties", department__isnull=False).exists()
    assert lists.filter(kind="work", department__isnull=True).exists()
    assert all(d.items.exists() for d in lists)
    assert lists.filter(published_on__isnull=False).exists() and lists.filter(published_on__isnull=True).exists()


def test_demo_self_assessments_carry_an_evidence_file_that_opens(client, tree):
    from anlan.kpi.models import Score
    from anlan.testing.personas import persona

    score = Score.objects.filter(assessment__status="submitted", item__method="manual").first()
    assert score.evidence_file and score.self_points is not None
    client.force_login(persona("county_operator"))
    page = client.get(f"/kpi/assessment/sheet/{score.assessment_id}/score/{score.pk}/evidence/")
    assert page.status_code == 200 and b"".join(page.streaming_content).startswith(b"%PDF")
