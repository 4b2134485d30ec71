"""Pages of 一公开 and credit: the 违法行为信息库 and the 严重失信主体名单 (registry kit lists and details),
the listing decision, 信用修复, the publication desk and the public pages (/p/enforcement/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core import converters  # noqa: F401  (rowid)
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, ModelConfig, register, register_link
from anlan.core.panels import register_panel
from anlan.core.roles import role_allows
from anlan.core.uploads import serve_upload
from anlan.core.views import (
    ImportJobView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectImportView,
    ObjectListView,
    ObjectTemplateView,
)
from anlan.incidents.models import Incident
from anlan.registry.models import Enterprise

from . import credit_rules
from . import services_credit as services
from .credit_workflow import REPAIR
from .filters_credit import CreditListingFilterSet, CreditRepairFilterSet, ViolationRecordFilterSet
from .forms_credit import UNVERIFIED, DecideForm, ListingForm, RepairForm
from .models import CreditListing, CreditRepair, Inspection, ViolationRecord
from .models.common import ENFORCERS

GROUP = "执法检查"
ORDER = 97
PAGE_SIZE = 50

VIOLATIONS = register(
    ModelConfig(
        model=ViolationRecord,
        list_columns=["enterprise", "happened_on", "description", "penalty", "case", "public"],
        form_fields=["enterprise", "happened_on", "description", "penalty", "public"],
        filterset_class=ViolationRecordFilterSet,
        search_fields=["description", "penalty"],
        natural_keys={Enterprise: "credit_code"},
        selector=lambda qs: qs.select_related("enterprise", "case"),
        sortable=["happened_on", "enterprise"],
        menu_group=GROUP,
        menu_label="违法行为信息库",
        menu_order=ORDER,
    )
)


def _repairs_table(listing, user):
    rows = [
        # Dates as text: the kit prints a bare date in the English locale format ("Nov. 22, 2026").
        (
            f"{r.applied_on:%Y-%m-%d}",
            r.get_status_display(),
            f"{r.decided_on:%Y-%m-%d}" if r.decided_on else "—",
            r.opinion or "—",
        )
        for r in CreditRepair.objects.restrict(user).filter(listing=listing).order_by("-applied_on", "-id")
    ]
    return [("信用修复申请", ["申请日期", "状态", "审核日期", "审核意见"], rows)]


def _may_apply(user, listing) -> bool:
    return listing.status == CreditListing.Status.LISTED and role_allows(user, "add", CreditRepair)


LISTINGS = register(
    ModelConfig(
        model=CreditListing,
        list_columns=["enterprise", "criterion", "decision_number", "listed_on", "ends_on", "status"],
        form_fields=(),  # decided on its own page (listing_add), changed only by expiry and 信用修复
        detail_fields=[
            *("enterprise", "criterion", "facts", "decision_number", "case", "listed_on", "ends_on"),
            *("status", "removed_on", "decided_by"),
        ],
        filterset_class=CreditListingFilterSet,
        search_fields=["decision_number", "facts"],
        selector=lambda qs: qs.select_related("enterprise", "decided_by", "case"),
        sortable=["listed_on", "ends_on", "enterprise"],
        detail_links=[("登记信用修复申请", "enforcement:credit_repair_apply", _may_apply)],
        related_tables=_repairs_table,
        add_url="enforcement:credit_listing_add",
        menu_group=GROUP,
        menu_order=ORDER,
    )
)

REPAIRS = register(
    ModelConfig(
        model=CreditRepair,
        list_columns=["listing", "applied_on", "status", "decided_on", "opinion"],
        form_fields=(),  # recorded and decided through services_credit (audited steps)
        detail_fields=["listing", "applied_on", "reason", "status", "decided_on", "opinion", "decided_by"],
        filterset_class=CreditRepairFilterSet,
        selector=lambda qs: qs.select_related("listing__enterprise", "decided_by"),
        detail_links=[("审核", "enforcement:credit_repair_decide", REPAIR.offers_any())],
        menu_group=GROUP,
        menu_order=ORDER,
    )
)

register_link(
    MenuLink(
        GROUP,
        "检查结果公示",
        "enforcement:credit_publication",
        Inspection,
        "change",
        ORDER,
        regional=True,
        roles=ENFORCERS,
    )
)


def _kit_paths(prefix: str, config: ModelConfig):
    """The kit's pages of `config` under our own prefix (URL names as the kit reverses them)."""
    name, kw = config.model_name, {"config": config}
    paths = [
        path(f"{prefix}", ObjectListView.as_view(**kw), name=f"{name}_list"),
        path(f"{prefix}<rowid:pk>/", ObjectDetailView.as_view(**kw), name=f"{name}_detail"),
        # The detail page names these whatever the registry; for rows written only by services they are 404s.
        path(f"{prefix}<rowid:pk>/edit/", ObjectEditView.as_view(**kw), name=f"{name}_edit"),
        path(f"{prefix}<rowid:pk>/delete/", ObjectDeleteView.as_view(**kw), name=f"{name}_delete"),
    ]
    if not config.read_only:
        paths += [
            path(f"{prefix}add/", ObjectEditView.as_view(**kw), name=f"{name}_add"),
            path(f"{prefix}import/", ObjectImportView.as_view(**kw), name=f"{name}_import"),
            path(f"{prefix}import/jobs/<rowid:job_id>/", ImportJobView.as_view(**kw), name=f"{name}_import_job"),
            path(f"{prefix}template.xlsx", ObjectTemplateView.as_view(**kw), name=f"{name}_template"),
        ]
    return paths


