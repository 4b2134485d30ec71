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
