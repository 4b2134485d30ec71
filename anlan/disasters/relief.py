"""救灾救助 services (§15.4/§15.5): programmes, recipients and their review (户报、村评、乡审、县定), the public
notice (公示) and its objections, county approval, and disbursement of cash and goods.

Every write is atomic and audited; bad input raises DomainError with a Chinese message naming the field,
and nothing is written. The rates of the local examples in §15.5 are SECONDARY: they are settings
(ANLAN_RELIEF_*) whose defaults are the older central values, offered as 参考值 on the pages.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from anlan.core import crypto
from anlan.core.audit import audit_bulk_create, audit_record, snapshot
from anlan.core.errors import Conflict, DomainError, NotAllowed, NotFound
from anlan.core.regioncodes import region_prefix
from anlan.core.roles import COUNTY_ROLES
from anlan.core.scoping import region_in_scope
from anlan.core.workflow import Requires, Transition, Workflow
from anlan.geo.models import Region, RegionLevel
from anlan.supplies import services as supplies

from .models import DamagedHouse, ReliefObjection, ReliefPayment, ReliefProgramme, ReliefRecipient
from .models.relief import TOWNSHIP_CHECKERS, VILLAGE_REVIEWERS

P = ReliefProgramme
R = ReliefRecipient
K = P.Kind
CENT = Decimal("0.01")

# ---------------------------------------------------------------- rules (pure)


@dataclass(frozen=True)
class Terms:
    """The reference terms of a kind: rate (元), its unit, the days it runs and their maximum, a cap."""

    rate: Decimal
    unit: str
    days: int = 0
    max_days: int = 0
    cap: Decimal | None = None
    basis: str = ""
    notes: list[str] = field(default_factory=list)


def reference_terms(kind: str) -> Terms:
    """参考值 of a kind from the settings (SECONDARY sources; the county adjusts them to its own standard)."""
    s = settings
    if kind == K.EMERGENCY:
        days = s.ANLAN_RELIEF_EMERGENCY_MAX_DAYS
        return Terms(
            Decimal(s.ANLAN_RELIEF_EMERGENCY_RATE),
            "元/人/天",
            days,
            days,
            basis="紧急转移安置 20 元/人/天，不超过 15 天",
        )
    if kind == K.TRANSITION:
        days = s.ANLAN_RELIEF_TRANSITION_MAX_DAYS
        return Terms(
            Decimal(s.ANLAN_RELIEF_TRANSITION_RATE), "元/人/天", days, days, basis="20 元/人/天，原则上不超过 3 个月"
        )
    if kind == K.WINTER:
        return Terms(Decimal(s.ANLAN_RELIEF_WINTER_RATE), "元/人", basis="不低于 150 元/人")
    if kind == K.REBUILD:
        cap = Decimal(s.ANLAN_RELIEF_REBUILD_CAP)
        return Terms(
            Decimal(s.ANLAN_RELIEF_REBUILD_RATE), "元/间", cap=cap, basis="5000–6000 元/间，每户 2–2.5 万元封顶"
        )
    raise DomainError("relief.bad_kind", f"未知救助类别：{kind}", field="kind")


def amount_for(programme: ReliefProgramme, *, people: int, rooms: int = 0) -> Decimal:
    """The amount a household gets under the programme's rule (元, to the cent)."""
    rate = Decimal(programme.rate)
    if programme.kind in (K.EMERGENCY, K.TRANSITION):
        amount = rate * people * programme.days
    elif programme.kind == K.WINTER:
        amount = rate * people
    else:  # rebuild: per room (间), capped per household
        amount = rate * rooms
        if programme.cap_per_household is not None:
            amount = min(amount, Decimal(programme.cap_per_household))
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def household_key(*, id_number: str = "", household=None, damaged_house=None) -> str:
    """One key per household: the keyed hash of the head's ID number (never the number itself), else the
    roster household or the register row it was drawn from."""
    number = (id_number or "").strip().upper()
    if number:
        return "id:" + crypto.blind_index("relief-id:" + number)
    if household is not None:
        return f"roster:{household.pk}"
    if damaged_house is not None:
        return f"house:{damaged_house.pk}"
    raise DomainError("relief.household_unknown", "请填写户主身份证号", field="id_number")


def _decimal(value, field_name: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError):
        raise DomainError("relief.bad_number", f"{label}应为数字", field=field_name) from None
    if number < 0:
        raise DomainError("relief.negative", f"{label}不能为负数", field=field_name)
    return number


# ---------------------------------------------------------------- the programme's workflow


def _recipients_checked(programme, data) -> bool:
    rows = programme.recipients.exclude(status__in=[R.Status.REJECTED, R.Status.REMOVED])
    return rows.exists() and not rows.exclude(status=R.Status.CHECKED).exists()


def _notice_over(programme, data) -> bool:
    return programme.notice_ends_at is not None and timezone.now() >= programme.notice_ends_at