def kit_paths():
    return [
        *_kit_paths("violations/", VIOLATIONS),
        *_kit_paths("credit/repairs/", REPAIRS),
        *_kit_paths("credit/", LISTINGS),
    ]


def _require(user, action, model):
    if not role_allows(user, action, model):
        raise PermissionDenied("您的角色无权执行此操作")


# ---------------------------------------------------------------- listing and 信用修复


@login_required
def listing_add(request):
    """列入严重失信主体名单: a county officer decides, with the criterion and the decision document."""
    _require(request.user, "add", CreditListing)
    enterprises = Enterprise.objects.restrict(request.user).order_by("name")
    chosen = None
    if request.method == "POST":
        form = ListingForm(request.POST, request.FILES, enterprises=enterprises)
        if form.is_valid():
            d = form.cleaned_data
            with shown_on(form) as outcome:
                listing = services.listing_create(
                    actor=request.user,
                    enterprise=d["enterprise"],
                    criterion=d["criterion"],
                    facts=d["facts"],
                    decision_number=d["decision_number"],
                    listed_on=d["listed_on"],
                    decision_file=d["decision_file"],
                )
            if outcome.ok:
                messages.success(request, f"{listing.enterprise.name}已列入严重失信主体名单")
                return redirect(LISTINGS.reverse("detail", listing.pk))
        chosen = form.cleaned_data.get("enterprise") if hasattr(form, "cleaned_data") else None
    else:
        chosen_id = request.GET.get("enterprise", "")
        chosen = enterprises.filter(pk=chosen_id).first() if chosen_id.isdigit() else None
        form = ListingForm(initial={"enterprise": chosen}, enterprises=enterprises)
    suggestion, accidents = ("", [])
    if chosen is not None:
        suggestion, accidents = services.suggested_criterion(
            chosen, timezone.localdate(), Incident.objects.restrict(request.user)
        )
        if suggestion and not form.is_bound:
            form.initial["criterion"] = suggestion
    return render(
        request,
        "enforcement/credit/listing_form.html",
        {
            "form": form,
            "chosen": chosen,
            "suggestion": CreditListing.Criterion(suggestion).label if suggestion else "",
            "accidents": accidents,
            "unverified": [CreditListing.Criterion(c).label for c in UNVERIFIED],
            "term_years": credit_rules.credit_term_years(),
            "repair_months": credit_rules.repair_after_months(),
            "source_note": credit_rules.SOURCE_NOTE["term"],
            "urls": LISTINGS.urls(),
        },
    )


@login_required
def listing_decision(request, pk):
    """The listing's decision document, served as checked at upload (PDF or photo inline)."""
    _require(request.user, "view", CreditListing)
    listing = get_object_or_404(CreditListing.objects.restrict(request.user), pk=pk)
    return serve_upload(listing.decision_file, f"{listing.decision_number}")


