"""Who is on duty at the county desk now, for the header of every page (带班领导、值班员, with phones for
the roles that call people: core.roles.PHONE_FULL_ROLES)."""

from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject

from anlan.core.regioncodes import county_of
from anlan.core.roles import sees_full_phone

from .selectors import on_duty


@dataclass(frozen=True)
class HeaderDuty:
    leaders: list[tuple[str, str]]  # (name, phone or "")
    officers: list[tuple[str, str]]

    @property
    def staffed(self) -> bool:
        return bool(self.leaders or self.officers)


def _county_duty(user) -> HeaderDuty:
    duty = on_duty(county_of(user.region_id))
    phones = sees_full_phone(user)

    def people(users):
        return [(str(u), (u.phone or "") if phones else "") for u in users]

    return HeaderDuty(people(duty.leaders), people(duty.officers))


def on_duty_header(request):
    """`duty_now` for the header, evaluated once per request and only by a page that shows it (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "region_id", None):
        return {}
    return {"duty_now": SimpleLazyObject(lambda: _county_duty(user))}
