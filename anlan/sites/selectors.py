"""Reads shared by the patrol pages and the 工作台: which patrol tasks are this user's to walk."""

import datetime as dt

from django.db.models import QuerySet

from anlan.core.roles import COUNTY_ROLES, Role

from .models import PatrolTask

# Which tiers of patrol each role walks (the county checks any).
ROLE_TIERS = {
    Role.VILLAGE_WORKER: ["village"],
    Role.TOWNSHIP_OPERATOR: ["village", "township"],
    Role.DEPARTMENT_OPERATOR: ["department"],
}


def my_tasks(user, today: dt.date) -> QuerySet[PatrolTask]:
    """The tasks of the periods containing `today` that this user walks, pending first (the phone page)."""
    qs = PatrolTask.objects.restrict(user).filter(period_start__lte=today, due__gte=today)
    if not user.is_superuser and user.role not in COUNTY_ROLES:
        qs = qs.filter(tier__in=ROLE_TIERS.get(user.role, []))
    return (
        qs.select_related("site", "site__region")
        .defer("site__region__boundary")  # the region's name only
        .order_by("status", "due", "site__region", "site__code")
    )
