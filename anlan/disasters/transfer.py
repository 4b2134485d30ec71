"""避险转移到户到人: open a site's transfer list, mark its households, check them into shelters, count.

- **Opening.** A warning issued over a site's region opens an activation for every active site with
  households in the regions it reaches (`open_for_warning`, registered with alerts' on-issue hooks); an
  incident opens its township's sites from the workspace (`open_for_incident`); a township or the county
  opens one by hand (`open_activation`). A site has one open activation at a time (DB constraint): a later
  warning joins the open list rather than starting a second count.
- **Marking.** `mark` records a household's state (已转移 / 拒绝转移 / 外出 / 已返回) with time, the phone's
  position and who; the latest mark is the state. Who may mark: the household's 包保责任人, the village
  worker of its village, the township and the county (`markable_households`). A transferred household can
  check into a shelter as one household — its people at once, through `resources.services.shelter_check`,
  so the shelter's capacity rule is the one every check-in obeys; any other mark (外出, 拒绝转移, 已返回, or
  已转移 into another shelter) checks it out first, and closing the list checks out every family still in.
- **Counting.** 转移率 = 已转移人数 / 应转移人数, where 应转移 are the people of the site's active households
  except those marked 外出 (nobody is home to move), and 已转移 the people whose latest mark is 已转移 — a
  household that went back (已返回) while the list is open is at risk again and no longer counts.
  `evacuated_by_township(process)` is what the statistics count as 紧急避险转移人口: people of every
  household marked 已转移 at least once in the process's activations, whatever happened afterwards.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from anlan.core.audit import actor_name, audit_record
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.regioncodes import township_of
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.core.validators import location_errors
from anlan.resources.models import Shelter, ShelterCheck
from anlan.resources.services import shelter_check
from anlan.sites.models import HazardSite, Household

from .models import TransferActivation, TransferMark

State = TransferMark.State

# Who may mark households (the roster's readers minus those who only read it).
MARK_ROLES = frozenset({*COUNTY_ROLES, Role.TOWNSHIP_OPERATOR, Role.VILLAGE_WORKER})
# Who may open or close a site's list by hand (a village worker reports up; the township decides).
OPEN_ROLES = frozenset({*COUNTY_ROLES, Role.TOWNSHIP_OPERATOR})
# Transfers ordered on a warning precede the disaster: a process counts activations opened up to this long
# before its start (a typhoon warning is usually issued 24–48 h ahead).
TRANSFER_LEAD = dt.timedelta(hours=48)


# ---------------------------------------------------------------- who


def may_mark(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in MARK_ROLES))


def may_open(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in OPEN_ROLES))


def markable_households(user) -> QuerySet:
    """Active households `user` may mark: those he guards (包保), and those of his scope (his village for a
    village worker, his township, the county); nobody else's."""
    if not may_mark(user):
        return Household.objects.none()
    in_scope = Household.objects.restrict(user, "view").values("pk")
    return Household.objects.filter(Q(guardian=user) | Q(pk__in=in_scope), active=True)


def my_activations(user) -> QuerySet:
    """Open activations with households `user` may mark (the phone page "我的转移任务")."""
    sites = markable_households(user).values("site_id")
    return (
        TransferActivation.objects.filter(status=TransferActivation.Status.OPEN, site_id__in=sites)
        .select_related("site", "site__region", "site__shelter", "warning", "incident")
        .defer("site__region__boundary")
        .order_by("-opened_at", "id")
    )


# ---------------------------------------------------------------- opening and closing


def _households_of(site) -> QuerySet:
    return Household.objects.filter(site=site, active=True)


