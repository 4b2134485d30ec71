"""Relief pages (救灾救助): programmes, their households and review (户报、村评、乡审、县定), the 公示 and
its objections, disbursement of cash and goods, totals and the 应急统表10 export; and the public 公示 page.
Views parse and render; the rules are in relief.py."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from anlan.core import excel
from anlan.core.audit import audit_record
from anlan.core.errors import DomainError, NotAllowed, NotFound, shown_on
from anlan.core.kit import MenuLink, register_link
from anlan.core.masking import mask_name, visible_value
from anlan.core.public import address_key, client_ip, with_fresh_challenge
from anlan.core.roles import role_allows
from anlan.core.views import xlsx_response

from . import relief
from .forms_relief import (
    AmountForm,
    CashForm,
    GoodsForm,
    ObjectionForm,
    ProgrammeForm,
    RecipientForm,
    ResolveForm,
    TownshipCheckForm,
    VillageReviewForm,
)
from .models import ReliefObjection, ReliefPayment, ReliefProgramme, ReliefRecipient
from .models.relief import RELIEF_WRITERS, TOWNSHIP_CHECKERS, VILLAGE_REVIEWERS

register_link(MenuLink("灾情与救助", "救灾救助", "relief:list", ReliefProgramme, "view", 86, regional=True))

R = ReliefRecipient.Status
REFERENCE_NOTE = "参考值，可按本地标准调整"


def _may(user, roles) -> bool:
    return user.is_superuser or getattr(user, "role", "") in roles


def _programme(request, pk) -> ReliefProgramme:
    if not role_allows(request.user, "view", ReliefProgramme):
        raise PermissionDenied("您的角色不能查看救助项目")
    programme = (
        ReliefProgramme.objects.restrict(request.user)
        .filter(pk=pk)
        .select_related("region", "process", "approved_by")
        .defer("region__boundary")
        .first()
    )
    if programme is None:
        raise Http404("救助项目不存在或不在您的管辖范围内")
    return programme


def _recipient(request, pk) -> ReliefRecipient:
    recipient = ReliefRecipient.objects.restrict(request.user).filter(pk=pk).select_related("programme").first()
    if recipient is None:
        raise Http404("救助对象不存在或不在您的管辖范围内")
    return recipient


def _detail_url(programme) -> str:
    return reverse("relief:detail", args=[programme.pk])


def _label(user, recipient) -> str:
    return f"{recipient.region.name} {visible_value(user, 'name', recipient.head_name)}（{recipient.people} 人）"


def _counts(user, programmes) -> dict[int, dict]:
    """Per programme, of the rows the user may see: households listed, waiting for 村评/乡审, objections open."""
    ids = [p.pk for p in programmes]
    counts: dict[int, dict] = {pk: {"listed": 0, "waiting": 0, "objections": 0} for pk in ids}
    waiting = Q(status__in=[R.PROPOSED, R.VILLAGE_PASSED])
    rows = (
        ReliefRecipient.objects.restrict(user)
        .filter(programme_id__in=ids)
        .exclude(status__in=[R.REJECTED, R.REMOVED])
        .values("programme_id")
        .annotate(listed=Count("pk"), waiting=Count("pk", filter=waiting))
    )
    for row in rows:
        counts[row["programme_id"]].update(listed=row["listed"], waiting=row["waiting"])
    open_objections = (
        ReliefObjection.objects.restrict(user)
        .filter(programme_id__in=ids, status=ReliefObjection.Status.OPEN)
        .values("programme_id")
        .annotate(n=Count("pk"))
    )
    for row in open_objections:
        counts[row["programme_id"]]["objections"] = row["n"]
    return counts


@login_required
def programme_list(request):
    """救助项目: every programme the user may see, with its status and the reference rates."""
    if not role_allows(request.user, "view", ReliefProgramme):
        raise PermissionDenied("您的角色不能查看救助项目")
    programmes = list(ReliefProgramme.objects.restrict(request.user).select_related("region", "process"))
    counts = _counts(request.user, programmes)
    terms = [(label, relief.reference_terms(kind)) for kind, label in ReliefProgramme.Kind.choices]
    context = {
        "programmes": [(p, counts.get(p.pk, {})) for p in programmes],
        "terms": terms,
        "reference_note": REFERENCE_NOTE,
        "may_add": role_allows(request.user, "add", ReliefProgramme),
    }
    return render(request, "disasters/relief/list.html", context)


@login_required
def programme_new(request):
    """A new programme; its rate, days and cap start from the reference values of its kind."""
    if not role_allows(request.user, "add", ReliefProgramme):
        raise PermissionDenied("您的角色不能设立救助项目")
    kind = request.GET.get("kind") or ReliefProgramme.Kind.TRANSITION
    if kind not in ReliefProgramme.Kind.values:
        kind = ReliefProgramme.Kind.TRANSITION
    terms = relief.reference_terms(kind)
    today = timezone.localdate()
    initial = {
        "kind": kind,
        "rate": terms.rate,
        "days": terms.days,
        "cap_per_household": terms.cap,
        "notice_days": settings.ANLAN_RELIEF_NOTICE_DAYS,
        "starts_on": today,
        "ends_on": today,
        "region": request.user.region_id,
    }
    form = ProgrammeForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with shown_on(form) as outcome:
                programme = relief.programme_create(actor=request.user, programme=form.save(commit=False))
            if outcome.ok:
                messages.success(request, f"已设立救助项目“{programme.name}”")
                return redirect(_detail_url(programme))
        status = 400
    context = {
        "form": form,
        "title": "设立救助项目",
        "terms": terms,
        "kinds": ReliefProgramme.Kind.choices,
        "kind": kind,
        "reference_note": REFERENCE_NOTE,
    }
    return render(request, "disasters/relief/programme_form.html", context, status=status)


def _recipient_rows(user, programme):
    recipients = (
        ReliefRecipient.objects.restrict(user)
        .filter(programme=programme)
        .select_related("region", "region__parent")
        .defer("region__boundary", "region__parent__boundary")
        .prefetch_related("payments")
        .order_by("region", "pk")
    )
    rows = []
    for r in recipients:
        payments = list(r.payments.all())
        rows.append(
            {
                "r": r,
                "name": visible_value(user, "name", r.head_name),
                "id_number": visible_value(user, "id_number", r.id_number),
                "phone": visible_value(user, "phone", r.phone),
                "cash": sum((p.amount for p in payments if p.means == ReliefPayment.Means.CASH), Decimal("0")),
                "goods": sum((p.amount for p in payments if p.means == ReliefPayment.Means.GOODS), Decimal("0")),
                "paid_cash": any(p.means == ReliefPayment.Means.CASH for p in payments),
            }
        )
    return rows


def _detail(request, programme, *, error: str = "", status: int = 200):
    user = request.user
    objections = (
        ReliefObjection.objects.restrict(user)
        .filter(programme=programme)
        .select_related("recipient", "recipient__region", "resolved_by")
        .defer("recipient__region__boundary")
    )
    rows, total = relief.totals_by_township(programme, user)
    draft = programme.status == ReliefProgramme.Status.DRAFT
    paying = programme.status in (ReliefProgramme.Status.APPROVED, ReliefProgramme.Status.DISBURSING)
    context = {
        "programme": programme,
        "terms": relief.reference_terms(programme.kind),
        "reference_note": REFERENCE_NOTE,
        "rows": _recipient_rows(user, programme),
        "objections": [(o, visible_value(user, "name", o.recipient.head_name)) for o in objections],
        "steps": relief.FLOW.allowed(user, programme),
        "totals": rows,
        "total": total,
        "totals_headers": relief.TOTALS_HEADERS,
        "draft": draft,
        "notice": programme.status == ReliefProgramme.Status.NOTICE,
        "paying": paying,
        "may_list": draft and _may(user, RELIEF_WRITERS),
        "may_review": draft and _may(user, VILLAGE_REVIEWERS),
        "may_check": draft and _may(user, TOWNSHIP_CHECKERS),
        "may_amount": draft and _may(user, RELIEF_WRITERS),
        "may_resolve": programme.status == ReliefProgramme.Status.NOTICE and _may(user, TOWNSHIP_CHECKERS),
        "may_pay": paying and _may(user, RELIEF_WRITERS),
        "review_form": VillageReviewForm(initial={"village_review_on": timezone.localdate()}),
        "check_form": TownshipCheckForm(),
        "resolve_form": ResolveForm(),
        "cash_form": CashForm(initial={"paid_on": timezone.localdate()}),
        "public_url": reverse("relief_public:notice", args=[programme.pk]),
        "error": error,
        "today": timezone.localdate(),
    }
    return render(request, "disasters/relief/detail.html", context, status=status)


@login_required
def programme_detail(request, pk):
    """One programme: its list of households and their review, objections, payments and totals."""
    return _detail(request, _programme(request, pk))


def _act(request, programme, action, done: str):
    """Run a service step; a refusal shows on the programme page with its status (403/404 go to their pages)."""
    try:
        with transaction.atomic():
            action()
    except (NotAllowed, NotFound):
        raise
    except DomainError as exc:
        return _detail(request, programme, error=exc.message, status=exc.status)
    messages.success(request, done)
    return redirect(_detail_url(programme))


STEPS = {
    "publish": (relief.programme_publish, "已开始公示"),
    "approve": (relief.programme_approve, "已审批，可以发放"),
    "close": (relief.programme_close, "项目已结束"),
}


@login_required
@require_POST
def programme_step(request, pk, action):
    programme = _programme(request, pk)
    if action not in STEPS:
        raise Http404("未知操作")
    service, done = STEPS[action]
    return _act(request, programme, lambda: service(actor=request.user, programme=programme), done)


@login_required
@require_POST
def draw(request, pk):
    """Draw households from the 倒损住房户 register or the threatened-household roster."""
    programme = _programme(request, pk)
    if not _may(request.user, RELIEF_WRITERS):
        raise PermissionDenied("您的角色不能增改救助名单")
    source = request.POST.get("source")
    service = {"register": relief.recipients_from_registers, "roster": relief.recipients_from_roster}.get(source)
    if service is None:
        return _detail(request, programme, error="请选择导入来源", status=400)
    added = []
    response = _act(
        request,
        programme,
        lambda: added.append(service(actor=request.user, programme=programme)),
        "已导入",
    )
    if added:
        drawn = added[0]
        note = f"新增 {drawn.added} 户（已在名单中的户不重复列入）"
        if drawn.skipped:
            note += (
                f"；另有 {drawn.skipped} 户与名单中同村同名的户可能重复（其中一户没有身份证号），未列入，"
                "请核实，确属不同家庭的请手工户报"
            )
        messages.info(request, note)
    return response


@login_required
def recipient_add(request, pk):
    """户报: add one household by hand."""
    programme = _programme(request, pk)
    if not _may(request.user, RELIEF_WRITERS):
        raise PermissionDenied("您的角色不能增改救助名单")
    form = RecipientForm(request.POST or None, user=request.user, programme=programme)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            recipient = form.save(commit=False)
            recipient.programme = programme
            with shown_on(form) as outcome:
                relief.recipient_add(
                    actor=request.user,
                    recipient=recipient,
                    amount=form.cleaned_data.get("amount"),
                    amount_reason=form.cleaned_data.get("amount_reason") or "",
                )
            if outcome.ok:
                messages.success(request, "已列入名单，待村评")
                return redirect(_detail_url(programme))
        status = 400
    context = {"form": form, "programme": programme, "title": f"户报 · {programme.name}"}
    return render(request, "disasters/relief/recipient_form.html", context, status=status)


def _form_refused(request, programme, form):
    first = next(iter(form.errors.items()))
    label = form.fields[first[0]].label if first[0] in form.fields else ""
    return _detail(request, programme, error=f"{label}：{first[1][0]}" if label else first[1][0], status=400)


def _recipient_step(request, pk, form_class, step, done: str):
    """One step on one household (村评, 乡审, amount): its form, then the service with the cleaned data."""
    recipient = _recipient(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _form_refused(request, recipient.programme, form)
    return _act(request, recipient.programme, lambda: step(recipient, form.cleaned_data), done)


@login_required
@require_POST
def recipient_review(request, pk):
    def review(recipient, d):
        return relief.village_review(
            actor=request.user, recipient=recipient, on=d["village_review_on"], passed=d["passed"], note=d["note"]
        )

    return _recipient_step(request, pk, VillageReviewForm, review, "已记录村评结果")


@login_required
@require_POST
def recipient_check(request, pk):
    def check(recipient, d):
        return relief.township_check(actor=request.user, recipient=recipient, passed=d["passed"], note=d["check_note"])

    return _recipient_step(request, pk, TownshipCheckForm, check, "已记录乡审结果")


@login_required
@require_POST
def recipient_amount(request, pk):
    def set_amount(recipient, d):
        return relief.recipient_set_amount(
            actor=request.user, recipient=recipient, amount=d["amount"], reason=d["amount_reason"]
        )

    return _recipient_step(request, pk, AmountForm, set_amount, "已调整金额")


@login_required
@require_POST
def objection_resolve(request, pk):
    objection = ReliefObjection.objects.restrict(request.user).filter(pk=pk).select_related("programme").first()
    if objection is None:
        raise Http404("异议不存在或不在您的管辖范围内")
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, objection.programme, form)
    d = form.cleaned_data
    choice = d["upheld"]
    if choice == "2" and d["new_amount"] is None:
        return _detail(request, objection.programme, error="调整后金额：请填写调整后的金额", status=400)
    return _act(
        request,
        objection.programme,
        lambda: relief.objection_resolve(
            actor=request.user,
            objection=objection,
            upheld=choice != "0",
            resolution=d["resolution"],
            new_amount=d["new_amount"] if choice == "2" else None,
        ),
        "已处理异议",
    )


@login_required
@require_POST
def recipient_pay(request, pk):
    """Pay a household in cash or by bank transfer (once per programme)."""
    recipient = _recipient(request, pk)
    form = CashForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, recipient.programme, form)
    d = form.cleaned_data
    return _act(
        request,
        recipient.programme,
        lambda: relief.pay_cash(
            actor=request.user,
            recipient=recipient,
            method=d["method"],
            paid_on=d["paid_on"],
            reference=d["reference"],
            amount=d["amount"],
        ),
        "已登记发放",
    )


@login_required
def goods(request, pk):
    """Goods for a batch of households, issued from a warehouse through the supplies ledger."""
    programme = _programme(request, pk)
    if not _may(request.user, RELIEF_WRITERS):
        raise PermissionDenied("您的角色不能发放救助物资")
    listed = (
        ReliefRecipient.objects.restrict(request.user, "change")
        .filter(programme=programme, status=R.CHECKED)
        .exclude(payments__means=ReliefPayment.Means.GOODS)
        .select_related("region")
        .defer("region__boundary")
        .order_by("region", "pk")
    )
    labels = {r.pk: _label(request.user, r) for r in listed}
    form = GoodsForm(
        request.POST or None,
        user=request.user,
        recipients=listed,
        labels=labels,
        initial={"paid_on": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            with shown_on(form) as outcome:
                payments = relief.give_goods(
                    actor=request.user,
                    recipients=list(d["recipients"]),
                    warehouse=d["warehouse"],
                    item=d["item"],
                    quantity_each=d["quantity"],
                    unit_price=d["unit_price"],
                    paid_on=d["paid_on"],
                    reference=d["reference"],
                    per_household=d["per_household"],
                )
            if outcome.ok:
                messages.success(request, f"已向 {len(payments)} 户发放{d['item'].name}，出库已记入物资台账")
                return redirect(_detail_url(programme))
        status = 400
    context = {"form": form, "programme": programme, "title": f"发放救助物资 · {programme.name}"}
    return render(request, "disasters/relief/goods.html", context, status=status)


@login_required
def export(request, pk):
    """应急统表10 (D03001–D03010) and the totals by township, names as the user may see them."""
    programme = _programme(request, pk)
    rows, total = relief.totals_by_township(programme, request.user)
    households = relief.form10_rows(programme, request.user)
    sheets = [
        ("应急统表10", relief.FORM10_HEADERS, households),
        ("按乡镇汇总", relief.TOTALS_HEADERS, [line.cells() for line in [*rows, total]]),
    ]
    # Names, ID numbers and phones leave the platform: who took them is on record.
    audit_record(
        action="export", obj=programme, actor=request.user, after={"table": "应急统表10", "rows": len(households)}
    )
    return xlsx_response(excel.tables_workbook(sheets), f"救助发放_{programme.name}_{timezone.localdate():%Y%m%d}.xlsx")


# ---------------------------------------------------------------- public 公示 (no login)


@never_cache
def public_list(request):
    """公示中的救助项目."""
    return render(request, "disasters/relief/public_list.html", {"programmes": relief.programmes_in_notice()})


@never_cache
def public_notice(request, pk):
    """The 公示 of one programme: masked names (张*明), village, people, amount; objections by form."""
    programme = ReliefProgramme.objects.filter(pk=pk).select_related("region").defer("region__boundary").first()
    if programme is None or not relief.notice_open(programme):
        raise Http404("该公示不存在或已结束")
    listed = relief.listed(programme).order_by("region", "pk")
    labels = {r.pk: f"{r.region.name} {mask_name(r.head_name)}" for r in listed}
    form, status = None, 200
    if request.method == "POST":
        key = address_key(client_ip(request))
        form = ObjectionForm(request.POST, listed=listed, labels=labels)
        if relief.recent_objections(key) >= settings.ANLAN_RELIEF_OBJECTIONS_PER_HOUR:
            form.add_error(None, "提交次数过多，请一小时后再试，或直接向村（居）委会、乡镇反映")
            status = 429
        elif form.is_valid():
            d = form.cleaned_data
            with shown_on(form) as outcome:
                relief.objection_submit(
                    programme=programme,
                    recipient=d["recipient"],
                    name=d["name"],
                    phone=d["phone"],
                    text=d["text"],
                    address=key,
                )
            if outcome.ok:
                return render(request, "disasters/relief/public_done.html", {"programme": programme})
        status = status if status != 200 else 400
    form = with_fresh_challenge(ObjectionForm, form, listed=listed, labels=labels)
    rows = [
        {"name": mask_name(r.head_name), "village": r.region, "people": r.people, "amount": r.amount} for r in listed
    ]
    context = {
        "programme": programme,
        "rows": rows,
        "form": form,
        "total": sum((r["amount"] for r in rows), Decimal(0)),
    }
    return render(request, "disasters/relief/public_notice.html", context, status=status)