def _objections_resolved(programme, data) -> bool:
    return not programme.objections.filter(status=ReliefObjection.Status.OPEN).exists()


def _in_change_scope(actor, programme) -> bool:
    """The programme is within the actor's area to change. A township READS the county's programmes (to
    review its own households in them: 村评、乡审、异议 are scoped by the household, not here), but publishing,
    approving or closing a county-wide programme is the county's. (The system step 开始发放 follows the first
    payment, which a township makes to its own households.)"""
    return ReliefProgramme.objects.restrict(actor, "change").filter(pk=programme.pk).exists()


S = P.Status
FLOW = Workflow(
    "relief",
    dict(S.choices),
    [
        Transition(
            "publish",
            "开始公示",
            {S.DRAFT},
            S.NOTICE,
            roles=frozenset({*COUNTY_ROLES, *TOWNSHIP_CHECKERS}),
            when=_in_change_scope,
            who=lambda programme: f"管辖{programme.region.name}（项目实施区域）",
            requires=(
                Requires(
                    _recipients_checked,
                    "名单中还有未经乡镇审核的户，或名单为空：全部乡审通过后才能公示",
                    "not_checked",
                    on_record=True,
                ),
            ),
        ),
        Transition(
            "approve",
            "县级审批",
            {S.NOTICE},
            S.APPROVED,
            roles=COUNTY_ROLES,
            when=_in_change_scope,
            who="县级",
            requires=(
                Requires(_notice_over, "公示期未满，不能审批", "notice_running", on_record=True),
                Requires(
                    _objections_resolved, "还有未处理的公示异议，处理完毕后才能审批", "objections_open", on_record=True
                ),
            ),
        ),
        Transition("disburse", "开始发放", {S.APPROVED}, S.DISBURSING, system=True),
        Transition(
            "close",
            "结束项目",
            {S.APPROVED, S.DISBURSING},
            S.CLOSED,
            roles=COUNTY_ROLES,
            when=_in_change_scope,
            who="县级",
        ),
    ],
    model="disasters.ReliefProgramme",
)


def _step(actor, programme: ReliefProgramme, action: str, **changes) -> ReliefProgramme:
    before = snapshot(programme)
    FLOW.apply(actor, programme, action)
    for name, value in changes.items():
        setattr(programme, name, value)
    programme.save()
    audit_record(action=f"relief_{action}", obj=programme, actor=actor, before=before, after=snapshot(programme))
    return programme


def _locked(programme: ReliefProgramme) -> ReliefProgramme:
    return ReliefProgramme.objects.select_for_update().get(pk=programme.pk)


def _visible(actor, model, pk, action="view"):
    obj = model.objects.restrict(actor, action).filter(pk=pk).first()
    if obj is None:
        raise NotFound("relief.not_found", "记录不存在或不在您的管辖范围内")
    return obj


@transaction.atomic
def programme_publish(*, actor, programme: ReliefProgramme) -> ReliefProgramme:
    """Start the 公示: the list shows on the public page for `notice_days` days."""
    locked = _locked(programme)
    now = timezone.now()
    _step(
        actor,
        locked,
        "publish",
        notice_started_at=now,
        notice_ends_at=now + dt.timedelta(days=locked.notice_days),
    )
    programme.refresh_from_db()  # the caller's copy shows the new state
    return programme


@transaction.atomic
def programme_approve(*, actor, programme: ReliefProgramme) -> ReliefProgramme:
    """县定: after the 公示 ran its days and every objection was resolved."""
    _step(actor, _locked(programme), "approve", approved_by=actor, approved_at=timezone.now())
    programme.refresh_from_db()
    return programme


@transaction.atomic
def programme_close(*, actor, programme: ReliefProgramme) -> ReliefProgramme:
    _step(actor, _locked(programme), "close", closed_at=timezone.now())
    programme.refresh_from_db()
    return programme


# ---------------------------------------------------------------- programme


def _check_terms(programme: ReliefProgramme) -> None:
    terms = reference_terms(programme.kind)
    if programme.ends_on < programme.starts_on:
        raise DomainError("relief.period", "救助期结束不能早于开始", field="ends_on")
    if programme.rate is None or Decimal(programme.rate) <= 0:
        raise DomainError("relief.rate", "救助标准须大于 0", field="rate")
    if terms.max_days:
        if not programme.days:
            raise DomainError("relief.days_required", f"{programme.get_kind_display()}须填写救助天数", field="days")
        if programme.days > terms.max_days:
            raise DomainError(
                "relief.days_too_many",
                f"{programme.get_kind_display()}救助天数不超过 {terms.max_days} 天（参考值，可在设置中按本地标准调整）",
                field="days",
            )
    if programme.notice_days < 1:
        raise DomainError("relief.notice_days", "公示天数至少 1 天", field="notice_days")
    region = programme.region
    if region.level not in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
        raise DomainError("relief.region_level", "实施区域应为县或乡镇（街道）", field="region")


