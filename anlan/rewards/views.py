"""Pages of 12350 举报奖励: the tip list and detail (registry kit), the handling steps (受理, 不予受理, 核查),
the reward's steps (计算, 审批, 发放 with its voucher), the statistics by year, and the public status page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from anlan.core import converters  # noqa: F401  (rowid)
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, ModelConfig, register, register_link
from anlan.core.panels import register_panel
from anlan.core.public import address_key, client_ip, with_fresh_challenge
from anlan.core.roles import role_allows
from anlan.core.uploads import serve_upload
from anlan.enforcement.models import PenaltyCase

from . import clocks, rules, services
from .filters import RewardFilterSet, TipFilterSet
from .forms import DecideForm, PayForm, ReasonForm, VerifyForm
from .models import READERS, Reward, Tip
from .public import StatusForm
from .workflow import REWARD, TIP

GROUP = "企业与风险"
ORDER = 34


def _may_compute(user, tip) -> bool:
    return (
        tip.status == Tip.Status.VERIFIED
        and tip.claims_reward
        and tip.outcome in (Tip.Outcome.TRUE, Tip.Outcome.PARTLY)
        and not Reward.objects.filter(tip=tip).exists()
        and role_allows(user, "add", Reward)
    )


TIP_ACCEPTED = frozenset({Tip.Status.ACCEPTED, Tip.Status.VERIFIED})
TIP_VERIFIED = frozenset({Tip.Status.VERIFIED})
REWARD_DECIDED = frozenset({Reward.Status.APPROVED, Reward.Status.PAID, Reward.Status.REFUSED})
REWARD_PAID = frozenset({Reward.Status.PAID})


def _concealed(tip) -> bool:
    return tip.status == Tip.Status.VERIFIED and tip.matter == Tip.Matter.CONCEALED


TIPS = register(
    ModelConfig(
        model=Tip,
        list_columns=[
            "code",
            "hazard",
            "region",
            "received_on",
            "status",
            "deadline",
            "claims_reward",
            "reward_status",
        ],
        form_fields=(),  # made by the public tip page, changed only by the handling steps (services.py)
        detail_fields=[
            *("code", "hazard", "region", "status", "received_on", "accept_due", "accepted_on", "verify_due"),
            *("declined_reason", "verified_on", "outcome", "matter", "findings", "cases", "concealed_deaths"),
            *("accident_grade", "claims_reward", "real_name", "id_number", "phone", "handled_by"),
            *("reward_amount", "reward_decision", "reward_payment"),
        ],
        # Each stage's rows appear with the stage: a tip being verified shows no empty 核查结论, a claim not yet
        # computed no 奖励金额, an approved reward no 发放 row.
        fields_by_status={
            "accepted_on": TIP_ACCEPTED,
            "verify_due": TIP_ACCEPTED,
            "declined_reason": frozenset({Tip.Status.DECLINED}),
            **dict.fromkeys(("verified_on", "outcome", "matter", "findings", "cases"), TIP_VERIFIED),
            "concealed_deaths": _concealed,
            "accident_grade": _concealed,
            **dict.fromkeys(("real_name", "id_number", "phone"), lambda tip: tip.claims_reward),
            "handled_by": lambda tip: tip.status != Tip.Status.RECEIVED,  # set by the first step
            "reward_amount": lambda tip: bool(tip.reward_amount),
            "reward_decision": lambda tip: bool(tip.reward_decision),
            "reward_payment": lambda tip: bool(tip.reward_payment),
        },
        filterset_class=TipFilterSet,
        search_fields=["code"],
        selector=lambda qs: qs.select_related("hazard", "region", "reward", "handled_by").prefetch_related(
            Prefetch("cases", queryset=PenaltyCase.objects.order_by("pk"))
        ),
        sortable=["received_on", "accept_due", "verify_due"],
        extra_labels={
            "deadline": "办理期限",
            "reward_status": "奖励",
            "reward_amount": "奖励金额",
            "reward_decision": "奖励审批",
            "reward_payment": "奖励发放",
        },
        detail_links=[
            ("受理", "rewards:tip_accept", TIP.offers("accept")),
            ("不予受理", "rewards:tip_decline", TIP.offers("decline")),
            ("登记核查结论", "rewards:tip_verify", TIP.offers("verify")),
            ("计算奖励", "rewards:tip_compute", _may_compute),
        ],
        importable=False,
        menu_group=GROUP,
        menu_label="12350举报",
        menu_order=ORDER,
        icon="☎",
    )
)

REWARDS = register(
    ModelConfig(
        model=Reward,
        list_columns=["tip", "amount_text", "status", "computed_on", "decided_on", "paid_on", "method"],
        form_fields=(),  # computed, decided and paid through services.py (audited steps)
        detail_fields=[
            *("tip", "status", "amount_text", "fine_text", "explanation", "computed_on", "computed_by"),
            *("decided_on", "decided_by", "opinion", "paid_on", "method", "payment_note", "paid_by"),
        ],
        fields_by_status={
            **dict.fromkeys(("decided_on", "decided_by", "opinion"), REWARD_DECIDED),
            **dict.fromkeys(("paid_on", "method", "payment_note", "paid_by"), REWARD_PAID),
        },
        # Excel keeps the amounts as numbers (元); the pages show them as "18,750 元" (amount_text).
        export_fields=[
            *("tip", "status", "amount_yuan", "fine_yuan", "explanation", "computed_on", "computed_by"),
            *("decided_on", "decided_by", "opinion", "paid_on", "method", "payment_note", "paid_by"),
        ],
        filterset_class=RewardFilterSet,
        selector=lambda qs: qs.select_related("tip", "computed_by", "decided_by", "paid_by"),
        sortable=["computed_on", "paid_on"],
        extra_labels={"amount_text": "奖励金额", "fine_text": "计奖罚款"},
        detail_links=[
            ("审批", "rewards:reward_decide", lambda u, r: REWARD.can(u, r, "approve") or REWARD.can(u, r, "refuse")),
            ("登记发放", "rewards:reward_pay", REWARD.offers("pay")),
            ("查看发放凭证", "rewards:reward_voucher", lambda user, reward: bool(reward.voucher)),
        ],
        importable=False,
        menu_group=GROUP,
        menu_order=ORDER,
        icon="￥",
    )
)

register_link(MenuLink(GROUP, "举报奖励统计", "rewards:statistics", Tip, "view", ORDER, regional=True))


def _tip(request, pk, action="change") -> Tip:
    if not role_allows(request.user, action, Tip):
        raise PermissionDenied("您的角色无权办理举报")
    return get_object_or_404(Tip.objects.restrict(request.user, action).select_related("hazard", "region"), pk=pk)


def _reward(request, pk, *actions) -> Reward:
    """The reward, for a user whose role may take one of `actions` (its state is the service's to check)."""
    if not role_allows(request.user, "change", Reward):
        raise PermissionDenied("举报奖励由县级人员办理")
    reward = get_object_or_404(Reward.objects.restrict(request.user, "change").select_related("tip"), pk=pk)
    if not any(REWARD.may(request.user, reward, REWARD[action]) for action in actions):
        who = REWARD[actions[0]].who
        raise PermissionDenied(f"“{REWARD[actions[0]].label}”须由{who}办理")
    return reward


def _step_page(request, tip, title, form, note=""):
    return render(
        request,
        "rewards/step.html",
        {"tip": tip, "title": title, "form": form, "note": note, "back": TIPS.reverse("detail", tip.pk)},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def tip_accept(request, pk):
    """受理: the 核查 clock starts (ANLAN_TIP_VERIFY_DAYS)."""
    tip = _tip(request, pk)
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        with shown_on(form) as outcome:
            services.tip_accept(actor=request.user, tip=tip)
        if outcome.ok:
            messages.success(request, f"已受理，核查期限 {clocks.verify_due(clocks.today()):%Y-%m-%d}")
            return redirect(TIPS.reverse("detail", tip.pk))
    note = clocks.VERIFY_NOTE.format(n=clocks.verify_days())
    return _step_page(request, tip, "受理举报", form, note)


@login_required
def tip_decline(request, pk):
    tip = _tip(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            services.tip_decline(actor=request.user, tip=tip, reason=form.cleaned_data["reason"])
        if outcome.ok:
            messages.success(request, "已登记不予受理")
            return redirect(TIPS.reverse("detail", tip.pk))
    return _step_page(request, tip, "不予受理", form, "不予受理的理由将在查询页向举报人反馈。")


@login_required
def tip_verify(request, pk):
    """登记核查结论 with the penalty cases the tip led to (those of the tip's area the user may read)."""
    tip = _tip(request, pk)
    cases = (
        PenaltyCase.objects.restrict(request.user)
        .filter(region__code__startswith=tip.region_id[:9])
        .order_by("-opened_on", "-id")
    )
    form = VerifyForm(request.POST or None, cases=cases)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with shown_on(form) as outcome:
            services.tip_verify(
                actor=request.user,
                tip=tip,
                outcome=d["outcome"],
                matter=d["matter"],
                findings=d["findings"],
                cases=list(d["cases"]),
                concealed_deaths=d["concealed_deaths"] or 0,
                accident_grade=d["accident_grade"],
            )
        if outcome.ok:
            messages.success(request, "核查结论已登记")
            return redirect(TIPS.reverse("detail", tip.pk))
    note = "罚款以关联案件的处罚决定为准（案件须已作出处罚决定）；瞒报、谎报事故按查实的瞒报死亡人数计奖。"
    return _step_page(request, tip, "登记核查结论", form, note)


@login_required
def tip_compute(request, pk):
    """计算奖励: the amount and its explanation lines, then 审批 by the county's leader."""
    tip = _tip(request, pk)
    if not role_allows(request.user, "add", Reward):
        raise PermissionDenied("举报奖励由县级人员计算")
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        with shown_on(form) as outcome:
            reward = services.reward_compute(actor=request.user, tip=tip)
        if outcome.ok:
            messages.success(request, f"奖励已计算：{rules.yuan(reward.amount_yuan)}，待审批")
            return redirect(REWARDS.reverse("detail", reward.pk))
    preview = services.reward_preview(tip)
    return render(
        request,
        "rewards/compute.html",
        {
            "tip": tip,
            "form": form,
            "preview": preview,
            "amount": rules.yuan(preview.amount) if preview else "",
            "source_note": rules.SOURCE_NOTE,
            "back": TIPS.reverse("detail", tip.pk),
        },
        status=400 if form.errors else 200,
    )


@login_required
def reward_decide(request, pk):
    reward = _reward(request, pk, "approve", "refuse")
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        with shown_on(form, "opinion") as outcome:
            services.reward_decide(
                actor=request.user, reward=reward, approve=approve, opinion=form.cleaned_data["opinion"]
            )
        if outcome.ok:
            messages.success(request, "已批准奖励，待发放" if approve else "已决定不予奖励")
            return redirect(REWARDS.reverse("detail", reward.pk))
    return render(
        request,
        "rewards/reward_step.html",
        {
            "reward": reward,
            "title": "审批举报奖励",
            "form": form,
            "amount": rules.yuan(reward.amount_yuan),
            "submit": "提交审批结论",
        },
        status=400 if form.errors else 200,
    )


@login_required
def reward_pay(request, pk):
    reward = _reward(request, pk, "pay")
    form = PayForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with shown_on(form) as outcome:
            services.reward_pay(
                actor=request.user,
                reward=reward,
                paid_on=d["paid_on"],
                method=d["method"],
                voucher=d["voucher"],
                note=d["note"],
            )
        if outcome.ok:
            messages.success(request, f"已登记发放 {rules.yuan(reward.amount_yuan)}")
            return redirect(REWARDS.reverse("detail", reward.pk))
    return render(
        request,
        "rewards/reward_step.html",
        {
            "reward": reward,
            "title": "登记奖励发放",
            "form": form,
            "amount": rules.yuan(reward.amount_yuan),
            "upload": True,
            "submit": "登记发放",
        },
        status=400 if form.errors else 200,
    )


@login_required
def reward_voucher(request, pk):
    if not role_allows(request.user, "view", Reward):
        raise PermissionDenied
    reward = get_object_or_404(Reward.objects.restrict(request.user).select_related("tip"), pk=pk)
    return serve_upload(reward.voucher, f"奖励发放凭证_{reward.tip.code}")


@login_required
def statistics(request):
    """举报奖励统计 by year of receipt: tips, verified, claims, rewards paid and their amount."""
    if not role_allows(request.user, "view", Tip):
        raise PermissionDenied
    rows = services.year_statistics(Tip.objects.restrict(request.user))
    for row in rows:
        row["amount_text"] = rules.yuan(row["amount"])
        row["list_url"] = f"{TIPS.reverse('list')}?year={row['year']}"
    return render(request, "rewards/statistics.html", {"rows": rows})


# ---------------------------------------------------------------- the public status page (no login)


def public_status(request):
    """举报办理进度查询: the query code and password show the progress; nothing with a wrong pair."""
    form, status, tip = None, 200, None
    if request.method == "POST":
        form = StatusForm(request.POST)
        if form.is_valid():
            key = address_key(client_ip(request))
            try:
                tip = services.status_lookup(
                    key=key, code=form.cleaned_data["code"], password=form.cleaned_data["password"]
                )
            except services.LookupRefused as exc:
                form.add_error(None, str(exc))
                status = 429
            else:
                if tip is None:
                    form.add_error(None, "查询码或查询密码不正确")
                    status = 400
        else:
            status = 400
    if tip is not None:
        return render(request, "rewards/public_status.html", {"tip": tip, "progress": _progress(tip)})
    form = with_fresh_challenge(StatusForm, form)
    return render(request, "rewards/public_status_form.html", {"form": form}, status=status)


def _progress(tip: Tip) -> list[tuple[str, str]]:
    """What the reporter may read: the dates and states of the handling and of the reward, never the
    handler's notes, the cases' parties or anyone's identity."""
    rows = [("查询码", tip.code), ("举报事项", tip.hazard.title), ("收到日期", f"{tip.received_on:%Y-%m-%d}")]
    rows.append(("办理状态", tip.get_status_display()))
    if tip.status == Tip.Status.RECEIVED:
        rows.append(("受理期限", f"{tip.accept_due:%Y-%m-%d}"))
    if tip.accepted_on:
        rows.append(("受理日期", f"{tip.accepted_on:%Y-%m-%d}"))
    if tip.status == Tip.Status.ACCEPTED and tip.verify_due:
        rows.append(("核查期限", f"{tip.verify_due:%Y-%m-%d}"))
    if tip.status == Tip.Status.DECLINED:
        rows.append(("不予受理理由", tip.declined_reason))
    if tip.verified_on:
        rows.append(("核查日期", f"{tip.verified_on:%Y-%m-%d}"))
        rows.append(("核查结论", tip.get_outcome_display()))
    if tip.claims_reward:
        rows.append(("奖励", _reward_progress(tip)))
    return rows


def _reward_progress(tip: Tip) -> str:
    try:
        reward = tip.reward
    except Reward.DoesNotExist:
        if tip.status == Tip.Status.VERIFIED and tip.outcome == Tip.Outcome.FALSE:
            return "举报经核查不属实，不予奖励"
        if tip.status == Tip.Status.DECLINED:
            return "举报未受理，不予奖励"
        return "已申请，核查属实后计算"
    if reward.status == Reward.Status.COMPUTED:
        return "已计算，待审批"
    if reward.status == Reward.Status.APPROVED:
        return f"已批准 {rules.yuan(reward.amount_yuan)}，待发放（将通过您登记的电话联系领取）"
    if reward.status == Reward.Status.PAID:
        return f"已于 {reward.paid_on:%Y-%m-%d} 发放 {rules.yuan(reward.amount_yuan)}"
    return f"不予奖励：{reward.opinion}"


# ---------------------------------------------------------------- panels


def _reward_panel(request, tip):
    """On the tip's detail: the clocks' sources and the reward (or what it would be) with its explanation."""
    if not role_allows(request.user, "view", Tip):
        return None
    try:
        reward = tip.reward
    except Reward.DoesNotExist:
        reward = None
    preview = services.reward_preview(tip) if reward is None and tip.claims_reward else None
    return "rewards/_tip_panel.html", {
        "tip": tip,
        "reward": reward,
        "reward_url": REWARDS.reverse("detail", reward.pk) if reward else "",
        "amount": rules.yuan(reward.amount_yuan) if reward else "",
        "preview": preview,
        "preview_amount": rules.yuan(preview.amount) if preview else "",
        "clock_notes": clocks.notes(),
        "source_note": rules.SOURCE_NOTE,
    }


def _hazard_panel(request, hazard):
    """On a hidden hazard that came from a public tip: the link to its 12350 record, for its handlers."""
    if getattr(request.user, "role", "") not in READERS and not request.user.is_superuser:
        return None
    tip = Tip.objects.restrict(request.user).filter(hazard=hazard).first()
    if tip is None:
        return None
    return "rewards/_hazard_panel.html", {"tip": tip, "url": TIPS.reverse("detail", tip.pk)}


register_panel("rewards.tip", _reward_panel, order=10)
register_panel("hazards.hiddenhazard", _hazard_panel, order=60)
