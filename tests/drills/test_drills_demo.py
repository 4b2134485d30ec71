"""The demo drills (anlan/demo/plans_drills.py), loaded with the test county: a year of drills across the
townships, departments, high-risk enterprises and plans, evaluated with scores, problems open and put right,
and exactly one township late in the compliance table."""

import pytest
from django.utils import timezone

from anlan.drills import services_drills as services
from anlan.drills.models import Drill, DrillEvaluation, DrillProblem
from anlan.plans.models import RevisionTrigger
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def test_the_demo_year_of_drills(tree):
    drills = Drill.objects.filter(region__code__startswith=tree.county.code[:6], synthetic=True)
    assert drills.filter(form=Drill.Form.LIVE).exists() and drills.filter(form=Drill.Form.TABLETOP).exists()
    assert drills.filter(double_blind=True).exists()
    assert drills.filter(enterprise__isnull=False).exists() and drills.filter(plan__isnull=False).exists()
    assert drills.filter(status=Drill.Status.PLANNED).exists() and drills.filter(status=Drill.Status.CANCELLED).exists()
    scores = DrillEvaluation.objects.filter(drill__in=drills).values_list("score", flat=True)
    assert scores and all(0 <= s <= 100 for s in scores)
    problems = DrillProblem.objects.filter(drill__in=drills)
    assert problems.filter(status=DrillProblem.Status.DONE).exists()
    assert problems.filter(status=DrillProblem.Status.OPEN, due_on__lt=timezone.localdate()).exists()
    linked = problems.filter(category="plan").exclude(revision_trigger=None).get()
    assert RevisionTrigger.objects.get(pk=linked.revision_trigger_id).source.startswith("演练：")


def test_exactly_one_township_is_late(tree):
    rows = services.compliance_table(persona("county_operator"), timezone.localdate().year)
    townships = [r for r in rows if r.category == services.CATEGORY_TOWNSHIP]
    assert len(townships) > 2
    late = [r for r in townships if r.status == "late"]
    assert len(late) == 1 and late[0].last_held is not None  # it drilled once, more than two years ago
    assert all(r.held >= 1 for r in townships if r.status != "late")
