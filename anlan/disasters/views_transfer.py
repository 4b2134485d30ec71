"""避险转移 pages: the phone page of the 包保责任人 (我的转移任务), the township/county board of open
activations with their rates, an activation's households, and the panels drawn on the warning, the
incident workspace and the hazard site (core.panels)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from anlan.core.audit import audit_record
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, display_value, register_link
from anlan.core.panels import register_panel
from anlan.core.regioncodes import township_of
from anlan.core.roles import role_allows
from anlan.incidents.models import Incident
from anlan.resources.models import Shelter
from anlan.sites.models import HazardSite, Household

from . import transfer
from .models import TransferActivation, TransferMark

State = TransferMark.State
STATE_BUTTONS = [
    (State.TRANSFERRED, "已转移", "primary"),
    (State.REFUSED, "拒绝转移", "danger"),
    (State.AWAY, "外出", ""),
    (State.RETURNED, "已返回", ""),
]

register_link(
    MenuLink(
        "灾情与救助", "我的转移任务", "transfer:my_tasks", TransferActivation, "view", 84, roles=transfer.MARK_ROLES
    )
)
register_link(MenuLink("灾情与救助", "避险转移", "transfer:board", TransferActivation, "view", 85, regional=True))


class MarkForm(forms.Form):
    state = forms.ChoiceField(choices=State.choices)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(required=False, max_length=200)
    shelter = forms.IntegerField(required=False)


def _shelters_near(site) -> list[Shelter]:
    """Shelters a household of `site` may check into: the site's own, then the open or ready shelters of
    its township (capacity is checked at check-in, not here)."""
    usable = [Shelter.Status.READY, Shelter.Status.OPEN]
    qs = Shelter.objects.filter(Q(pk=site.shelter_id) | Q(region__pk__startswith=township_of(site.region_id)[:9]))
    return sorted(qs.filter(status__in=usable), key=lambda s: (s.pk != site.shelter_id, s.name))


def _household_rows(user, activation, households, latest, *, full_phone=False):
    """One row per household; `full_phone` shows the whole number (the 包保责任人 must be able to dial it),
    otherwise the phone as the user's role may see it."""
    rows = []
    for h in households:
        last = latest.get((activation.pk, h.pk))
        phone = h.phone if full_phone else display_value(h, "phone", user)
        rows.append({"household": h, "phone": phone, "last": last})
    return rows


def _audit_full_phones(user, rows) -> None:
    """One audit entry per page view naming the households whose full phone it showed (as full ID numbers
    are noted: core.masking.note_full_id_view)."""
    shown = sorted({row["household"].pk for row in rows if row["phone"]})
    if shown:
        audit_record(
            action="view_phone", model=Household, actor=user, after={"page": "我的转移任务", "households": shown}
        )


def _pending(last) -> bool:
    """Still to be reached: not marked, refused, or gone back (the 工作台's 未转移户)."""
    return last is None or last.state not in (State.TRANSFERRED, State.AWAY)


@login_required
def my_tasks(request):
    """我的转移任务 (phone first): each open activation of the sites whose households this user may mark,
    each household with big buttons, those still to be reached first; the position comes from the
    browser."""
    user = request.user
    if not transfer.may_mark(user):
        raise PermissionDenied("您的角色不负责避险转移")
    activations = list(transfer.my_activations(user))
    latest = transfer.latest_marks(a.pk for a in activations)
    rates = transfer.activation_rates(activations)
    households = transfer.markable_households(user).filter(site_id__in={a.site_id for a in activations})
    by_site = {}
    for h in households.select_related("region").order_by("-vulnerable", "head_name"):
        by_site.setdefault(h.site_id, []).append(h)
    cards = []
    shown = []
    for a in activations:
        # Every household listed here is one the user guards or may mark in an open activation: he calls
        # the family, so the number is whole; the view is audited below.
        rows = _household_rows(user, a, by_site.get(a.site_id, []), latest, full_phone=True)
        shown += rows
        rows.sort(key=lambda row: not _pending(row["last"]))  # stable: vulnerable first within each group
        cards.append({"activation": a, "rate": rates[a.pk], "rows": rows, "shelters": _shelters_near(a.site)})
    _audit_full_phones(user, shown)
    context = {
        "cards": cards,
        "buttons": STATE_BUTTONS,
        "total": transfer.total(rates.values()),
        # What the 工作台 item "我负责的未转移户" counts (transfer.my_pending_households).
        "transfer_rows": sum(_pending(row["last"]) for card in cards for row in card["rows"]),
    }
    return render(request, "disasters/transfer_my_tasks.html", context)


