"""Who is on duty at the county desk now, for the header of every page (带班领导、值班员, with phones for
the roles that call people: core.roles.PHONE_FULL_ROLES)."""

from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject

from anlan.core.regioncodes import county_of, township_of
from anlan.core.roles import sees_full_phone

from .selectors import on_duty_names


@dataclass(frozen=True)
class HeaderDuty:
    leaders: list[tuple[str, str]]  # (name, phone or "")
    officers: list[tuple[str, str]]
    desk: str = ""

    @property
    def staffed(self) -> bool:
        return bool(self.leaders or self.officers)


def _duty(user, desk: str) -> HeaderDuty:
    leaders, officers = on_duty_names(desk, phones=sees_full_phone(user))
    return HeaderDuty(leaders, officers, desk)


def on_duty_header(request):
    """`duty_now` (the county desk) for the header and `duty_here` (the user's own desk: their township's,
    or the county's) for the 工作台; each evaluated once per request and only by a page that shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "region_id", None):
        return {}
    county, own = county_of(user.region_id), township_of(user.region_id)
    now = SimpleLazyObject(lambda: _duty(user, county))
    return {"duty_now": now, "duty_here": now if own == county else SimpleLazyObject(lambda: _duty(user, own))}