@transaction.atomic
def programme_create(*, actor, programme: ReliefProgramme) -> ReliefProgramme:
    if not region_in_scope(actor, programme.region_id):
        raise NotAllowed("relief.region_outside", "实施区域不在您的管辖范围内")
    _check_terms(programme)
    programme.status = S.DRAFT
    programme.full_clean()
    programme.save()
    audit_record(action="create", obj=programme, actor=actor, after=snapshot(programme))
    return programme


# ---------------------------------------------------------------- recipients


def _editable(programme: ReliefProgramme) -> None:
    if programme.status != S.DRAFT:
        raise Conflict(
            "relief.list_frozen", f"项目“{programme.get_status_display()}”，名单不能再增改（公示期间由异议处理调整）"
        )


def _in_programme_area(programme: ReliefProgramme, region: Region) -> None:
    if not region.code.startswith(region_prefix(programme.region_id)):
        raise DomainError("relief.region_outside_programme", f"{region.name}不在本项目的实施区域内", field="region")


def _insert(recipient: ReliefRecipient) -> None:
    """Insert, the household once per programme (the database refuses a second row, whoever races)."""
    try:
        with transaction.atomic():
            recipient.save()
    except IntegrityError:
        raise DomainError(
            "relief.household_listed", "该户已在本救助项目名单中，不能重复列入", field="id_number"
        ) from None


def _validate(recipient: ReliefRecipient) -> None:
    if not (recipient.head_name or "").strip():
        raise DomainError("relief.head_required", "请填写户主姓名", field="head_name")
    if recipient.members < 1:
        raise DomainError("relief.members", "家庭人口至少 1 人", field="members")
    if recipient.people > recipient.members:
        raise DomainError("relief.people_gt_members", "需救助人口不能多于家庭人口", field="people")
    if recipient.programme.kind == K.REBUILD and recipient.rooms < 1:
        raise DomainError("relief.rooms_required", "恢复重建须填写倒损间数", field="rooms")
    if recipient.region.level != RegionLevel.VILLAGE:
        raise DomainError("relief.region_village", "请选择所在村（社区）", field="region")


def _not_listed_yet(programme: ReliefProgramme, recipient: ReliefRecipient) -> None:
    """The roster household or register row is not in the programme already, under whatever key (the key
    prefers the ID number, so the same family typed in with its ID and drawn from the roster differ)."""
    if recipient.household_id and programme.recipients.filter(household_id=recipient.household_id).exists():
        raise DomainError("relief.household_listed", "该受威胁户已在本救助项目名单中，不能重复列入", field="household")
    if recipient.damaged_house_id and programme.recipients.filter(damaged_house_id=recipient.damaged_house_id).exists():
        raise DomainError(
            "relief.household_listed", "该倒损住房户已在本救助项目名单中，不能重复列入", field="damaged_house"
        )


@transaction.atomic
def recipient_add(*, actor, recipient: ReliefRecipient, amount=None, amount_reason: str = "") -> ReliefRecipient:
    """户报: list a household; its amount follows the programme's rule unless changed with a reason."""
    programme = _locked(recipient.programme)
    recipient.programme = programme
    _editable(programme)
    if not region_in_scope(actor, recipient.region_id) or (
        actor.role not in ReliefRecipient.write_roles and not actor.is_superuser
    ):
        raise NotAllowed("relief.region_outside", "该村（社区）不在您的管辖范围内")
    _in_programme_area(programme, recipient.region)
    _validate(recipient)
    _not_listed_yet(programme, recipient)
    recipient.household_key = household_key(
        id_number=recipient.id_number, household=recipient.household, damaged_house=recipient.damaged_house
    )
    _set_amount(recipient, amount, amount_reason)
    recipient.status = R.Status.PROPOSED
    _insert(recipient)
    audit_record(action="relief_recipient_add", obj=recipient, actor=actor, after=snapshot(recipient))
    return recipient


def _add_drawn(actor, programme: ReliefProgramme, recipients: list[ReliefRecipient]) -> None:
    """List the households a draw found, in bulk: the checks of recipient_add on each (in memory — the draw
    has already left out those listed), one INSERT and one audit append for them all (a county programme
    draws a thousand households from the roster). The database still refuses a household listed twice."""
    may_write = actor.is_superuser or actor.role in ReliefRecipient.write_roles
    for recipient in recipients:
        if not may_write or not region_in_scope(actor, recipient.region_id):
            raise NotAllowed("relief.region_outside", "该村（社区）不在您的管辖范围内")
        _in_programme_area(programme, recipient.region)
        _validate(recipient)
        recipient.household_key = household_key(
            id_number=recipient.id_number, household=recipient.household, damaged_house=recipient.damaged_house
        )
        _set_amount(recipient, None, "")
        recipient.status = R.Status.PROPOSED
    if not recipients:
        return
    try:
        with transaction.atomic():
            created = ReliefRecipient.objects.bulk_create(recipients)
    except IntegrityError:
        raise Conflict("relief.household_listed", "名单已被他人同时修改，部分户已在名单中，请刷新后重试") from None
    audit_bulk_create(created, actor=actor, action="relief_recipient_add")


