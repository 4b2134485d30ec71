"""Inspection pages (phone first): the list, start (from a drawn object or by hand), the checklist,
findings with photos and position, signatures drawn on the phone (or the principal's refusal), 签字确认,
the hazards' statuses and the 复查. Checklists and their items are kit pages for the county."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, ModelConfig, register, register_link
from anlan.core.regions import region_model
from anlan.core.roles import role_allows
from anlan.core.uploads import serve_upload
from anlan.registry.models import Department

from . import services_inspections as services
from . import workflow_inspections as flow
from .forms_inspections import CloseForm, FindingForm, RefuseForm, StartForm
from .models import (
    Campaign,
    Checklist,
    ChecklistItem,
    DrawObject,
    Finding,
    FindingPhoto,
    Inspection,
    InspectionAnswer,
    IssuedDocument,
    Signature,
)

MENU_GROUP = "执法检查"
PAGE_SIZE = 30

register(
    ModelConfig(
        model=Checklist,
        list_columns=["name", "kind", "standard_id", "active"],
        form_fields=["name", "kind", "standard_id", "active"],
        search_fields=["name", "standard_id"],
        related_tables=lambda checklist, user: [
            (
                "检查项",
                ["序号", "检查内容", "依据", "条", "项", "重大隐患判定项", "适用企业"],
                [
                    (
                        i.position,
                        i.text,
                        i.standard_id or "本局自定",
                        i.article,
                        i.item,
                        "是" if i.major else "否",
                        i.get_applies_to_display(),
                    )
                    for i in checklist.items.all()
                ],
            )
        ],
        menu_group=MENU_GROUP,
        menu_label="检查表",
        menu_order=94,
    )
)
register(
    ModelConfig(
        model=ChecklistItem,
        list_columns=["checklist", "position", "text", "standard_id", "article", "item", "major"],
        form_fields=[
            *("checklist", "position", "text", "standard_id", "article", "item", "major", "applies_to"),
            *("valid_from", "valid_to"),
        ],
        search_fields=["text", "standard_id"],
        natural_keys={Checklist: "name"},
        selector=lambda qs: qs.select_related("checklist"),
        menu_group=MENU_GROUP,
        menu_label="检查项",
        menu_order=94,
    )
)
register_link(MenuLink(MENU_GROUP, "现场检查", "enforcement:inspection_list", Inspection, "view", 94))


def _inspection(request, pk, action="view") -> Inspection:
    qs = Inspection.objects.restrict(request.user, action).select_related(
        "enterprise", "region", "department", "leader__user", "draw_object__draw"
    )
    return get_object_or_404(qs, pk=pk)


def _may_change(user) -> bool:
    return role_allows(user, "change", Inspection)


@login_required
def inspection_list(request):
    """Inspections in scope, filtered by status, kind, township, department and date (an enterprise user
    sees its own, read only)."""
    qs = Inspection.objects.restrict(request.user).select_related("enterprise", "region", "department")
    g = request.GET
    if g.get("status") in flow.STATES:
        qs = qs.filter(status=g["status"])
    if g.get("kind") in Inspection.Kind.values:
        qs = qs.filter(kind=g["kind"])
    if g.get("township", "").isdigit() and len(g["township"]) == 12:
        qs = qs.filter(region__code__startswith=g["township"][:9])
    if g.get("department", "").isdigit():
        qs = qs.filter(department_id=int(g["department"]))
    for name, lookup in (("date_from", "inspected_on__gte"), ("date_to", "inspected_on__lte")):
        try:
            qs = qs.filter(**{lookup: dt.date.fromisoformat(g[name])}) if g.get(name) else qs
        except ValueError:
            messages.error(request, "日期格式应为 YYYY-MM-DD")
    page = Paginator(qs.order_by("-inspected_on", "-id"), PAGE_SIZE).get_page(g.get("page"))
    query = g.copy()
    query.pop("page", None)
    townships = region_model().objects.filter(level="township").order_by("code").only("code", "name")
    if request.user.region_id and not request.user.is_superuser:
        townships = townships.filter(code__startswith=request.user.region_id[:6])
    context = {
        "page": page,
        "querystring": query.urlencode(),
        # 整改复查中 is the skeleton's state for a later step; this part moves signed → closed directly.
        "statuses": [(k, v) for k, v in flow.STATES.items() if k != flow.REVIEWING],
        "kinds": Inspection.Kind.choices,
        "townships": townships,
        "departments": Department.objects.filter(pk__in=qs.values("department_id")).order_by("name"),
        "f": g,
        "may_start": role_allows(request.user, "add", Inspection),
    }
    return render(request, "enforcement/inspection_list.html", context)


@login_required
def inspection_start(request):
    """Start an inspection: from a drawn object (?draw_object=: its enterprise and officers) or by hand."""
    if not role_allows(request.user, "add", Inspection):
        raise PermissionDenied("您的角色无权办理执法检查")
    drawn = None
    wanted = request.POST.get("draw_object") or request.GET.get("draw_object")
    if wanted:
        if not str(wanted).isdigit():
            raise Http404
        drawn = get_object_or_404(
            DrawObject.objects.restrict(request.user).select_related("enterprise"), pk=int(wanted)
        )
        existing = Inspection.objects.filter(draw_object=drawn).first()
        if existing is not None:
            messages.info(request, "该抽取结果已开始检查")
            return redirect("enforcement:inspection_detail", pk=existing.pk)
    campaign = None
    if request.GET.get("campaign") or request.POST.get("campaign"):
        # The 专项整治 page's "开始检查" (?campaign=&enterprise=): the inspection counts toward that campaign.
        wanted_campaign = str(request.POST.get("campaign") or request.GET.get("campaign"))
        if not wanted_campaign.isdigit():
            raise Http404
        campaign = get_object_or_404(
            Campaign.objects.restrict(request.user).filter(status=Campaign.Status.ACTIVE), pk=int(wanted_campaign)
        )
    initial = {}
    if campaign is not None:
        initial["kind"] = Inspection.Kind.CAMPAIGN
    if drawn is not None:
        initial = {
            "enterprise": drawn.enterprise_id,
            "inspectors": list(drawn.inspectors.values_list("pk", flat=True)),
            "kind": Inspection.Kind.RANDOM,
            "draw_object": drawn.pk,
            "principal_name": drawn.enterprise.principal,
        }
    elif request.GET.get("enterprise", "").isdigit():
        initial["enterprise"] = int(request.GET["enterprise"])
    form = StartForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if drawn is not None and d["enterprise"].pk != drawn.enterprise_id:
            form.add_error("enterprise", "双随机抽取的检查对象不能更换")
        else:
            with shown_on(form) as outcome:
                inspection = services.inspection_start(
                    actor=request.user,
                    enterprise=d["enterprise"],
                    inspectors=d["inspectors"],
                    inspected_on=d["inspected_on"],
                    kind=Inspection.Kind.CAMPAIGN if campaign is not None else d["kind"],
                    draw_object=drawn,
                    campaign=campaign,
                    place=d["place"],
                    principal_name=d["principal_name"],
                )
            if outcome.ok:
                messages.success(request, "已开始检查，请逐项填写检查表")
                return redirect("enforcement:inspection_detail", pk=inspection.pk)
    return render(
        request,
        "enforcement/inspection_start.html",
        {"form": form, "drawn": drawn, "campaign": campaign},
        status=400 if form.errors else 200,
    )


def _hazard_rows(inspection):
    rows = []
    for f in inspection.findings.select_related("hazard").order_by("id"):
        rows.append({"finding": f, "hazard": f.hazard})
    return rows


@login_required
def inspection_detail(request, pk):
    inspection = _inspection(request, pk)
    editable = inspection.status == flow.IN_PROGRESS and _may_change(request.user)
    answers = {a.item_id: a for a in inspection.answers.all()}
    items = services.checklist_items(inspection)
    groups = []
    for item in items:
        if not groups or groups[-1]["checklist"].pk != item.checklist_id:
            groups.append({"checklist": item.checklist, "rows": []})
        answer = answers.get(item.pk)
        groups[-1]["rows"].append({"item": item, "result": answer.result if answer else "", "answer": answer})
    signatures = list(inspection.signatures.select_related("inspector__user"))
    signed_ids = {s.inspector_id for s in signatures if s.inspector_id}
    steps = flow.FLOW.allowed(request.user, inspection) if _may_change(request.user) else []
    context = {
        "inspection": inspection,
        "editable": editable,
        "groups": groups,
        "results": InspectionAnswer.Result.choices,
        "findings": inspection.findings.select_related("hazard", "checklist_item").prefetch_related("photos"),
        "hazards": _hazard_rows(inspection),
        "signatures": signatures,
        "inspectors": [(i, i.pk in signed_ids) for i in inspection.inspectors.select_related("user")],
        "principal_signed": any(s.signer == Signature.Signer.PRINCIPAL for s in signatures),
        "documents": inspection.documents.order_by("issued_on", "kind", "seq"),
        "may_download": role_allows(request.user, "view", IssuedDocument),  # documents.document_download's check
        "may_complete": any(s.action == "complete" for s in steps),
        "complete_blockers": _blockers(inspection, "complete") if editable else [],
        "may_close": any(s.action == "close" for s in steps),
        "close_blockers": _blockers(inspection, "close") if inspection.status in (flow.SIGNED, flow.REVIEWING) else [],
        "close_form": CloseForm(),
        "refuse_form": RefuseForm(initial={"refusal_note": inspection.refusal_note}),
        "answered": len(answers),
    }
    return render(request, "enforcement/inspection_detail.html", context)


def _blockers(inspection, action) -> list[str]:
    out = []
    for need in flow.FLOW[action].requires:
        if need.on_record and not need.test(inspection, {}):
            out.append(need.message(inspection, {}) if callable(need.message) else need.message)
    return out


@login_required
@require_POST
def inspection_answers(request, pk):
    inspection = _inspection(request, pk, "change")
    results = {}
    for key, value in request.POST.items():
        if key.startswith("item_") and key[5:].isdigit() and value:
            item_id = int(key[5:])
            results[item_id] = (value, request.POST.get(f"note_{item_id}", ""))
    with shown_on(request) as outcome:
        proposed = services.answers_save(actor=request.user, inspection=inspection, results=results)
    if outcome.ok:
        note = f"，据“不符合”项拟定问题 {len(proposed)} 项，请核对整改期限" if proposed else ""
        messages.success(request, f"已保存检查表{note}")
    return redirect(reverse("enforcement:inspection_detail", args=[pk]) + "#findings")


@login_required
def finding_edit(request, pk, finding_pk=None):
    inspection = _inspection(request, pk, "change")
    finding = None
    if finding_pk is not None:
        finding = get_object_or_404(Finding, pk=finding_pk, inspection=inspection)
    form = FindingForm(request.POST or None, request.FILES or None, instance=finding)
    if finding is None and not form.is_bound:
        form.initial["deadline"] = inspection.inspected_on + dt.timedelta(
            days=services.PROPOSED_DAYS[Finding.Level.GENERAL]
        )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fields = {k: d[k] for k in FindingForm.Meta.fields}
        with shown_on(form, "photo") as outcome, transaction.atomic():
            saved = services.finding_save(actor=request.user, inspection=inspection, finding=finding, **fields)
            if d["photo"]:
                services.photo_add(actor=request.user, finding=saved, upload=d["photo"], lon=d["lon"], lat=d["lat"])
        if outcome.ok:
            messages.success(request, "已保存问题")
            return redirect(reverse("enforcement:inspection_detail", args=[pk]) + "#findings")
    return render(
        request,
        "enforcement/finding_form.html",
        {"form": form, "inspection": inspection, "finding": finding},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def finding_delete(request, pk, finding_pk):
    inspection = _inspection(request, pk, "change")
    finding = get_object_or_404(Finding, pk=finding_pk, inspection=inspection)
    with shown_on(request) as outcome:
        services.finding_remove(actor=request.user, finding=finding)
    if outcome.ok:
        messages.success(request, "已删除问题")
    return redirect(reverse("enforcement:inspection_detail", args=[pk]) + "#findings")


@login_required
def finding_photo(request, photo_pk):
    photo = FindingPhoto.objects.restrict(request.user).filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    return serve_upload(photo.image, "问题照片")


@login_required
def signature_image(request, signature_pk):
    signature = Signature.objects.restrict(request.user).filter(pk=signature_pk).first()
    if signature is None:
        raise Http404
    return serve_upload(signature.image, "签名")


@login_required
def inspection_sign(request, pk):
    """Sign on the phone: ?signer=inspector&inspector=ID or ?signer=principal; a canvas drawing (PNG)."""
    inspection = _inspection(request, pk, "change")
    signer = request.POST.get("signer") or request.GET.get("signer") or Signature.Signer.INSPECTOR
    wanted = request.POST.get("inspector") or request.GET.get("inspector") or ""
    inspector = inspection.inspectors.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    if signer == Signature.Signer.INSPECTOR and inspector is None:
        raise Http404
    error = None
    if request.method == "POST":
        with shown_on(None) as outcome:
            services.sign(
                actor=request.user,
                inspection=inspection,
                signer=signer,
                image_data=request.POST.get("image", ""),
                inspector=inspector,
                name=request.POST.get("name", ""),
            )
        if outcome.ok:
            messages.success(request, "已签字")
            return redirect(reverse("enforcement:inspection_detail", args=[pk]) + "#signatures")
        error = outcome.refused.message
    who = str(inspector) if inspector else (inspection.principal_name or "")
    return render(
        request,
        "enforcement/inspection_sign.html",
        {"inspection": inspection, "signer": signer, "inspector": inspector, "who": who, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def inspection_refuse(request, pk):
    inspection = _inspection(request, pk, "change")
    form = RefuseForm(request.POST)
    note = form.data.get("refusal_note", "")
    with shown_on(request) as outcome:
        services.principal_refuse(actor=request.user, inspection=inspection, note=note)
    if outcome.ok:
        messages.success(request, "已记录拒绝签字情况，并报告县应急管理局")
    return redirect(reverse("enforcement:inspection_detail", args=[pk]) + "#signatures")


@login_required
@require_POST
def inspection_complete(request, pk):
    inspection = _inspection(request, pk, "change")
    with shown_on(request) as outcome:
        issued = services.inspection_complete(actor=request.user, inspection=inspection)
    if outcome.ok:
        numbers = "、".join(d.number for d in issued.values())
        messages.success(request, f"已签字确认，文号：{numbers}")
    return redirect("enforcement:inspection_detail", pk=pk)


@login_required
@require_POST
def inspection_close(request, pk):
    inspection = _inspection(request, pk, "change")
    with shown_on(request) as outcome:
        document = services.inspection_close(
            actor=request.user, inspection=inspection, opinion=request.POST.get("opinion", "")
        )
    if outcome.ok:
        messages.success(request, f"已复查办结，整改复查意见书 {document.number}")
    return redirect("enforcement:inspection_detail", pk=pk)
