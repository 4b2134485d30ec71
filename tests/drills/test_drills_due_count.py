"""The 工作台's 演练到期 count is the number of flagged rows of the compliance table, counted without building a
row per enterprise (a large county has thousands of high-risk enterprises that never drilled)."""

import pytest
from django.utils import timezone

from anlan.drills.services_drills import compliance_table, drills_due_count
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["county_operator", "township_officer", "department_operator"])
def test_the_due_count_equals_the_flagged_rows_of_the_table(who):
    user = persona(who)
    rows = compliance_table(user, timezone.localdate().year)
    flagged = sum(1 for row in rows if row.flagged)
    assert drills_due_count(user) == flagged
    if who == "county_operator":
        assert flagged > 0 and any(row.flagged and row.held == 0 for row in rows)  # never-drilled units count


def test_the_count_kept_by_the_process_follows_a_change_made_through_the_services():
    """drills_due_count is kept per process (core.kept) until a drill, unit or plan changes: a plan taken out of
    force through its service is no longer counted on the next 工作台."""
    from anlan.plans.models import Plan
    from anlan.plans.services import plan_update

    user = persona("county_operator")
    before = drills_due_count(user)
    assert drills_due_count(user) == before  # the kept value
    row = next(r for r in compliance_table(user, timezone.localdate().year) if r.flagged and r.key.startswith("p:"))
    plan_update(actor=persona("county_admin"), plan=Plan.objects.get(pk=int(row.key[2:])), active=False)
    assert drills_due_count(user) == before - 1