def _set_amount(recipient: ReliefRecipient, amount, reason: str) -> None:
    recipient.computed_amount = amount_for(recipient.programme, people=recipient.people, rooms=recipient.rooms)
    if amount in (None, ""):
        recipient.amount, recipient.amount_reason = recipient.computed_amount, ""
        return
    amount = _decimal(amount, "amount", "救助金额")
    if amount != recipient.computed_amount and not (reason or "").strip():
        raise DomainError(
            "relief.reason_required",
            f"救助金额与按标准计算的 {recipient.computed_amount} 元不同，请填写调整原因",
            field="amount_reason",
        )
    recipient.amount = amount
    recipient.amount_reason = (reason or "").strip() if amount != recipient.computed_amount else ""


@transaction.atomic
def recipient_set_amount(*, actor, recipient: ReliefRecipient, amount, reason: str) -> ReliefRecipient:
    """Change a household's amount (with a reason when it departs from the rule)."""
    recipient = _visible(actor, ReliefRecipient, recipient.pk, "change")
    _editable(_locked(recipient.programme))
    before = snapshot(recipient)
    _set_amount(recipient, amount, reason)
    recipient.save()
    audit_record(action="relief_amount", obj=recipient, actor=actor, before=before, after=snapshot(recipient))
    return recipient


@dataclass(frozen=True)
class Drawn:
    """What a draw did: households added, and households skipped as possible duplicates of one listed."""

    added: int
    skipped: int = 0


class _Listed:
    """The households a programme lists, to tell a drawn household already there.

    The same key or the same roster household: listed, skip silently. Otherwise the same head's name in the
    same village, where at least one of the two has no ID number: possibly the same family under another key
    (a roster household has no ID number, so a family typed in by hand with its ID and then drawn from the
    roster gets two keys) — skipped and counted, for the township to check and add by hand if they differ.
    Two entries that both carry an ID number are different people when the numbers differ."""

    def __init__(self, programme: ReliefProgramme):
        rows = programme.recipients.only("household_key", "household_id", "region_id", "head_name")
        self.keys: set[str] = set()
        self.households: set[int] = set()
        self.names: dict[tuple[str, str], set[bool]] = {}
        for row in rows:
            self.add(row.household_key, row.household_id, row.region_id, row.head_name)

    def add(self, key: str, household_id, region_id: str, head_name: str) -> None:
        self.keys.add(key)
        if household_id:
            self.households.add(household_id)
        self.names.setdefault((region_id, (head_name or "").strip()), set()).add(key.startswith("id:"))

    def already(self, key: str, household_id) -> bool:
        return key in self.keys or bool(household_id and household_id in self.households)

    def possibly(self, key: str, region_id: str, head_name: str) -> bool:
        with_id = self.names.get((region_id, (head_name or "").strip()), set())
        return bool(with_id) and not (key.startswith("id:") and with_id == {True})


def _register_rows(programme: ReliefProgramme):
    rows = (
        DamagedHouse.objects.filter(process=programme.process)
        .filter(region__pk__startswith=region_prefix(programme.region_id))
        .select_related("region", "household")
        .defer("region__boundary")
    )
    if programme.kind in (K.REBUILD, K.TRANSITION):
        rows = rows.filter(degree__in=[DamagedHouse.Degree.COLLAPSED, DamagedHouse.Degree.SEVERE])
    return rows.order_by("region", "pk")


@transaction.atomic
def recipients_from_registers(*, actor, programme: ReliefProgramme) -> Drawn:
    """Draw the programme's households from the 倒损住房户 register of its disaster process (collapsed and
    severely damaged only for 恢复重建 and 过渡期). Households already listed are skipped; so are those with
    the head's name of a listed household in the same village where one of the two has no ID number (possibly
    the same family under another key, see _Listed), and counted as skipped."""
    if programme.process_id is None:
        raise DomainError("relief.no_process", "项目未关联灾害过程，无法从倒损住房户名单导入", field="process")
    _editable(_locked(programme))
    return _draw(actor, programme, _from_register(actor, programme))


def _from_register(actor, programme: ReliefProgramme):
    for house in _register_rows(programme):
        if not region_in_scope(actor, house.region_id):
            continue
        key = household_key(id_number=house.head_id_number, household=house.household, damaged_house=house)
        yield (
            key,
            ReliefRecipient(
                programme=programme,
                region=house.region,
                source=R.Source.REGISTER,
                damaged_house=house,
                household=house.household,
                head_name=house.head_name,
                id_number=house.head_id_number,
                phone=house.phone,
                members=house.members,
                people=house.members,
                address=house.address,
                rooms=house.rooms,
            ),
        )


