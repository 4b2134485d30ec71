"""Rosters for the duty tests: the personas on duty now, so tests know who must hear of things."""

import datetime as dt

from django.utils import timezone

from anlan.duty.models import Post, Shift


def on_duty_now(desk, user, post=Post.OFFICER, *, hours: int = 12) -> Shift:
    now = timezone.now()
    return Shift.objects.create(
        desk=desk, user=user, post=post, starts=now - dt.timedelta(hours=1), ends=now + dt.timedelta(hours=hours)
    )


def clear_desk(desk) -> None:
    """Remove the demo roster of a desk (to test an empty desk)."""
    Shift.objects.filter(desk=desk).delete()
