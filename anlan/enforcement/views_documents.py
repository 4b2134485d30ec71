"""Pages of the enforcement documents: the list of issued documents (filters: kind, year, number, enterprise),
the Word download, and the 文书编号规则 (abbreviations, example and next numbers). Thin: numbers are
numbering.py's, the Word files documents.py's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from anlan.core.audit import audit_record
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, register_link
from anlan.core.roles import COUNTY_ROLES, role_allows
from anlan.core.views import PAGE_SIZE, docx_response

from . import documents, numbering
from .models import DocumentCounter, DocumentKind, DocumentPrefix, IssuedDocument, PenaltyCase
from .models.common import CAMPAIGN_INSPECTORS
from .models.documents import DEFAULT_ABBREVIATIONS

register_link(MenuLink("执法检查", "执法文书", "enforcement:document_list", IssuedDocument, "view", 95))
register_link(MenuLink("执法检查", "文书编号规则", "enforcement:document_numbering", DocumentPrefix, "change", 95))


def issued_documents(user):
    """The documents `user` may read: in scope (an enterprise user: its own), and a case's documents only for
    the roles that read penalty cases (a village worker reads inspections, not a party's penalty)."""
    qs = IssuedDocument.objects.restrict(user, "view")
    if not role_allows(user, "view", PenaltyCase):
        qs = qs.filter(case__isnull=True)
    return qs


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def document_list(request):
    if not role_allows(request.user, "view", IssuedDocument):
        raise PermissionDenied("您的角色不能查看执法文书")
    qs = issued_documents(request.user).select_related("enterprise", "case", "inspection", "issued_by")
    years = sorted(set(qs.values_list("year", flat=True).distinct()), reverse=True)
    kind, q, company = request.GET.get("kind", ""), request.GET.get("q", "").strip(), request.GET.get("enterprise", "")
    year = _int(request.GET.get("year"))
    if kind in DocumentKind.values:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(number__icontains=q)
    company = company.strip()
    if company:
        qs = qs.filter(enterprise__name__icontains=company)
    page = Paginator(qs.order_by("-issued_on", "kind", "-seq"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "kinds": DocumentKind.choices,
        "kind": kind,
        "years": years,
        "year": year,
        "q": q,
        "company": company,
        "querystring": query.urlencode(),
        "may_see_numbering": _may_see_numbering(request.user),
    }
    return render(request, "enforcement/documents/list.html", context)


@login_required
def document_download(request, pk: int):
    if not role_allows(request.user, "view", IssuedDocument):
        raise PermissionDenied("您的角色不能查看执法文书")
    document = (
        issued_documents(request.user)
        .select_related(
            "enterprise", "case__enterprise", "inspection__enterprise", "inspection__checklist", "department"
        )
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404("执法文书不存在或不在您的管辖范围内")
    data = documents.render(document, request.user)  # an incomplete record: DomainError → the page says what
    audit_record(action="document.download", obj=document, actor=request.user, after={"number": document.number})
    return docx_response(data, documents.filename(document))


def _may_edit_prefixes(user) -> bool:
    return user.is_superuser or getattr(user, "role", "") in COUNTY_ROLES


def _may_see_numbering(user) -> bool:
    """Those who make documents (the list offers the page to them only)."""
    return user.is_superuser or getattr(user, "role", "") in CAMPAIGN_INSPECTORS


@login_required
def document_numbering(request):
    """文书编号规则: each kind's abbreviation (default and in force), an example and the next number this
    year (a preview: the number is taken only when a document is issued); county roles edit."""
    if not _may_see_numbering(request.user):
        raise PermissionDenied("文书编号规则供制作执法文书的人员查看")
    may_edit = _may_edit_prefixes(request.user)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("文书编号规则只能由县级管理员或县级业务人员修改")
        values = {kind: request.POST.get(kind, "") for kind in DocumentKind.values if kind in request.POST}
        with shown_on(request) as outcome:
            changed = numbering.set_abbreviations(actor=request.user, values=values)
        if outcome.ok:
            if changed:
                messages.success(request, f"已修改 {len(changed)} 种文书的简称；此前已制作文书的文号不变")
            else:
                messages.info(request, "简称未改变")
            return redirect("enforcement:document_numbering")
    year = timezone.localdate().year
    in_force = numbering.abbreviations()
    used = dict(DocumentCounter.objects.filter(year=year).values_list("kind", "last"))
    region = getattr(request.user, "region", None)
    short = numbering.county_short_name(region)
    rows = []
    for kind, label in DocumentKind.choices:
        shown = request.POST.get(kind, in_force[kind]) if request.method == "POST" else in_force[kind]
        next_seq = used.get(kind, 0) + 1
        rows.append(
            {
                "kind": kind,
                "label": label,
                "default": DEFAULT_ABBREVIATIONS[kind],
                "value": shown,
                "changed": in_force[kind] != DEFAULT_ABBREVIATIONS[kind],
                "used": used.get(kind, 0),
                "next": f"（{short}）应急{in_force[kind]}〔{year}〕{next_seq}号",
            }
        )
    context = {"rows": rows, "year": year, "short": short, "may_edit": may_edit}
    return render(request, "enforcement/documents/numbering.html", context)