def _draw(actor, programme: ReliefProgramme, candidates) -> Drawn:
    """List the drawn (key, recipient) pairs not in the programme yet; possible duplicates skipped and counted
    (_Listed says which)."""
    listed = _Listed(programme)
    drawn, skipped = [], 0
    for key, recipient in candidates:
        if listed.already(key, recipient.household_id):
            continue
        if listed.possibly(key, recipient.region_id, recipient.head_name):
            skipped += 1
            continue
        drawn.append(recipient)
        listed.add(key, recipient.household_id, recipient.region_id, recipient.head_name)
    _add_drawn(actor, programme, drawn)
    return Drawn(len(drawn), skipped)


@transaction.atomic
def recipients_from_roster(*, actor, programme: ReliefProgramme) -> Drawn:
    """Draw the threatened households of the hazard sites (sites.Household) in the programme's area: the
    families transferred in an emergency. Households already listed are skipped. A roster household has no
    ID number, so a family already listed by hand (keyed by its ID) would come in again under roster:<pk>:
    one with the head's name of a listed household in the same village is skipped and counted instead."""
    from anlan.sites.models import Household

    _editable(_locked(programme))
    rows = (
        Household.objects.restrict(actor, "view")
        .filter(active=True, region__pk__startswith=region_prefix(programme.region_id))
        .select_related("region")
        .defer("region__boundary")
        .order_by("region", "pk")
    )
    candidates = (
        (
            household_key(household=household),
            ReliefRecipient(
                programme=programme,
                region=household.region,
                source=R.Source.ROSTER,
                household=household,
                head_name=household.head_name,
                phone=household.phone,
                members=household.people,
                people=household.people,
                address=household.address or household.region.name,
            ),
        )
        for household in rows
    )
    return _draw(actor, programme, candidates)


@transaction.atomic
def village_review(*, actor, recipient: ReliefRecipient, on: dt.date, passed: bool, note: str = "") -> ReliefRecipient:
    """村评: the village's democratic review, its date and result."""
    if not actor.is_superuser and actor.role not in VILLAGE_REVIEWERS:
        raise NotAllowed("relief.role_not_allowed", "村评须由村（社区）、乡镇或县级人员录入")
    recipient = _visible(actor, ReliefRecipient, recipient.pk)
    _editable(_locked(recipient.programme))
    if recipient.status not in (R.Status.PROPOSED, R.Status.VILLAGE_PASSED, R.Status.REJECTED):
        raise Conflict("relief.already_checked", "该户已经乡镇审核，不能再改村评结果")
    if on is None:
        raise DomainError("relief.review_date", "请填写村评日期", field="village_review_on")
    if on > timezone.localdate():
        raise DomainError("relief.review_date_future", "村评日期不能晚于今天", field="village_review_on")
    before = snapshot(recipient)
    recipient.village_review_on, recipient.village_review_note = on, note.strip()
    recipient.status = R.Status.VILLAGE_PASSED if passed else R.Status.REJECTED
    recipient.save()
    audit_record(action="relief_village_review", obj=recipient, actor=actor, before=before, after=snapshot(recipient))
    return recipient


@transaction.atomic
def township_check(*, actor, recipient: ReliefRecipient, passed: bool, note: str = "") -> ReliefRecipient:
    """乡审: the township checks a household the village passed."""
    if not actor.is_superuser and actor.role not in TOWNSHIP_CHECKERS:
        raise NotAllowed("relief.township_only", "乡审须由乡镇（街道）人员办理")
    recipient = _visible(actor, ReliefRecipient, recipient.pk, "change")
    _editable(_locked(recipient.programme))
    if recipient.status != R.Status.VILLAGE_PASSED:
        raise Conflict("relief.not_village_passed", "该户未经村评通过，不能乡审")
    if not passed and not note.strip():
        raise DomainError("relief.reason_required", "不予通过须填写意见", field="check_note")
    before = snapshot(recipient)
    recipient.status = R.Status.CHECKED if passed else R.Status.REJECTED
    recipient.checked_by, recipient.checked_at, recipient.check_note = actor, timezone.now(), note.strip()
    recipient.save()
    audit_record(action="relief_township_check", obj=recipient, actor=actor, before=before, after=snapshot(recipient))
    return recipient


# ---------------------------------------------------------------- 公示 and objections


def notice_open(programme: ReliefProgramme, now=None) -> bool:
    now = now or timezone.now()
    return programme.status == S.NOTICE and programme.notice_ends_at is not None and now < programme.notice_ends_at


def listed(programme: ReliefProgramme):
    """The households on the 公示 list (checked, not removed)."""
    return (
        programme.recipients.filter(status=R.Status.CHECKED)
        .select_related("region", "region__parent")
        .defer("region__boundary", "region__parent__boundary")
    )


def recent_objections(address: str) -> int:
    since = timezone.now() - dt.timedelta(hours=1)
    return ReliefObjection.objects.filter(submitted_from=address, created_at__gte=since).count()