@login_required
def repair_apply(request, pk):
    """登记信用修复申请 (received from the enterprise), allowed after the months the setting names."""
    _require(request.user, "add", CreditRepair)
    listing = get_object_or_404(CreditListing.objects.restrict(request.user).select_related("enterprise"), pk=pk)
    form = RepairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            services.repair_apply(
                actor=request.user,
                listing=listing,
                applied_on=form.cleaned_data["applied_on"],
                reason=form.cleaned_data["reason"],
            )
        if outcome.ok:
            messages.success(request, "信用修复申请已登记，待审核")
            return redirect(LISTINGS.reverse("detail", listing.pk))
    return render(
        request,
        "enforcement/credit/repair_form.html",
        {
            "form": form,
            "listing": listing,
            "allowed_from": credit_rules.repair_allowed_from(listing.listed_on),
            "months": credit_rules.repair_after_months(),
            "source_note": credit_rules.SOURCE_NOTE["term"],
        },
    )


@login_required
def repair_decide(request, pk):
    """审核信用修复: 同意 lifts the listing now (信用修复提前移出); 不同意 needs the reason."""
    _require(request.user, "change", CreditRepair)
    repair = get_object_or_404(
        CreditRepair.objects.restrict(request.user, "change").select_related("listing__enterprise"), pk=pk
    )
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            services.repair_decide(
                actor=request.user,
                repair=repair,
                approve=form.cleaned_data["decision"] == "approve",
                opinion=form.cleaned_data["opinion"],
            )
        if outcome.ok:
            messages.success(request, "信用修复申请已审核")
            return redirect(LISTINGS.reverse("detail", repair.listing_id))
    return render(request, "enforcement/credit/repair_decide.html", {"form": form, "repair": repair})


# ---------------------------------------------------------------- 一公开: the publication desk


@login_required
def publication(request):
    """Random-inspection results not yet published, each with its deadline; 公示 publishes one now;
    `?overdue=true` keeps those past their deadline (what the 工作台 counts)."""
    overdue = request.GET.get("overdue") == "true"
    if not services.may_publish(request.user):
        raise PermissionDenied("只有县级或行业部门执法人员可以公示检查结果")
    today = timezone.localdate()
    rows = services.awaiting_publication(
        Inspection.objects.restrict(request.user).select_related("enterprise"), today, overdue=overdue
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for inspection in page:
        inspection.deadline = credit_rules.publish_deadline(inspection.inspected_on)
        inspection.days_left = (inspection.deadline - today).days
        inspection.ready = inspection.status in services.PUBLISHABLE
    return render(
        request,
        "enforcement/credit/publication.html",
        {
            "page": page,
            "querystring": "overdue=true" if overdue else "",
            "overdue": overdue,
            "days": credit_rules.publish_days(),
            "source_note": credit_rules.SOURCE_NOTE["publish"],
        },
    )


@login_required
@require_POST
def publish(request, pk):
    inspection = get_object_or_404(Inspection.objects.restrict(request.user, "change"), pk=pk)
    with shown_on(request) as outcome:
        services.inspection_publish(actor=request.user, inspection=inspection)
    if outcome.ok:
        messages.success(request, f"{inspection.enterprise}的检查结果已公示")
    return redirect("enforcement:credit_publication")


# ---------------------------------------------------------------- public pages (no login)


def public_results(request):
    """双随机抽查结果公示: enterprise, credit code, date, matter, result — no person is named."""
    rows = Paginator(services.published_results(), PAGE_SIZE).get_page(request.GET.get("page"))
    results = [
        {
            "enterprise": i.enterprise.name,
            "credit_code": i.enterprise.credit_code,
            "inspected_on": i.inspected_on,
            "matter": services.matter_of(i),
            "result": credit_rules.result_text(i.status, i.findings_count),
        }
        for i in rows
    ]
    context = {"results": results, "page": rows, "days": credit_rules.publish_days()}
    return render(request, "enforcement/credit/public_results.html", context)


def public_credit(request):
    """严重失信主体名单 as published: listings in force only."""
    listings = (
        CreditListing.objects.filter(status=CreditListing.Status.LISTED)
        .select_related("enterprise")
        .order_by("-listed_on", "-id")
    )
    page = Paginator(listings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "enforcement/credit/public_credit.html", {"page": page, "term_years": credit_rules.credit_term_years()}
    )


# ---------------------------------------------------------------- panels


def _decision_panel(request, listing):
    if not listing.decision_file:
        return None
    url = reverse("enforcement:credit_listing_decision", kwargs={"pk": listing.pk})
    return "enforcement/credit/_decision_panel.html", {"decision_url": url}


register_panel("enforcement.creditlisting", _decision_panel, order=10)