@transaction.atomic
def open_activation(
    *, actor, site: HazardSite, source: str, warning=None, incident=None, alarm=None, reason: str = "", at=None
) -> tuple[TransferActivation, bool]:
    """Open the site's transfer list, or return the one already open (linking the warning, incident or
    monitoring alarm when it has none yet). Returns (activation, opened now)."""
    if source not in TransferActivation.Source.values:
        raise DomainError("transfer.bad_source", f"未知启动来源：{source}", field="source")
    site = HazardSite.objects.select_for_update().get(pk=site.pk)
    if not _households_of(site).exists():
        raise DomainError(
            "transfer.no_households",
            f"隐患点“{site}”尚无在册受威胁户，不能启动转移：请先登记受威胁户及包保责任人",
            field="site",
        )
    current = TransferActivation.objects.filter(site=site, status=TransferActivation.Status.OPEN).first()
    if current is not None:
        changed = []
        if warning is not None and current.warning_id is None:
            current.warning, changed = warning, [*changed, "warning"]
        if incident is not None and current.incident_id is None:
            current.incident, changed = incident, [*changed, "incident"]
        if alarm is not None and current.alarm_id is None:
            current.alarm, changed = alarm, [*changed, "alarm"]
        if changed:
            current.save(update_fields=[*changed, "updated_at"])
            audit_record(action="transfer_open", obj=current, actor=actor, after={"linked": changed})
        return current, False
    activation = TransferActivation.objects.create(
        site=site,
        source=source,
        warning=warning,
        incident=incident,
        alarm=alarm,
        opened_at=at or timezone.now(),
        opened_by=actor_name(actor),
        reason=reason[:300],
        synthetic=site.synthetic,
    )
    audit_record(
        action="transfer_open",
        obj=activation,
        actor=actor,
        after={
            "site": site.pk,
            "source": source,
            "warning": warning and warning.pk,
            "incident": incident and incident.pk,
            "alarm": alarm and alarm.pk,
        },
    )
    return activation, True


def open_for_warning(warning, codes: list[str], actor) -> int:
    """On-issue hook: open the lists of active sites with households in the regions the warning reaches.
    A cancellation opens nothing (the lists stay open until someone in charge closes them: 解除预警 is not
    the all-clear for every slope). Returns the number opened."""
    if warning.msg_type == warning.MsgType.CANCEL:
        return 0
    sites = HazardSite.objects.filter(
        status=HazardSite.Status.ACTIVE, region_id__in=codes, households__active=True
    ).distinct()
    reason = f"{warning.get_level_display()}预警：{warning.headline}"
    opened = 0
    for site in sites:
        _, created = open_activation(
            actor=actor, site=site, source=TransferActivation.Source.WARNING, warning=warning, reason=reason
        )
        opened += created
    return opened


def sites_for_incident(incident) -> QuerySet:
    """Active sites with households in the incident's township (the area a 乡镇 transfers at once)."""
    return HazardSite.objects.filter(
        status=HazardSite.Status.ACTIVE,
        region__pk__startswith=township_of(incident.region_id)[:9],
        households__active=True,
    ).distinct()


@transaction.atomic
def open_for_incident(*, actor, incident) -> int:
    if not may_open(actor):
        raise NotAllowed("transfer.not_allowed", "只有乡镇（街道）和县级人员可以启动避险转移")
    opened = 0
    for site in sites_for_incident(incident):
        _, created = open_activation(
            actor=actor,
            site=site,
            source=TransferActivation.Source.INCIDENT,
            incident=incident,
            reason=f"突发事件：{incident.title}",
        )
        opened += created
    return opened


@transaction.atomic
def close_activation(*, actor, activation: TransferActivation) -> TransferActivation:
    if not may_open(actor):
        raise NotAllowed("transfer.not_allowed", "只有乡镇（街道）和县级人员可以结束避险转移")
    activation = TransferActivation.objects.select_for_update().get(pk=activation.pk)
    if activation.status != TransferActivation.Status.OPEN:
        raise DomainError("transfer.closed", "该转移行动已结束")
    rate = activation_rates([activation])[activation.pk]
    now = timezone.now()
    # The danger is over: the families still in a shelter go home (their places are free again). The marks
    # keep their 已转移 state, so the rate at closing stays what it was.
    still_in = TransferMark.objects.filter(
        activation=activation, shelter_check__isnull=False, shelter_check_out__isnull=True
    ).select_related("shelter_check__shelter", "household__region")
    checked_out = list({m.shelter_check_id: (m.shelter_check, m.household) for m in still_in}.values())
    for check, household in checked_out:
        _check_out(actor, household, check, now, note="避险转移结束，返回")
    activation.status, activation.closed_at, activation.closed_by = "closed", now, actor_name(actor)
    activation.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    audit_record(
        action="transfer_close",
        obj=activation,
        actor=actor,
        after={
            "transferred_people": rate.transferred_people,
            "due_people": rate.due_people,
            "checked_out_households": len(checked_out),
            "checked_out_people": sum(c.people for c, _ in checked_out),
        },
    )
    # What the close page tells the user: [(check-in, household)] checked out now.
    activation.checked_out = checked_out
    return activation