@transaction.atomic
def objection_submit(
    *, programme: ReliefProgramme, recipient: ReliefRecipient, name: str, phone: str, text: str, address: str = ""
) -> ReliefObjection:
    """An objection from the public page, while the 公示 runs, against a household on the list."""
    if not notice_open(programme):
        raise Conflict("relief.notice_closed", "该项目不在公示期内，不能提出异议")
    if recipient.programme_id != programme.pk or recipient.status != R.Status.CHECKED:
        raise DomainError("relief.not_listed", "请选择公示名单中的一户", field="recipient")
    if not text.strip():
        raise DomainError("relief.text_required", "请填写异议内容", field="text")
    objection = ReliefObjection.objects.create(
        programme=programme,
        recipient=recipient,
        name=name.strip(),
        phone=phone.strip(),
        text=text.strip(),
        submitted_from=address,
    )
    audit_record(action="relief_objection", obj=objection, actor="公示异议", after=snapshot(objection))
    return objection


@transaction.atomic
def objection_resolve(
    *, actor, objection: ReliefObjection, upheld: bool, resolution: str, new_amount=None
) -> ReliefObjection:
    """The township resolves an objection: upheld removes the household from the list (or, with
    `new_amount`, changes its amount); rejected keeps it, with the reason."""
    if not actor.is_superuser and actor.role not in TOWNSHIP_CHECKERS:
        raise NotAllowed("relief.township_only", "公示异议由乡镇（街道）人员处理")
    objection = _visible(actor, ReliefObjection, objection.pk)
    programme = _locked(objection.programme)
    if programme.status != S.NOTICE:
        raise Conflict("relief.not_in_notice", "项目不在公示阶段，不能处理异议")
    if objection.status != ReliefObjection.Status.OPEN:
        raise Conflict("relief.objection_done", "该异议已处理")
    if not (resolution or "").strip():
        raise DomainError("relief.resolution_required", "请填写处理意见", field="resolution")
    before = snapshot(objection)
    recipient = objection.recipient
    recipient_before = snapshot(recipient)
    if upheld:
        if new_amount in (None, ""):
            recipient.status = R.Status.REMOVED
        else:
            recipient.amount = _decimal(new_amount, "new_amount", "调整后金额")
            recipient.amount_reason = f"公示异议：{resolution.strip()}"[:200]
        recipient.save()
        audit_record(
            action="relief_objection_upheld",
            obj=recipient,
            actor=actor,
            before=recipient_before,
            after=snapshot(recipient),
        )
    objection.status = ReliefObjection.Status.UPHELD if upheld else ReliefObjection.Status.REJECTED
    objection.resolution, objection.resolved_by, objection.resolved_at = resolution.strip(), actor, timezone.now()
    objection.save()
    audit_record(
        action="relief_objection_resolve", obj=objection, actor=actor, before=before, after=snapshot(objection)
    )
    return objection


# ---------------------------------------------------------------- disbursement


def _payable(actor, recipient: ReliefRecipient) -> tuple[ReliefProgramme, ReliefRecipient]:
    if not actor.is_superuser and actor.role not in ReliefRecipient.write_roles:
        raise NotAllowed("relief.role_not_allowed", "您的角色不能发放救助")
    recipient = _visible(actor, ReliefRecipient, recipient.pk, "change")
    programme = _locked(recipient.programme)
    if programme.status not in (S.APPROVED, S.DISBURSING):
        raise Conflict("relief.not_approved", f"项目“{programme.get_status_display()}”，县级审批后才能发放")
    if recipient.status != R.Status.CHECKED:
        raise DomainError("relief.not_listed", "该户不在审批名单中，不能发放", field="recipient")
    return programme, recipient


def _record(payment: ReliefPayment) -> None:
    """Save a payment; the database's refusal of a second one of the household (whoever races) becomes the
    Chinese message. Any other integrity error is a bug and is raised as it is."""
    try:
        with transaction.atomic():
            payment.save()
    except IntegrityError:
        paid = ReliefPayment.objects.filter(
            programme=payment.programme, household_key=payment.household_key, means=payment.means
        )
        if not paid.exists():
            raise
        what = "救助款" if payment.means == ReliefPayment.Means.CASH else "救助物资"
        raise DomainError(
            "relief.already_paid", f"该户在本救助项目中已发放过{what}，不能重复发放", field="recipient"
        ) from None


def _mark_disbursing(actor, programme: ReliefProgramme) -> None:
    if programme.status == S.APPROVED:
        _step(actor, programme, "disburse")