@login_required
@require_POST
def mark(request, pk, household_pk):
    user = request.user
    if not transfer.may_mark(user):
        raise PermissionDenied("您的角色不负责避险转移")
    activation = get_object_or_404(transfer.my_activations(user), pk=pk)
    household = get_object_or_404(transfer.markable_households(user), pk=household_pk)
    form = MarkForm(request.POST)
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("transfer:my_tasks")
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    d = form.cleaned_data
    shelter = None
    if d["shelter"]:
        shelter = next((s for s in _shelters_near(activation.site) if s.pk == d["shelter"]), None)
        if shelter is None:
            messages.error(request, "所选避难场所不存在或当前不可用")
            return redirect(back)
    with shown_on(request) as outcome:
        new = transfer.mark(
            actor=user,
            activation=activation,
            household=household,
            state=d["state"],
            lon=d["lon"],
            lat=d["lat"],
            note=d["note"],
            shelter=shelter,
        )
    if outcome.ok:
        where = "" if new.lon is not None else "（未取得位置）"
        into = f"，已入住{shelter}" if shelter else ""
        messages.success(request, f"{household.head_name}户：{new.get_state_display()}{into}{where}")
    return redirect(f"{back}#household-{household.pk}")


@login_required
def board(request):
    """Open activations in scope with their rates — those below 100 % first, in their own table — by
    township, and the lists opened by hand."""
    user = request.user
    if not role_allows(user, "view", TransferActivation):
        raise PermissionDenied("您无权查看避险转移")
    open_ = TransferActivation.objects.restrict(user).filter(status=TransferActivation.Status.OPEN)
    activations = list(
        open_.select_related("site", "site__region", "warning", "incident").defer("site__region__boundary")
    )
    rates = transfer.activation_rates(activations)
    recent = list(
        TransferActivation.objects.restrict(user)
        .filter(status=TransferActivation.Status.CLOSED)
        .select_related("site", "site__region")
        .defer("site__region__boundary")[:20]
    )
    sites = []
    if transfer.may_open(user):
        sites = list(
            HazardSite.objects.restrict(user)
            .filter(status=HazardSite.Status.ACTIVE, households__active=True)
            .exclude(transfer_activations__status=TransferActivation.Status.OPEN)
            .distinct()
            .select_related("region")
        )
    context = {
        "rows": [(a, rates[a.pk]) for a in activations if not rates[a.pk].complete],
        "done_rows": [(a, rates[a.pk]) for a in activations if rates[a.pk].complete],
        "open_count": len(activations),
        "townships": transfer.rates_by_township(activations),
        "total": transfer.total(rates.values()),
        "recent": recent,
        "sites": sites,
        "may_open": transfer.may_open(user),
        # What the 工作台 item "避险转移未完成" counts (transfer.incomplete_open_activations).
        "transfer_rows": sum(not rate.complete for rate in rates.values()),
    }
    return render(request, "disasters/transfer_board.html", context)


@login_required
def activation_detail(request, pk):
    user = request.user
    activation = get_object_or_404(
        TransferActivation.objects.restrict(user)
        .select_related("site", "site__region", "warning", "incident")
        .defer("site__region__boundary"),
        pk=pk,
    )
    latest = transfer.latest_marks([activation.pk])
    households = Household.objects.restrict(user).filter(site=activation.site, active=True).select_related("guardian")
    marks = (
        TransferMark.objects.restrict(user)
        .filter(activation=activation)
        .select_related("household", "shelter_check__shelter")[:200]
    )
    context = {
        "activation": activation,
        "rate": transfer.activation_rates([activation])[activation.pk],
        "rows": _household_rows(user, activation, households, latest),
        "marks": marks,
        "may_open": transfer.may_open(user),
    }
    return render(request, "disasters/transfer_activation.html", context)


