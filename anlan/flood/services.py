"""Writes and reads of 防汛 (writes one transaction each, audited): the county's settings and 汛期 read with
their documented defaults; 责任人 assignment with completeness; 山洪 thresholds turned into monitoring rules;
what a zone's alarm does (立即转移 opens its transfer list, both levels tell its 责任人 by SMS); the public 公示."""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.urls import reverse
from django.utils import timezone

from anlan.core.audit import audit_record, snapshot
from anlan.core.errors import DomainError
from anlan.core.masking import mask_phone
from anlan.core.regioncodes import county_of
from anlan.core.services import object_create, object_delete
from anlan.monitoring.models import Alarm, Rule, Sensor
from anlan.monitoring.services import clear_rule_cache
from anlan.registry.models import Person
from anlan.sites.models import HazardSite

from . import rules
from .models import Dike, FlashFloodThreshold, FloodResponsibility, FloodSeason, FloodSetting, Reservoir

logger = logging.getLogger(__name__)

ZONE_KINDS = (HazardSite.Kind.FLASH_FLOOD, HazardSite.Kind.WATERLOGGING)
RULE_PREFIX = "山洪预警"  # name of the rules a zone's thresholds write (the rule list shows whose they are)


# ---------------------------------------------------------------- settings and 汛期


def setting_for(region_code: str) -> FloodSetting:
    """The county's settings, or an unsaved one holding the documented defaults."""
    county = county_of(region_code)
    return FloodSetting.objects.filter(region_id=county).first() or FloodSetting(region_id=county)


@dataclass
class Season:
    year: int
    dates: dict
    saved: FloodSeason | None  # None: the §20.2 default of the county's basin
    basis: str

    @property
    def is_default(self) -> bool:
        return self.saved is None


def season_for(region_code: str, year: int) -> Season:
    """The county's 汛期 of `year`: the saved one, or the §20.2 default for its basin (shown as such)."""
    county = county_of(region_code)
    saved = FloodSeason.objects.filter(region_id=county, year=year).first()
    if saved is not None:
        dates = {"start": saved.start, "end": saved.end, "main_start": saved.main_start, "main_end": saved.main_end}
        dates |= {k: v for k, v in rules.default_season(year).items() if k.startswith("key_")}
        return Season(year, dates, saved, saved.basis or "本县设定")
    basin = setting_for(county).basin
    return Season(year, rules.default_season(year, basin), None, f"默认值（来源：{rules.DEFAULT_SOURCE}）")


def season_notice(region_code: str, day: dt.date) -> str | None:
    """ "主汛期 第N天（…）" for the 工作台, or None outside the 汛期."""
    season = season_for(region_code, day.year)
    phase = rules.season_phase(season.dates, day)
    if phase is None:
        return None
    label, n, left = phase
    d = season.dates
    tail = "，按默认日期" if season.is_default else ""
    span = f"{rules.month_day(d['start'])}至{rules.month_day(d['end'])}"
    return f"{label} 第{n}天（汛期 {span}，本阶段还有 {left} 天{tail}）"


# ---------------------------------------------------------------- 责任人


def _target_kind(obj) -> str:
    if isinstance(obj, Reservoir):
        return "reservoir"
    if isinstance(obj, Dike):
        return "dike"
    return "site"


# 行政、技术、巡查、监测、包保: the order the posts are named in (standard §20.5), not the codes' alphabet.
POST_ORDER = Case(
    *(When(post=p, then=Value(i)) for i, p in enumerate(rules.POST_LABELS)),
    default=Value(len(rules.POST_LABELS)),
    output_field=IntegerField(),
)


def posts_by_object(kind: str, ids) -> dict[int, list[FloodResponsibility]]:
    """Object id → its responsibilities (person loaded), one query."""
    ids = list(ids)
    if not ids:
        return {}
    out: dict[int, list[FloodResponsibility]] = defaultdict(list)
    qs = FloodResponsibility.objects.filter(**{f"{kind}_id__in": ids}).select_related("person")
    qs = qs.order_by(POST_ORDER, "id")
    for r in qs:
        out[getattr(r, f"{kind}_id")].append(r)
    return out