@transaction.atomic
def pay_cash(
    *, actor, recipient: ReliefRecipient, method: str, paid_on: dt.date, reference: str = "", amount=None
) -> ReliefPayment:
    """Pay a household its approved amount, by bank transfer or in cash; once per programme (`amount`, when
    given, must be that amount: a partial payment could never be completed)."""
    programme, recipient = _payable(actor, recipient)
    if method not in (ReliefPayment.Method.BANK, ReliefPayment.Method.CASH):
        raise DomainError("relief.bad_method", "发放形式应为银行转账或现金", field="method")
    if paid_on is None or paid_on > timezone.localdate():
        raise DomainError("relief.paid_on", "请填写发放日期（不晚于今天）", field="paid_on")
    amount = recipient.amount if amount in (None, "") else _decimal(amount, "amount", "发放金额")
    if amount <= 0:
        raise DomainError("relief.amount_zero", "发放金额须大于 0", field="amount")
    if amount != recipient.amount:
        # One cash payment per household and programme (the database allows no second): the whole amount.
        raise DomainError(
            "relief.amount_not_approved",
            f"发放金额应为该户核定金额 {recipient.amount} 元（每户每个项目只发放一次救助款）",
            field="amount",
        )
    if method == ReliefPayment.Method.BANK and not reference.strip():
        raise DomainError("relief.reference_required", "银行转账须填写流水号", field="reference")
    payment = ReliefPayment(
        programme=programme,
        recipient=recipient,
        household_key=recipient.household_key,
        means=ReliefPayment.Means.CASH,
        method=method,
        amount=amount,
        paid_on=paid_on,
        reference=reference.strip(),
        paid_by=actor,
    )
    _record(payment)
    _mark_disbursing(actor, programme)
    audit_record(action="relief_pay_cash", obj=payment, actor=actor, after=snapshot(payment))
    return payment


def movement_reference(programme: ReliefProgramme) -> str:
    """How the supplies ledger names the purpose of a relief issue."""
    return f"救灾救助：{programme.name}"[:100]


@transaction.atomic
def give_goods(
    *,
    actor,
    recipients: list[ReliefRecipient],
    warehouse,
    item,
    quantity_each,
    unit_price,
    paid_on: dt.date,
    reference: str = "",
    per_household: bool = False,
) -> list[ReliefPayment]:
    """Give each household `quantity_each` of an item from a warehouse, valued at `unit_price`: one issue
    movement for the batch (or one per household) in the supplies ledger, one payment per household.
    Stock short, a household already given goods in this programme, or one out of scope: nothing at all."""
    if not recipients:
        raise DomainError("relief.no_recipients", "请选择发放的户", field="recipients")
    if not warehouse.__class__.objects.restrict(actor, "view").filter(pk=warehouse.pk).exists():
        raise NotFound("relief.warehouse_outside", "仓库不存在或不在您的管辖范围内")
    quantity_each = _decimal(quantity_each, "quantity", "每户数量")
    unit_price = _decimal(unit_price, "unit_price", "单价")
    if quantity_each <= 0:
        raise DomainError("relief.quantity_zero", "每户数量须大于 0", field="quantity")
    if paid_on is None or paid_on > timezone.localdate():
        raise DomainError("relief.paid_on", "请填写发放日期（不晚于今天）", field="paid_on")
    checked = [_payable(actor, r) for r in recipients]
    programme = checked[0][0]
    if any(p.pk != programme.pk for p, _ in checked):
        raise DomainError("relief.mixed_programmes", "一次只能发放一个救助项目的物资", field="recipients")
    ledger = movement_reference(programme)
    value = (quantity_each * unit_price).quantize(CENT)
    if value <= 0:  # D03009 counts the goods at their value: a payment of 0 元 is no payment
        raise DomainError(
            "relief.goods_value_zero", "每户折款（数量 × 单价）须大于 0 元，请填写单价", field="unit_price"
        )
    payments = []
    for _, recipient in checked:
        payment = ReliefPayment(
            programme=programme,
            recipient=recipient,
            household_key=recipient.household_key,
            means=ReliefPayment.Means.GOODS,
            method=ReliefPayment.Method.GOODS,
            amount=value,
            paid_on=paid_on,
            reference=reference.strip(),
            item=item,
            warehouse=warehouse,
            quantity=quantity_each,
            unit_price=unit_price,
            paid_by=actor,
        )
        _record(payment)
        payments.append(payment)
    if per_household:
        for payment in payments:
            movements = supplies.stock_issue(
                actor=actor,
                warehouse=warehouse,
                item=item,
                quantity=quantity_each,
                reference=ledger,
                note=f"发放至 {payment.recipient.address}"[:200],
            )
            payment.movement = movements[0]
            payment.save(update_fields=["movement"])
    else:
        movements = supplies.stock_issue(
            actor=actor,
            warehouse=warehouse,
            item=item,
            quantity=quantity_each * len(payments),
            reference=ledger,
            note=f"批量发放 {len(payments)} 户，每户 {quantity_each}{item.unit}",
        )
        ReliefPayment.objects.filter(pk__in=[p.pk for p in payments]).update(movement=movements[0])
        for payment in payments:
            payment.movement = movements[0]
    _mark_disbursing(actor, programme)
    for payment in payments:
        audit_record(action="relief_give_goods", obj=payment, actor=actor, after=snapshot(payment))
    return payments


# ---------------------------------------------------------------- totals and the 应急统表10 export


