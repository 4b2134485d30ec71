"""`GET /api/v1/situation/?region=CODE`: the figures of the 工作台 and the big screen for one region subtree
within the caller's scope (CONTRACT.md, "Situation").

Each figure is the count of a list with the list's own FilterSet and the same parameters as the matching
list endpoint (`hazards_overdue` = `GET /api/v1/hazards/?region=CODE&overdue=true`), over `restrict(user)`,
so the two cannot disagree. The document costs a fixed number of queries: alarms are counted per level in
one grouped query, every other figure is one COUNT.
"""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from anlan.alerts.models import Warning
from anlan.core.errors import NotFound
from anlan.core.regioncodes import is_region_code, region_prefix, township_of
from anlan.duty.selectors import on_duty
from anlan.geo.models import Region
from anlan.hazards.models import HiddenHazard
from anlan.incidents.models import Incident
from anlan.monitoring.models import LEVELS, Alarm
from anlan.sites.models import PatrolTask

from .items import Moment, list_queryset

# The list (page and endpoint) and parameters behind each figure; `region` is added to each.
FIGURES = {
    "warnings_in_force": (Warning, {"in_force": "true"}),
    "incidents_active": (Incident, {"active": "true"}),
    "hazards_open": (HiddenHazard, {"open": "true"}),
    "hazards_overdue": (HiddenHazard, {"overdue": "true"}),
}
OPEN_ALARMS = {"open": "true"}  # per level: GET /api/v1/monitoring/alarms/?region=CODE&open=true&level=red


def patrols_missed_params(moment: Moment) -> dict:
    """Missed patrols found by today's check: tasks due yesterday and flagged 漏巡 (see overview.items)."""
    day = moment.yesterday.isoformat()
    return {"status": PatrolTask.Status.MISSED, "due_from": day, "due_to": day}


def region_in_scope(user, code: str | None) -> Region:
    """The region asked for, or the caller's own; anything unknown or outside the caller's subtree is a 404
    (the same answer for both, so the API does not tell which codes exist elsewhere)."""
    if not user.is_superuser and not user.region_id:  # no region, no scope: not every desk's roster
        raise NotFound("region.not_found", "区划不存在或不在您的管辖范围内")
    code = code or user.region_id
    own = region_prefix(user.region_id) if user.region_id and not user.is_superuser else ""
    if not code or not is_region_code(code) or not region_prefix(code).startswith(own):
        raise NotFound("region.not_found", "区划不存在或不在您的管辖范围内")
    region = Region.objects.filter(pk=code).defer("boundary").first()  # its code is what is used, not its outline
    if region is None:
        raise NotFound("region.not_found", "区划不存在或不在您的管辖范围内")
    return region


def situation(user, code: str | None = None, now: dt.datetime | None = None) -> dict:
    region = region_in_scope(user, code)
    moment = Moment(now or timezone.now())
    where = {"region": region.code}
    by_level = dict(
        list_queryset(user, Alarm, {**where, **OPEN_ALARMS})
        .order_by()
        .values_list("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    document = {
        "region": region.code,
        "at": moment.now.isoformat(),
        "alarms_open": {level: by_level.get(level, 0) for level in LEVELS},
    }
    for key, (model, params) in FIGURES.items():
        document[key] = list_queryset(user, model, {**where, **params}).count()
    document["patrols_missed_today"] = list_queryset(
        user, PatrolTask, {**where, **patrols_missed_params(moment)}
    ).count()
    duty = on_duty(township_of(region.code), moment.now)  # a county code is its own desk
    document["on_duty"] = {
        "leader": [u.username for u in duty.leaders],
        "officers": [u.username for u in duty.officers],
    }
    return document