def completeness(kind: str, objects) -> dict[int, str]:
    """Object id → "责任人完整" / "缺技术、巡查", for a list (one query)."""
    found = posts_by_object(kind, [o.pk for o in objects])
    return {o.pk: rules.completeness_text(kind, [r.post for r in found.get(o.pk, [])]) for o in objects}


@transaction.atomic
def responsibility_assign(*, actor, target, post: str, person: Person) -> FloodResponsibility:
    """Name `person` to `post` of the reservoir, dike or zone (validated: the post must fit the object)."""
    kind = _target_kind(target)
    if kind == "site" and target.kind not in ZONE_KINDS:
        raise DomainError("flood.not_zone", "只能为山洪危险区或易涝点指定防汛责任人", field="site")
    if post not in rules.POSTS[kind]:
        allowed = "、".join(rules.POST_LABELS[p] for p in rules.POSTS[kind])
        raise DomainError("flood.bad_post", f"该对象的岗位只能是：{allowed}", field="post")
    if FloodResponsibility.objects.filter(**{kind: target}, post=post, person=person).exists():
        raise DomainError("flood.duplicate", f"{person.name}已是{target}的{rules.POST_LABELS[post]}", field="person")
    row = FloodResponsibility(**{kind: target}, post=post, person=person)
    return object_create(actor=actor, instance=row)


@transaction.atomic
def responsibility_remove(*, actor, row: FloodResponsibility) -> None:
    object_delete(actor=actor, instance=row)


# ---------------------------------------------------------------- 山洪 thresholds → monitoring rules


def gauges_near(site: HazardSite):
    """Rain gauges a zone would use by default: those of its township (or its own region)."""
    prefix = site.region_id[:9]
    return Sensor.objects.filter(kind=Sensor.Kind.RAIN_GAUGE, active=True, region__pk__startswith=prefix)


@transaction.atomic
def thresholds_apply(*, actor, threshold: FlashFloodThreshold) -> list[Rule]:
    """Set the zone's monitoring rules to one accumulation rule per gauge and duration with both levels set:
    orange at 准备转移, red at 立即转移. Returns the rules in force. A rule of the same gauge and duration is
    changed in place, so the zone's alarms, their history and a transfer list's link to its alarm stay (rules
    cascade to their alarms); a rule no longer wanted is deleted when it never alarmed, else switched off and
    kept with its alarms."""
    threshold = FlashFloodThreshold.objects.select_for_update(of=("self",)).select_related("site").get(pk=threshold.pk)
    errors = rules.threshold_errors(threshold.pairs())
    if errors:
        raise DomainError("flood.thresholds_invalid", "；".join(errors))
    gauges = list(threshold.gauges.filter(kind=Sensor.Kind.RAIN_GAUGE).order_by("code"))
    if not gauges:
        raise DomainError("flood.no_gauges", f"请为“{threshold.site}”选择至少一个雨量站", field="gauges")
    old: dict[tuple, Rule] = {}
    spare: list[Rule] = []  # a second rule of the same gauge and duration: dropped like an unwanted one
    for r in threshold.rules.order_by("-active", "pk"):
        if (r.sensor_id, r.window_minutes) in old:
            spare.append(r)
        else:
            old[(r.sensor_id, r.window_minutes)] = r
    before = len([r for r in [*old.values(), *spare] if r.active])
    kept = []
    for gauge in gauges:
        for key, (prepare, immediate) in threshold.pairs().items():
            if prepare is None or immediate is None:
                continue
            rule = old.pop((gauge.pk, rules.DURATIONS[key]), None) or Rule(
                sensor=gauge, kind=Rule.Kind.ACCUMULATION, window_minutes=rules.DURATIONS[key]
            )
            rule.name = f"{RULE_PREFIX}·{threshold.site.name}·{rules.DURATION_LABELS[key]}"[:100]
            rule.orange, rule.red, rule.active = prepare, immediate, True
            rule.full_clean()
            kept.append(rule)
    dropped = [*old.values(), *spare]
    with_alarms = set(
        Alarm.objects.filter(rule__in=[r.pk for r in dropped]).values_list("rule_id", flat=True).distinct()
    )
    Rule.objects.filter(pk__in=[r.pk for r in dropped if r.pk not in with_alarms]).delete()
    Rule.objects.filter(pk__in=with_alarms).update(active=False, updated_at=timezone.now())
    for rule in kept:
        rule.save()
    threshold.rules.add(*kept)
    clear_rule_cache()
    audit_record(
        action="flood_thresholds_apply",
        obj=threshold,
        actor=actor,
        before={"rules": before},
        after={
            **snapshot(threshold),
            "rules": len(kept),
            "gauges": [g.code for g in gauges],
            "switched_off": len(with_alarms),
        },
    )
    return kept


