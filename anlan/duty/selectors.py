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


def _covering(desk: str, at: datetime):
    """The shifts of `desk` covering `at` (starts ≤ at < ends), in roster order."""
    return Shift.objects.filter(desk_id=desk, starts__lte=at, ends__gt=at).order_by("starts", "id")


def on_duty(desk: str, at: datetime | None = None) -> OnDuty:
    """The shifts of `desk` (a region code) covering `at` (default now): starts ≤ at < ends.

    Not scoped: who is on duty is shown to every user in the page header and used by the routing, which
    act for the platform, not for a reader (the API applies the caller's scope to the desk first)."""
    at = at or timezone.now()
    result = OnDuty(desk=desk, at=at)
    shifts = _covering(desk, at).select_related("user")
    by_post = {Post.LEADER: result.leaders, Post.OFFICER: result.officers, Post.TECH: result.tech}
    for shift in shifts:
        by_post[shift.post].append(shift.user)
    return result


def on_duty_names(desk: str, *, phones: bool, at: datetime | None = None) -> tuple[list, list]:
    """The leaders and officers of `desk` at `at` (default now) as (name, phone) pairs, in roster order, for
    the page header: one query of the columns shown. A phone is read — and decrypted — only with `phones`
    and only for these people; a user named by a name (User.__str__: display name, else username)."""
    at = at or timezone.now()
    columns = ["post", "user__display_name", "user__username", *(["user__phone"] if phones else [])]
    rows = _covering(desk, at).filter(post__in=(Post.LEADER, Post.OFFICER)).values_list(*columns)
    leaders, officers = [], []
    for post, display_name, username, *phone in rows:
        person = (display_name or username, (phone[0] or "") if phone else "")
        (leaders if post == Post.LEADER else officers).append(person)
    return leaders, officers
