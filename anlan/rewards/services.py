"""Writes of 12350 tips and rewards, each in one transaction and audited, and the public status lookup.

The tip record is made by the hazards tip page through the extension rewards registers there (public.py):
`tip_register` runs inside the page's transaction, after the hidden hazard is reported.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from anlan.core.audit import audit_record
from anlan.core.errors import Conflict, DomainError
from anlan.core.public import keyed_hash
from anlan.core.uploads import UploadRejected, check_upload

from . import clocks, rules
from .models import Reward, StatusQuery, Tip
from .workflow import REWARD, TIP

__all__ = [
    "AUDIT_ACTIONS",
    "DECIDED_CASE_STATES",
    "reward_compute",
    "reward_decide",
    "reward_pay",
    "status_lookup",
    "tip_accept",
    "tip_decline",
    "tip_register",
    "tip_verify",
    "year_statistics",
]

AUDIT_ACTIONS = {"tip_register": "登记12350举报", "reward_compute": "计算举报奖励"}
PUBLIC_ACTOR = "群众举报"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
# Penalty cases whose fine is decided (决定 and after): only those fines count for a reward.
DECIDED_CASE_STATES = ("decided", "served", "executing", "closed")


def _new_code() -> str:
    for _ in range(10):
        code = "JB" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not Tip.objects.filter(code=code).exists():
            return code
    raise DomainError("tip.code_exhausted", "生成查询码失败，请重试")


# ---------------------------------------------------------------- tips


def tip_register(*, hazard, claims_reward: bool, real_name="", id_number="", phone="", password="") -> Tip:
    """The 12350 record of a public tip just reported as `hazard` (called inside the tip page's transaction)."""
    received = timezone.localdate(hazard.created_at) if hazard.created_at else clocks.today()
    tip = Tip(
        hazard=hazard,
        region_id=hazard.region_id,
        code=_new_code(),
        password=make_password(password) if password else "",
        claims_reward=claims_reward,
        real_name=(real_name or "").strip() if claims_reward else "",
        id_number=(id_number or "").strip().upper() if claims_reward else "",
        phone=(phone or "").strip() if claims_reward else "",
        received_on=received,
        accept_due=clocks.accept_due(received),
    )
    tip.full_clean(exclude=["hazard", "region"])
    tip.save()
    audit_record(
        action="tip_register",
        obj=tip,
        actor=PUBLIC_ACTOR,
        after={"code": tip.code, "claims_reward": claims_reward, "accept_due": tip.accept_due.isoformat()},
    )
    return tip


def _locked(tip: Tip) -> Tip:
    return Tip.objects.select_for_update().get(pk=tip.pk)


@transaction.atomic
def tip_accept(*, actor, tip: Tip, on: dt.date | None = None) -> Tip:
    tip = _locked(tip)
    on = on or clocks.today()
    TIP.apply(actor, tip, "accept")
    tip.accepted_on, tip.verify_due, tip.handled_by = on, clocks.verify_due(on), actor
    tip.save(update_fields=["status", "accepted_on", "verify_due", "handled_by", "updated_at"])
    audit_record(
        action="tip_accept",
        obj=tip,
        actor=actor,
        after={"status": tip.status, "accepted_on": on.isoformat(), "verify_due": tip.verify_due.isoformat()},
    )
    return tip


@transaction.atomic
def tip_decline(*, actor, tip: Tip, reason: str) -> Tip:
    tip = _locked(tip)
    TIP.apply(actor, tip, "decline", reason=reason)
    tip.declined_reason, tip.handled_by = reason.strip(), actor
    tip.save(update_fields=["status", "declined_reason", "handled_by", "updated_at"])
    audit_record(action="tip_decline", obj=tip, actor=actor, after={"status": tip.status, "reason": reason.strip()})
    return tip


@transaction.atomic
def tip_verify(
    *,
    actor,
    tip: Tip,
    outcome: str,
    matter: str,
    findings: str = "",
    cases=(),
    concealed_deaths: int = 0,
    accident_grade: str = "",
    on: dt.date | None = None,
) -> Tip:
    """登记核查结论: the outcome, the matter, the penalty cases the tip led to (their fines count for the reward)
    and, for a concealed accident, the deaths confirmed and the accident's grade."""
    tip = _locked(tip)
    TIP.apply(actor, tip, "verify", outcome=outcome, matter=matter)
    concealed_deaths = int(concealed_deaths or 0)
    if matter == Tip.Matter.CONCEALED and concealed_deaths > 0 and not accident_grade:
        raise DomainError("tip.grade_required", "查实瞒报死亡人数时请选择瞒报事故的等级", field="accident_grade")
    if matter != Tip.Matter.CONCEALED and concealed_deaths:
        raise DomainError(
            "tip.deaths_not_concealment", "瞒报死亡人数只在举报事项为“瞒报、谎报事故”时填写", field="concealed_deaths"
        )
    if outcome == Tip.Outcome.FALSE and cases:
        raise DomainError("tip.false_with_cases", "举报不属实时不应关联由其查处的案件", field="cases")
    tip.outcome, tip.matter, tip.findings = outcome, matter, (findings or "").strip()
    tip.concealed_deaths = concealed_deaths
    tip.accident_grade = accident_grade if matter == Tip.Matter.CONCEALED else ""
    tip.verified_on, tip.handled_by = on or clocks.today(), actor
    tip.full_clean(exclude=["hazard", "region", "cases", "code"])
    tip.save()
    tip.cases.set(cases)
    audit_record(
        action="tip_verify",
        obj=tip,
        actor=actor,
        after={
            "outcome": outcome,
            "matter": matter,
            "cases": sorted(c.pk for c in cases),
            "concealed_deaths": concealed_deaths,
            "accident_grade": tip.accident_grade,
            "verified_on": tip.verified_on.isoformat(),
        },
    )
    return tip


# ---------------------------------------------------------------- rewards


def _computed(tip: Tip) -> rules.Computed:
    cases = list(tip.cases.all())
    # One reward per matter (standards.md §25.3): a case's fine already counting for another tip's reward
    # (not refused) is not rewarded again.
    taken = (
        Reward.objects.filter(tip__cases__in=[c.pk for c in cases])
        .exclude(tip=tip)
        .exclude(status=Reward.Status.REFUSED)
        .select_related("tip")
        .first()
    )
    if taken is not None:
        raise Conflict(
            "reward.case_rewarded",
            f"关联案件的罚款已计入举报 {taken.tip.code} 的奖励：同一事项只奖励一次（先受理的实名举报人）",
        )
    pending = [c for c in cases if c.status not in DECIDED_CASE_STATES]
    if pending:
        names = "、".join(c.title for c in pending)
        raise DomainError(
            "reward.case_undecided", f"关联案件尚未作出处罚决定，罚款未定，暂不能计算奖励：{names}", field="cases"
        )
    return rules.compute(
        outcome=tip.outcome,
        matter=tip.matter,
        fines=[c.fine_yuan for c in cases],
        concealed_deaths=tip.concealed_deaths,
        accident_grade=tip.accident_grade,
        rules=rules.rules_from_settings(),
    )


def reward_preview(tip: Tip) -> rules.Computed | None:
    """What the reward would be now (None when the tip is not at that point)."""
    if tip.status != Tip.Status.VERIFIED:
        return None
    try:
        return _computed(tip)
    except DomainError:
        return None


@transaction.atomic
def reward_compute(*, actor, tip: Tip, on: dt.date | None = None) -> Reward:
    """计算: the one reward of a verified tip whose reporter claimed it, from its cases' fines or concealed deaths."""
    tip = _locked(tip)
    if not (getattr(actor, "is_superuser", False) or getattr(actor, "role", "") in Reward.write_roles):
        raise DomainError("reward.role_not_allowed", "举报奖励由县级人员计算", status=403)
    if Reward.objects.filter(tip=tip).exists():
        raise Conflict("reward.exists", "该举报已计算奖励：同一举报只奖励一次")
    if not tip.claims_reward:
        raise DomainError("reward.not_claimed", "举报人未申请奖励")
    if tip.status != Tip.Status.VERIFIED:
        raise DomainError("reward.not_verified", "举报核查完毕后才能计算奖励")
    computed = _computed(tip)
    if not computed.due:
        raise DomainError("reward.nothing_due", "；".join(computed.lines))
    reward = Reward.objects.create(
        tip=tip,
        amount_yuan=computed.amount,
        fine_yuan=computed.fine,
        explanation="\n".join(computed.lines),
        computed_on=on or clocks.today(),
        computed_by=actor,
    )
    audit_record(
        action="reward_compute",
        obj=reward,
        actor=actor,
        after={"amount_yuan": str(computed.amount), "fine_yuan": str(computed.fine), "lines": list(computed.lines)},
    )
    return reward


@transaction.atomic
def reward_decide(*, actor, reward: Reward, approve: bool, opinion: str = "", on: dt.date | None = None) -> Reward:
    """审批: 批准 (opinion optional) or 不予奖励 (the reason required)."""
    reward = Reward.objects.select_for_update().get(pk=reward.pk)
    action = "approve" if approve else "refuse"
    REWARD.apply(actor, reward, action, reason=opinion)
    reward.decided_on, reward.decided_by, reward.opinion = on or clocks.today(), actor, (opinion or "").strip()
    reward.save(update_fields=["status", "decided_on", "decided_by", "opinion", "updated_at"])
    audit_record(
        action=f"reward_{action}",
        obj=reward,
        actor=actor,
        after={"status": reward.status, "opinion": reward.opinion, "decided_on": reward.decided_on.isoformat()},
    )
    return reward


@transaction.atomic
def reward_pay(*, actor, reward: Reward, paid_on, method: str, voucher, note: str = "") -> Reward:
    """发放: the date, the method and the voucher (a photo or PDF, checked by content)."""
    reward = Reward.objects.select_for_update().get(pk=reward.pk)
    REWARD.apply(actor, reward, "pay", paid_on=paid_on, method=method, voucher=voucher)
    if paid_on > clocks.today():
        raise DomainError("reward.paid_in_future", "发放日期不能晚于今天", field="paid_on")
    if reward.decided_on and paid_on < reward.decided_on:
        raise DomainError("reward.paid_before_approval", "发放日期不能早于批准日期", field="paid_on")
    try:
        checked = check_upload(voucher, images_only=False)
    except UploadRejected as exc:
        raise DomainError("reward.voucher_rejected", str(exc), field="voucher") from None
    reward.paid_on, reward.method, reward.payment_note, reward.paid_by = paid_on, method, (note or "").strip(), actor
    reward.voucher.save(checked.stored_name, checked.as_file(), save=False)
    reward.save()
    audit_record(
        action="reward_pay",
        obj=reward,
        actor=actor,
        after={
            "status": reward.status,
            "paid_on": paid_on.isoformat(),
            "method": method,
            "voucher": checked.display_name,
        },
    )
    return reward


# ---------------------------------------------------------------- the public status page


class LookupRefused(Exception):
    """Too many lookups from this address, or too many wrong passwords on this code, in the last hour."""


def _rate() -> int:
    return int(getattr(settings, "ANLAN_TIP_STATUS_RATE_PER_HOUR", 10))


def _wrong_per_code() -> int:
    return int(getattr(settings, "ANLAN_TIP_STATUS_WRONG_PER_CODE", 5))


def status_lookup(*, key: str, code: str, password: str) -> Tip | None:
    """The tip with this code and password, or None (the same answer whether the code exists or not).
    LookupRefused past the limits; every lookup is counted, in its own transaction."""
    code = (code or "").strip().upper()
    code_key = keyed_hash("tip-code:" + code)
    since = timezone.now() - dt.timedelta(hours=1)
    StatusQuery.objects.filter(at__lt=since).delete()
    recent = StatusQuery.objects.filter(at__gte=since)
    if recent.filter(submitted_from=key).count() >= _rate():
        raise LookupRefused("查询次数过多，请一小时后再试")
    if recent.filter(code_key=code_key, found=False).count() >= _wrong_per_code():
        raise LookupRefused("该查询码密码错误次数过多，请一小时后再试")
    tip = Tip.objects.filter(code=code).exclude(password="").select_related("reward").first()
    found = tip is not None and check_password(password or "", tip.password)
    if tip is None:
        make_password(password or "")  # the same time whether the code exists or not
    StatusQuery.objects.create(submitted_from=key, code_key=code_key, found=found)
    return tip if found else None


# ---------------------------------------------------------------- statistics


def year_statistics(tips) -> list[dict]:
    """Per year of receipt: tips, verified (属实 or 部分属实), reward claims, rewards paid and their amount —
    two grouped queries over the user's restricted tips."""
    by_year: dict[int, dict] = {}
    counted = (
        tips.order_by()
        .values("received_on__year")
        .annotate(
            tips=Count("id"),
            verified=Count("id", filter=Q(outcome__in=[Tip.Outcome.TRUE, Tip.Outcome.PARTLY])),
            claims=Count("id", filter=Q(claims_reward=True)),
        )
    )
    for row in counted:
        by_year[row["received_on__year"]] = {
            "year": row["received_on__year"],
            "tips": row["tips"],
            "verified": row["verified"],
            "claims": row["claims"],
            "paid": 0,
            "amount": 0,
        }
    paid = (
        Reward.objects.filter(tip__in=tips.order_by().values("pk"), status=Reward.Status.PAID)
        .order_by()
        .values("tip__received_on__year")
        .annotate(paid=Count("id"), amount=Sum("amount_yuan"))
    )
    for row in paid:
        entry = by_year.get(row["tip__received_on__year"])
        if entry is not None:
            entry["paid"], entry["amount"] = row["paid"], row["amount"] or 0
    return [by_year[y] for y in sorted(by_year, reverse=True)]