@transaction.atomic
def thresholds_save(*, actor, threshold: FlashFloodThreshold, gauges) -> FlashFloodThreshold:
    """Create or change a zone's thresholds and write its rules at once (the form's one action)."""
    before = snapshot(threshold) if threshold.pk else None
    threshold.full_clean()
    threshold.save()
    threshold.gauges.set(gauges)
    audit_record(
        action="update" if before else "create",
        obj=threshold,
        actor=actor,
        before=before,
        after=snapshot(threshold, with_m2m=True),
    )
    thresholds_apply(actor=actor, threshold=threshold)
    return threshold


# ---------------------------------------------------------------- a zone's alarm


def _zones_of_rules(rule_ids) -> dict[int, FlashFloodThreshold]:
    through = FlashFloodThreshold.rules.through.objects.filter(rule_id__in=list(rule_ids))
    out = {}
    for link in through.select_related("flashfloodthreshold__site__region"):
        out[link.rule_id] = link.flashfloodthreshold
    return out


def on_alarm(steps) -> dict[str, int]:
    """monitoring's on-alarm hook: for an alarm of a zone's rule, 立即转移 (red) opens the zone's transfer
    list (disasters, source 监测报警, linked to the alarm); 准备转移 (orange) and 立即转移 tell the zone's 防汛
    责任人 by SMS. One zone's failure (no households registered) does not stop the others."""
    from anlan.disasters.models import TransferActivation
    from anlan.disasters.transfer import open_activation

    zones = _zones_of_rules({s.alarm.rule_id for s in steps})
    mine = [s for s in steps if s.alarm.rule_id in zones and s.level in rules.ALARM_LEVEL.values()]
    opened = notified = 0
    for step in mine:
        threshold = zones[step.alarm.rule_id]
        site = threshold.site
        level = rules.IMMEDIATE if step.level == rules.ALARM_LEVEL[rules.IMMEDIATE] else rules.PREPARE
        label = rules.LEVEL_LABELS[level]
        notified += _tell_responsible(step, site, label)
        if level != rules.IMMEDIATE:
            continue
        reason = f"山洪{label}：{step.alarm.rule.name} 雨量 {step.value:g} 毫米" if step.value is not None else label
        try:
            with transaction.atomic():
                _, created = open_activation(
                    actor="报警引擎",
                    site=site,
                    source=TransferActivation.Source.ALARM,
                    alarm=step.alarm,
                    reason=reason,
                    at=step.at,
                )
        except DomainError as exc:  # e.g. no households registered: the alarm itself still stands
            logger.warning("flood zone %s: transfer list not opened: %s", site.pk, exc.message)
            continue
        opened += created
        audit_record(
            action="flood_alarm_transfer",
            obj=site,
            actor="报警引擎",
            after={"alarm": step.alarm.pk, "level": step.level, "opened": created},
        )
    return {"opened": opened, "notified": notified}