@dataclass
class TotalsRow:
    name: str
    households: int = 0
    people: int = 0
    approved: Decimal = Decimal("0")
    cash: Decimal = Decimal("0")
    goods: Decimal = Decimal("0")

    def cells(self) -> list:
        money = [Decimal(v).quantize(CENT) for v in (self.approved, self.cash, self.goods)]
        return [self.name, self.households, self.people, *money]


TOTALS_HEADERS = [
    "乡镇（街道）",
    "救助户数",
    "救助人数",
    "核定金额（元）",
    "已发放救助款（元）",
    "已发放物资折款（元）",
]


def totals_by_township(programme: ReliefProgramme, user) -> tuple[list[TotalsRow], TotalsRow]:
    """Households, people and amounts of the listed households per township, and the programme's sum,
    counted in SQL over the rows `user` may see."""
    recipients = (
        ReliefRecipient.objects.restrict(user)
        .filter(programme=programme)
        .exclude(status__in=[R.Status.REJECTED, R.Status.REMOVED])
    )
    by_township: dict[str, TotalsRow] = {}
    names = dict(Region.objects.filter(parent_id=programme.region_id).values_list("code", "name"))
    names.update({programme.region_id: programme.region.name})

    def row_for(code: str) -> TotalsRow:
        township = code[:9] + "000"
        return by_township.setdefault(township, TotalsRow(names.get(township) or township))

    for row in recipients.values("region_id").annotate(n=Count("pk"), people=Sum("people"), approved=Sum("amount")):
        line = row_for(row["region_id"])
        line.households += row["n"]
        line.people += row["people"] or 0
        line.approved += row["approved"] or 0
    payments = ReliefPayment.objects.restrict(user).filter(programme=programme)
    for row in payments.values("recipient__region_id", "means").annotate(total=Sum("amount")):
        line = row_for(row["recipient__region_id"])
        if row["means"] == ReliefPayment.Means.CASH:
            line.cash += row["total"] or 0
        else:
            line.goods += row["total"] or 0
    rows = [by_township[k] for k in sorted(by_township)]
    total = TotalsRow("合计")
    for line in rows:
        total.households += line.households
        total.people += line.people
        total.approved += line.approved
        total.cash += line.cash
        total.goods += line.goods
    return rows, total


FORM10_HEADERS = [
    "D03001 户主姓名",
    "D03002 户主身份证号",
    "D03003 户主联系方式",
    "D03004 家庭类型",
    "D03005 家庭人口（人）",
    "D03006 家庭住址",
    "D03007 需救助人口（人）",
    "D03008 已发放救助款（元）",
    "D03009 已发放救助物资折款（元）",
    "D03010 救助资金发放形式",
]


def form10_rows(programme: ReliefProgramme, user) -> list[list]:
    """应急统表10 (受灾人员冬春生活政府救助人口一览表) rows, one per listed household, with names, ID
    numbers and phones as `user` may see them."""
    from anlan.core.masking import visible_value

    recipients = (
        ReliefRecipient.objects.restrict(user)
        .filter(programme=programme)
        .exclude(status__in=[R.Status.REJECTED, R.Status.REMOVED])
        .select_related("region")
        .defer("region__boundary")
        .prefetch_related("payments")
        .order_by("region", "pk")
    )
    rows = []
    for r in recipients:
        cash = sum((p.amount for p in r.payments.all() if p.means == ReliefPayment.Means.CASH), Decimal("0"))
        goods = sum((p.amount for p in r.payments.all() if p.means == ReliefPayment.Means.GOODS), Decimal("0"))
        methods = sorted({p.get_method_display() for p in r.payments.all()})
        rows.append(
            [
                visible_value(user, "name", r.head_name),
                visible_value(user, "id_number", r.id_number),
                visible_value(user, "phone", r.phone),
                r.get_household_type_display(),
                r.members,
                r.address,
                r.people,
                cash,
                goods,
                "、".join(methods),
            ]
        )
    return rows


def programmes_in_notice():
    """Programmes whose 公示 runs now (the public index)."""
    return (
        ReliefProgramme.objects.filter(status=S.NOTICE, notice_ends_at__gt=timezone.now())
        .select_related("region")
        .defer("region__boundary")
    )


__all__ = [
    "FLOW",
    "FORM10_HEADERS",
    "TOTALS_HEADERS",
    "Drawn",
    "Terms",
    "amount_for",
    "form10_rows",
    "give_goods",
    "household_key",
    "listed",
    "movement_reference",
    "notice_open",
    "objection_resolve",
    "objection_submit",
    "pay_cash",
    "programme_approve",
    "programme_close",
    "programme_create",
    "programme_publish",
    "programmes_in_notice",
    "recent_objections",
    "recipient_add",
    "recipient_set_amount",
    "recipients_from_registers",
    "recipients_from_roster",
    "reference_terms",
    "totals_by_township",
    "township_check",
    "village_review",
]