# ---------------------------------------------------------------- marking


def latest_marks(activation_ids) -> dict[tuple[int, int], TransferMark]:
    """The latest mark of each (activation, household): one query, newest first per household."""
    latest = {}
    marks = TransferMark.objects.filter(activation_id__in=list(activation_ids)).order_by("-at", "-id")
    for m in marks.select_related("shelter_check__shelter"):
        latest.setdefault((m.activation_id, m.household_id), m)
    return latest


@transaction.atomic
def mark(
    *,
    actor,
    activation: TransferActivation,
    household: Household,
    state: str,
    lon: float | None = None,
    lat: float | None = None,
    note: str = "",
    shelter: Shelter | None = None,
    at: dt.datetime | None = None,
) -> TransferMark:
    """Record a household's state now. 已转移 with a shelter checks the whole household in (capacity
    checked by resources); any other state, or 已转移 into another shelter, checks it out of the shelter it
    is still in. Nothing is written on a refusal."""
    if state not in State.values:
        raise DomainError("transfer.bad_state", f"未知转移状态：{state}", field="state")
    if not markable_households(actor).filter(pk=household.pk).exists():
        raise NotAllowed("transfer.not_yours", f"您不是“{household}”的包保责任人，也不负责其所在村（社区）")
    activation = TransferActivation.objects.select_for_update().get(pk=activation.pk)
    if activation.status != TransferActivation.Status.OPEN:
        raise DomainError("transfer.closed", "该转移行动已结束，不能再标记")
    if household.site_id != activation.site_id:
        raise DomainError("transfer.other_site", f"“{household}”不属于隐患点“{activation.site}”", field="household")
    errors = location_errors(lon, lat)
    if errors:
        name, message = next(iter(errors.items()))
        raise DomainError("transfer.bad_position", message, field=name)
    if len(note) > 200:
        raise DomainError("transfer.note_too_long", "说明不能超过 200 字", field="note")
    if shelter is not None and state != State.TRANSFERRED:
        raise DomainError("transfer.shelter_needs_transfer", "只有已转移的户才能登记入住避难场所", field="shelter")
    previous = latest_marks([activation.pk]).get((activation.pk, household.pk))
    at = at or timezone.now()
    current = open_check_in(household)
    if shelter is not None and current is not None and current.shelter_id == shelter.pk:
        raise DomainError("transfer.already_checked_in", f"“{household}”已入住“{current.shelter}”", field="shelter")
    if current is not None and (state != State.TRANSFERRED or shelter is not None):
        # Whatever moves the family out of the shelter (外出, 拒绝转移, 已返回, another shelter) frees its
        # places first; a refused check-in elsewhere rolls this back with the rest.
        _check_out(actor, household, current, at, note=_CHECK_OUT_NOTES.get(state, "避险转移户换场所"))
        current = None
    check = _check_in(actor, household, shelter, at) if shelter is not None else None
    if check is None and state == State.TRANSFERRED:
        check = current  # marked again (a second tap, a position update): still where it was checked in
    new = TransferMark.objects.create(
        activation=activation,
        household=household,
        state=state,
        at=at,
        lon=lon,
        lat=lat,
        by=actor if getattr(actor, "pk", None) else None,
        by_name=actor_name(actor),
        note=note,
        shelter_check=check,
    )
    audit_record(
        action="transfer_mark",
        obj=household,
        actor=actor,
        before={"state": previous.state if previous else ""},
        after={"state": state, "activation": activation.pk, "lon": lon, "lat": lat, "shelter": shelter and shelter.pk},
    )
    return new


_CHECK_OUT_NOTES = {
    State.RETURNED: "避险转移户返回",
    State.AWAY: "避险转移户外出",
    State.REFUSED: "避险转移户拒绝转移",
}


def open_check_in(household) -> ShelterCheck | None:
    """The household's check-in that still occupies places: the latest one its marks carry that no check-out
    ended, in any activation."""
    carrier = (
        TransferMark.objects.filter(household=household, shelter_check__isnull=False, shelter_check_out__isnull=True)
        .select_related("shelter_check__shelter")
        .order_by("-at", "-id")
        .first()
    )
    return carrier.shelter_check if carrier else None