def _tell_responsible(step, site: HazardSite, label: str) -> int:
    """SMS (voice fallback) to the zone's 防汛责任人, once per alarm and level (notify's outbox)."""
    from anlan.notify import recipients
    from anlan.notify.models import Notice, NoticeText
    from anlan.notify.texts import sender_name

    person_ids = list(FloodResponsibility.objects.filter(site=site).values_list("person_id", flat=True).distinct())
    if not person_ids:
        return 0
    notice, created = Notice.objects.get_or_create(
        topic=f"flood:{step.alarm.pk}:{step.level}",
        defaults={
            "title": f"{site.name}山洪{label}"[:200],
            "link": reverse("monitoring:alarm_detail", kwargs={"pk": step.alarm.pk}),
            "level": step.level,
        },
    )
    if not created:
        return 0
    value = f"{step.value:g}毫米，" if step.value is not None else ""
    action = "请立即组织危险区群众转移" if label == "立即转移" else "请做好转移准备，通知群众，加强巡查"
    text = (
        f"【{sender_name()}】{site.name}（{site.region.name}）{step.alarm.rule.name}达到{label}阈值（{value}"
        f"{timezone.localtime(step.at):%m-%d %H:%M}）。{action}。"
    )
    NoticeText.objects.create(notice=notice, key="", text=text[:300])
    reached = recipients.recipients_by_ids("person", person_ids)
    added = recipients.enqueue(
        notice,
        [
            recipients.Recipient(f"{r.key}#flood", r.name, r.region_code, r.tier, "sms", "voice")
            for r in reached.values()
        ],
    )
    audit_record(
        action="flood_alarm_notify",
        obj=site,
        actor="报警引擎",
        after={"alarm": step.alarm.pk, "level": step.level, "persons": len(reached)},
    )
    return added


# ---------------------------------------------------------------- public 公示


def _public_row(r: FloodResponsibility) -> dict:
    return {"post": rules.POST_LABELS[r.post], "name": r.person.name, "phone": mask_phone(r.person.phone)}


def public_board(county) -> dict:
    """The county's works and zones with their 责任人: names, posts, masked phones — nothing else. A fixed
    number of queries (one per kind of object and one per kind for its 责任人)."""
    person_q = Prefetch(
        "responsibilities",
        queryset=FloodResponsibility.objects.select_related("person").order_by(POST_ORDER, "id"),
    )
    prefix = county.code[:6]
    reservoirs = list(
        Reservoir.objects.filter(region__pk__startswith=prefix)
        .select_related("region")
        .prefetch_related(person_q)
        .order_by("region_id", "code")
    )
    dikes = list(
        Dike.objects.filter(region__pk__startswith=prefix)
        .select_related("region")
        .prefetch_related(person_q)
        .order_by("region_id", "code")
    )
    zones = list(
        HazardSite.objects.filter(region__pk__startswith=prefix, kind__in=ZONE_KINDS, status=HazardSite.Status.ACTIVE)
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "flood_responsibilities",
                queryset=FloodResponsibility.objects.select_related("person").order_by(POST_ORDER, "id"),
            )
        )
        .order_by("region_id", "code")
    )

    def rows(objects, related, kind):
        out = []
        for obj in objects:
            found = list(getattr(obj, related).all())
            out.append(
                {
                    "obj": obj,
                    "persons": [_public_row(r) for r in found],
                    "status": rules.completeness_text(kind, [r.post for r in found]),
                    "missing": [rules.POST_LABELS[p] for p in rules.missing_posts(kind, [r.post for r in found])],
                }
            )
        return out

    return {
        "county": county,
        "reservoirs": rows(reservoirs, "responsibilities", "reservoir"),
        "dikes": rows(dikes, "responsibilities", "dike"),
        "zones": rows(zones, "flood_responsibilities", "site"),
    }
