"""Reading the roster: who is on duty at a desk at a moment."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from .models import Post, Shift


@dataclass
class OnDuty:
    desk: str
    at: datetime
    leaders: list = field(default_factory=list)  # users, in roster order
    officers: list = field(default_factory=list)
    tech: list = field(default_factory=list)

    @property
    def users(self) -> list:
        """Everyone on duty, each once (a leader who is also rostered as officer counts once)."""
        seen, out = set(), []
        for user in [*self.leaders, *self.officers, *self.tech]:
            if user.pk not in seen:
                seen.add(user.pk)
                out.append(user)
        return out

    @property
    def staffed(self) -> bool:
        return bool(self.leaders or self.officers)


def on_duty(desk: str, at: datetime | None = None) -> OnDuty:
    """The shifts of `desk` (a region code) covering `at` (default now): starts ≤ at < ends.

    Not scoped: who is on duty is shown to every user in the page header and used by the routing, which
    act for the platform, not for a reader (the API applies the caller's scope to the desk first)."""
    at = at or timezone.now()
    result = OnDuty(desk=desk, at=at)
    shifts = (
        Shift.objects.filter(desk_id=desk, starts__lte=at, ends__gt=at).select_related("user").order_by("starts", "id")
    )
    by_post = {Post.LEADER: result.leaders, Post.OFFICER: result.officers, Post.TECH: result.tech}
    for shift in shifts:
        by_post[shift.post].append(shift.user)
    return result