@login_required
@require_POST
def open_site(request):
    user = request.user
    if not transfer.may_open(user):
        raise PermissionDenied("只有乡镇（街道）和县级人员可以启动避险转移")
    site = get_object_or_404(HazardSite.objects.restrict(user), pk=request.POST.get("site") or 0)
    reason = request.POST.get("reason", "").strip()
    with shown_on(request) as outcome:
        activation, _ = transfer.open_activation(
            actor=user, site=site, source=TransferActivation.Source.MANUAL, reason=reason or "人工启动"
        )
    if outcome.ok:
        messages.success(request, f"已启动“{site}”的避险转移，包保责任人可在手机“我的转移任务”中逐户标记")
        return redirect("transfer:activation", pk=activation.pk)
    return redirect("transfer:board")


@login_required
@require_POST
def close(request, pk):
    activation = get_object_or_404(TransferActivation.objects.restrict(request.user), pk=pk)
    with shown_on(request) as outcome:
        closed = transfer.close_activation(actor=request.user, activation=activation)
    if outcome.ok:
        out = closed.checked_out
        left = f"，仍在避难场所的 {len(out)} 户 {sum(c.people for c, _ in out)} 人已登记离开" if out else ""
        messages.success(request, f"“{activation.site}”的避险转移已结束{left}")
    return redirect("transfer:activation", pk=activation.pk)


@login_required
@require_POST
def open_incident(request, pk):
    incident = get_object_or_404(Incident.objects.restrict(request.user), pk=pk)
    with shown_on(request) as outcome:
        opened = transfer.open_for_incident(actor=request.user, incident=incident)
    if outcome.ok:
        text = f"已为事发乡镇启动 {opened} 处隐患点的避险转移" if opened else "事发乡镇没有可新启动转移的隐患点"
        messages.success(request, text)
    return redirect(reverse("incidents:workspace", kwargs={"pk": incident.pk}))


# ---------------------------------------------------------------- panels on lower apps' pages


def _rates_panel(request, activations, **extra):
    activations = list(activations.select_related("site", "site__region").defer("site__region__boundary"))
    rates = transfer.activation_rates(activations)
    return {
        "rows": [(a, rates[a.pk]) for a in activations],
        "townships": transfer.rates_by_township(activations),
        "total": transfer.total(rates.values()),
        **extra,
    }


def warning_panel(request, warning):
    """The live transfer rate of the warning (its CAP chain), per site and township."""
    user = request.user
    if not role_allows(user, "view", TransferActivation):
        return None
    activations = TransferActivation.objects.restrict(user).filter(warning_id__in=transfer.warning_family(warning))
    if not activations.exists():
        return None
    return "disasters/_transfer_panel.html", _rates_panel(request, activations, title="避险转移（本预警）")


def incident_panel(request, incident):
    user = request.user
    if not role_allows(user, "view", TransferActivation):
        return None
    linked = transfer.activations_of_incident(incident).values("pk")
    activations = TransferActivation.objects.restrict(user).filter(pk__in=linked)
    may_open = transfer.may_open(user) and transfer.sites_for_incident(incident).exists()
    if not activations.exists() and not may_open:
        return None
    context = _rates_panel(request, activations, title="避险转移（本事件）")
    context["open_url"] = reverse("transfer:open_incident", kwargs={"pk": incident.pk}) if may_open else ""
    return "disasters/_transfer_panel.html", context


def site_panel(request, site):
    user = request.user
    if not role_allows(user, "view", TransferActivation):
        return None
    latest = list(TransferActivation.objects.restrict(user).filter(site=site).values_list("pk", flat=True)[:5])
    activations = TransferActivation.objects.filter(pk__in=latest)
    if not activations.exists():
        return None
    return "disasters/_transfer_panel.html", _rates_panel(request, activations, title="避险转移记录", by_site=True)


register_panel("alerts.warning", warning_panel, order=50)
register_panel("incidents.incident", incident_panel, order=50)
register_panel("sites.hazardsite", site_panel, order=20)
