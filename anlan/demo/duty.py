"""The demo county's duty desks (值班值守): people on duty for the county desk and every township desk,
their rosters for the current month and the next (so "now" is always covered while the demo is fresh),
and each desk's fallback list.

Staffing follows the usual practice: the county desk has a 带班领导 (a bureau leader), two 值班员 and a
技术保障 each day; a township desk a 带班领导 (a township leader) and a 值班员; shifts run 08:30 to 08:30.
The people are platform users without a password (they are on the roster, not demo logins), with
synthetic phone numbers (1990000xxxx).
"""

import datetime as dt

from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.roles import Role
from anlan.core.services import objects_bulk_create
from anlan.duty.models import DeskSetting, Post, Shift
from anlan.duty.roster import DEFAULT_HOURS, DEFAULT_START

# desk level → (post, how many people take turns, how many stand each day, role, title)
STAFF = {
    "county": [
        (Post.LEADER, 5, 1, Role.VIEWER, "局领导"),
        (Post.OFFICER, 6, 2, Role.COUNTY_OPERATOR, "值班员"),
        (Post.TECH, 3, 1, Role.COUNTY_OPERATOR, "技术保障"),
    ],
    "township": [
        (Post.LEADER, 3, 1, Role.TOWNSHIP_OPERATOR, "带班领导"),
        (Post.OFFICER, 3, 1, Role.TOWNSHIP_OPERATOR, "值班员"),
    ],
}


def _people(gen, desks) -> dict[tuple[str, str], list[User]]:
    """(desk code, post) → its people, created in one bulk insert (audited)."""
    planned: list[tuple[str, str, User]] = []
    for desk in desks:
        for post, count, _, role, _title in STAFF[desk.level]:
            for n in range(1, count + 1):
                user = User(
                    username=f"duty{desk.code[:9]}{post[0]}{n}",
                    display_name=gen.name(),
                    role=role,
                    region=desk,
                    phone=gen.phone(),
                    must_change_password=False,
                )
                user.set_unusable_password()
                planned.append((desk.code, post, user))
    created = objects_bulk_create(actor="演示数据", model=User, instances=[u for _, _, u in planned])
    out: dict[tuple[str, str], list[User]] = {}
    for (desk, post, _), user in zip(planned, created, strict=True):
        out.setdefault((desk, post), []).append(user)
    return out


def _days(today: dt.date) -> list[dt.date]:
    """From the last day of the previous month (its shift covers the 1st until 08:30) to the end of the next."""
    first = today.replace(day=1)
    after_next = (first + dt.timedelta(days=62)).replace(day=1)
    start = first - dt.timedelta(days=1)
    return [start + dt.timedelta(days=n) for n in range((after_next - start).days)]


def load_duty(*, actor, gen, county, townships, today: dt.date | None = None) -> dict[str, int]:
    desks = [county, *townships]
    people = _people(gen, desks)
    tz = timezone.get_current_timezone()
    shifts = []
    for index, day in enumerate(_days(today or timezone.localdate())):
        starts = timezone.make_aware(dt.datetime.combine(day, DEFAULT_START), tz)
        ends = starts + dt.timedelta(hours=DEFAULT_HOURS)
        for desk in desks:
            for post, count, per_day, _, _ in STAFF[desk.level]:
                team = people[(desk.code, post)]
                for k in range(per_day):
                    user = team[(index * per_day + k) % count]
                    shifts.append(Shift(desk=desk, user=user, post=post, starts=starts, ends=ends, synthetic=True))
    objects_bulk_create(actor=actor, model=Shift, instances=shifts)
    settings = objects_bulk_create(
        actor=actor, model=DeskSetting, instances=[DeskSetting(desk=d, synthetic=True) for d in desks]
    )
    through = DeskSetting.fallback.through
    # Nobody on duty → the desk's leaders hear of it.
    through.objects.bulk_create(
        [through(desksetting_id=s.pk, user_id=u.pk) for s in settings for u in people[(s.desk_id, Post.LEADER)][:2]]
    )
    return {"duty_users": sum(len(v) for v in people.values()), "duty_shifts": len(shifts)}