def _check_in(actor, household, shelter, at) -> ShelterCheck:
    return shelter_check(
        actor=actor,
        shelter=shelter,
        kind=ShelterCheck.Kind.IN,
        people=household.people,
        household=f"{household.head_name}户"[:64],
        from_region=household.region,
        note="避险转移",
        at=at,
    )


def _check_out(actor, household, check: ShelterCheck, at, *, note: str) -> ShelterCheck:
    out = shelter_check(
        actor=actor,
        shelter=check.shelter,
        kind=ShelterCheck.Kind.OUT,
        people=check.people,
        household=check.household,
        from_region=household.region,
        note=note,
        at=at,
    )
    TransferMark.objects.filter(shelter_check=check, shelter_check_out__isnull=True).update(shelter_check_out=out)
    return out


def check_in(*, actor, activation, household, shelter, lon=None, lat=None) -> TransferMark:
    """Check an already transferred household into a shelter (a new 已转移 mark carrying the check-in)."""
    return mark(
        actor=actor,
        activation=activation,
        household=household,
        state=State.TRANSFERRED,
        lon=lon,
        lat=lat,
        shelter=shelter,
    )


# ---------------------------------------------------------------- counting


@dataclass
class Rate:
    """Transfer figures of one activation, or of several summed."""

    households: int = 0  # 在册户数
    people: int = 0  # 在册人数
    vulnerable: int = 0
    due_households: int = 0  # 应转移（在册 − 外出）
    due_people: int = 0
    transferred_households: int = 0
    transferred_people: int = 0
    refused_households: int = 0
    away_households: int = 0
    returned_households: int = 0
    pending_households: int = 0  # not yet marked at all
    activations: list = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        """转移率 in [0, 1], None when nobody is due."""
        return self.transferred_people / self.due_people if self.due_people else None

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.0f}%"

    @property
    def complete(self) -> bool:
        return self.due_people == 0 or self.transferred_people >= self.due_people

    def add(self, other: "Rate") -> "Rate":
        for name in (
            "households",
            "people",
            "vulnerable",
            "due_households",
            "due_people",
            "transferred_households",
            "transferred_people",
            "refused_households",
            "away_households",
            "returned_households",
            "pending_households",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.activations += other.activations
        return self


def activation_rates(activations) -> dict[int, Rate]:
    """Figures of each activation from its site's active roster and the latest marks: two queries."""
    activations = list(activations)
    by_site = defaultdict(list)
    for household in Household.objects.filter(site_id__in={a.site_id for a in activations}, active=True).only(
        "pk", "site_id", "people", "vulnerable"
    ):
        by_site[household.site_id].append(household)
    latest = latest_marks(a.pk for a in activations)
    rates = {}
    for a in activations:
        rate = Rate(activations=[a])
        for h in by_site[a.site_id]:
            rate.households += 1
            rate.people += h.people
            rate.vulnerable += h.vulnerable
            state = latest.get((a.pk, h.pk))
            state = state.state if state else None
            if state == State.AWAY:
                rate.away_households += 1
                continue
            rate.due_households += 1
            rate.due_people += h.people
            if state == State.TRANSFERRED:
                rate.transferred_households += 1
                rate.transferred_people += h.people
            elif state == State.REFUSED:
                rate.refused_households += 1
            elif state == State.RETURNED:
                rate.returned_households += 1
            else:
                rate.pending_households += 1
        rates[a.pk] = rate
    return rates


def total(rates) -> Rate:
    result = Rate()
    for r in rates:
        result.add(r)
    return result


def rates_by_township(activations) -> list[tuple[str, Rate]]:
    """(township code, summed figures) of activations, by township code."""
    groups = defaultdict(Rate)
    for rate in activation_rates(activations).values():
        a = rate.activations[0]
        groups[township_of(a.site.region_id)].add(rate)
    return sorted(groups.items())


def warning_family(warning) -> list[int]:
    """Ids of a warning, the warnings it updated, and those that updated it (one CAP chain counts once)."""
    from anlan.alerts.models import Warning

    ids, frontier = {warning.pk}, [warning.pk]
    ancestor = warning
    while ancestor.references_id and ancestor.references_id not in ids:
        ids.add(ancestor.references_id)
        frontier.append(ancestor.references_id)
        ancestor = Warning.objects.only("pk", "references_id").get(pk=ancestor.references_id)
    while frontier:
        children = Warning.objects.filter(references_id__in=frontier).values_list("pk", flat=True)
        frontier = [pk for pk in children if pk not in ids]
        ids.update(frontier)
    return sorted(ids)


def activations_of_warning(warning) -> QuerySet:
    return TransferActivation.objects.filter(warning_id__in=warning_family(warning))


def warnings_of_incident(incident) -> list[int]:
    """Ids of the warnings linked to an incident (its timeline's 关联预警), with their CAP chains."""
    from anlan.incidents.models import TimelineEntry

    linked = TimelineEntry.objects.filter(incident=incident, kind=TimelineEntry.Kind.WARNING)
    ids = set()
    for data in linked.values_list("data", flat=True):
        if isinstance(data, dict) and isinstance(data.get("warning"), int) and data["warning"] not in ids:
            warning = _warning_or_none(data["warning"])
            if warning is not None:
                ids.update(warning_family(warning))
    return sorted(ids)


def _warning_or_none(pk):
    from anlan.alerts.models import Warning

    return Warning.objects.filter(pk=pk).first()


def activations_of_incident(incident) -> QuerySet:
    """Activations the incident opened, and those of the warnings linked to it."""
    return TransferActivation.objects.filter(Q(incident=incident) | Q(warning_id__in=warnings_of_incident(incident)))


def incomplete_open_activations(user) -> list[TransferActivation]:
    """Open activations in `user`'s scope whose rate is below 100 % (the 工作台 item of the township and
    the county)."""
    open_ = TransferActivation.objects.restrict(user).filter(status=TransferActivation.Status.OPEN)
    activations = list(open_.select_related("site", "site__region").defer("site__region__boundary"))
    rates = activation_rates(activations)
    return [a for a in activations if not rates[a.pk].complete]


def my_pending_households(user) -> int:
    """Households `user` may mark in open activations that are neither transferred nor away (the village
    worker's 工作台 item): unmarked, refused or gone back."""
    activations = list(my_activations(user))
    latest = latest_marks(a.pk for a in activations)
    households = markable_households(user).filter(site_id__in={a.site_id for a in activations})
    open_by_site = {a.site_id: a.pk for a in activations}
    pending = 0
    for pk, site_id in households.values_list("pk", "site_id"):
        mark_ = latest.get((open_by_site[site_id], pk))
        if mark_ is None or mark_.state not in (State.TRANSFERRED, State.AWAY):
            pending += 1
    return pending


def evacuated_by_township(process) -> dict[str, int]:
    """紧急避险转移人口 per township code for a disaster process (prefill of its township returns): people of
    every household marked 已转移 at least once in an activation linked to the process's incidents (or the
    warnings linked to them) or warnings, or of a site in its townships opened during its period (from
    TRANSFER_LEAD before its start to its stabilisation, or now). A household transferred in two such
    activations counts once."""
    warning_ids = set()
    for warning in process.warnings.all():
        warning_ids.update(warning_family(warning))
    for incident in process.incidents.all():
        warning_ids.update(warnings_of_incident(incident))
    linked = Q(incident_id__in=process.incidents.values("pk")) | Q(warning_id__in=warning_ids)
    townships = [code[:9] for code in process.regions.values_list("code", flat=True)]
    end = process.stable_at or timezone.now()
    during = Q(opened_at__gte=process.started_at - TRANSFER_LEAD, opened_at__lte=end)
    if townships:
        in_townships = Q()
        for prefix in townships:
            in_townships |= Q(site__region__pk__startswith=prefix)
        linked |= during & in_townships
    activations = TransferActivation.objects.filter(linked).values("pk")
    households = (
        Household.objects.filter(transfer_marks__activation_id__in=activations, transfer_marks__state=State.TRANSFERRED)
        .values_list("pk", "region_id", "people")
        .distinct()
    )
    result: dict[str, int] = defaultdict(int)
    for _, region_id, people in households:
        result[township_of(region_id)] += people
    return dict(sorted(result.items()))
