"""Document numbers `（简称）应急XX〔年〕N号`, sequential per document kind and year without gaps.

简称 is the county's short name: ANLAN_ENFORCEMENT_SHORT_NAME, or the name of the county the document's
region lies in without its 县/区/市 suffix (巫山县 → 巫山). XX comes from the DocumentPrefix table (defaults
in models.documents; edited on the 文书编号规则 page through `set_abbreviations`, which keeps the
abbreviations distinct: two kinds sharing one would print the same number twice). N is taken from
DocumentCounter under a row lock inside the caller's transaction: if the issue fails and rolls back, the
number is not used, so the sequence has no gaps; two officers at once wait for each other.
"""

import datetime as dt
import re

from django.conf import settings
from django.db import IntegrityError, transaction

from anlan.core.audit import audit_record, snapshot
from anlan.core.errors import DomainError
from anlan.core.regioncodes import county_of
from anlan.core.regions import region_model
from anlan.core.roles import COUNTY_ROLES
from anlan.core.services import object_create, object_update

from .models import DocumentCounter, DocumentKind, DocumentPrefix, IssuedDocument
from .models.documents import DEFAULT_ABBREVIATIONS

COUNTY_SUFFIXES = ("自治县", "县", "区", "市", "旗")
# An abbreviation is printed between 应急 and 〔: Chinese characters (or letters and digits), no brackets,
# spaces or 号 that would make the number ambiguous.
ABBREVIATION_RE = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]{1,8}$")


def county_short_name(region=None) -> str:
    """The 简称 in the number: the setting, else the county of `region` (or the first county loaded)."""
    configured = (getattr(settings, "ANLAN_ENFORCEMENT_SHORT_NAME", "") or "").strip()
    if configured:
        return configured
    counties = region_model().objects.filter(level="county")
    if region is not None:
        # A server may hold several counties: the number names the county the document belongs to.
        counties = counties.filter(pk=county_of(str(getattr(region, "pk", region))))
    name = counties.order_by("code").values_list("name", flat=True).first() or ""
    for suffix in COUNTY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _check_kind(kind: str) -> None:
    if kind not in DocumentKind.values:
        raise DomainError("document.unknown_kind", f"未知的文书种类：{kind}", field="kind")


def abbreviation(kind: str) -> str:
    _check_kind(kind)
    stored = DocumentPrefix.objects.filter(kind=kind).values_list("abbreviation", flat=True).first()
    return stored or DEFAULT_ABBREVIATIONS[kind]


def abbreviations() -> dict[str, str]:
    """Every kind's abbreviation in force (stored, else the default), in one query."""
    stored = dict(DocumentPrefix.objects.values_list("kind", "abbreviation"))
    return {kind: stored.get(kind) or DEFAULT_ABBREVIATIONS[kind] for kind in DocumentKind.values}


def format_number(kind: str, year: int, seq: int, region=None) -> str:
    return f"（{county_short_name(region)}）应急{abbreviation(kind)}〔{year}〕{seq}号"


def next_seq(kind: str, year: int) -> int:
    """The number the next document of `kind` in `year` would get, without taking it (a preview: another
    officer may take it first)."""
    _check_kind(kind)
    last = DocumentCounter.objects.filter(kind=kind, year=year).values_list("last", flat=True).first()
    return (last or 0) + 1


def _take(kind: str, year: int) -> int:
    """The next number of `kind` in `year`, with the counter row locked until the transaction ends."""
    counter = DocumentCounter.objects.select_for_update().filter(kind=kind, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = DocumentCounter.objects.create(kind=kind, year=year, last=0)
        except IntegrityError:  # created by a concurrent issue a moment ago: lock that one
            counter = DocumentCounter.objects.select_for_update().get(kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def issue_document(
    *,
    actor,
    kind: str,
    region,
    issued_on: dt.date,
    inspection=None,
    case=None,
    enterprise=None,
    department=None,
    content: dict | None = None,
) -> IssuedDocument:
    """Give a document of `kind` its number and record it (audited). The caller's transaction holds the
    counter: call this as the last step of the write that needs the document. Callers that want to refuse
    an incomplete document before it takes a number call `documents.require_complete` first."""
    _check_kind(kind)
    if isinstance(issued_on, dt.datetime):  # a datetime's year is right but the DateField wants a date
        issued_on = issued_on.date()
    year = issued_on.year
    seq = _take(kind, year)
    document = IssuedDocument.objects.create(
        kind=kind,
        year=year,
        seq=seq,
        number=format_number(kind, year, seq, region),
        region=region,
        department=department,
        enterprise=enterprise,
        inspection=inspection,
        case=case,
        content=content or {},
        issued_on=issued_on,
        issued_by=actor,
    )
    audit_record(action="document.issue", obj=document, actor=actor, after=snapshot(document))
    return document


@transaction.atomic
def set_abbreviations(*, actor, values: dict[str, str]) -> list[str]:
    """Store the abbreviations of the kinds in `values` (county roles; audited per row). Refuses, naming the
    kind, an abbreviation that is empty, malformed, or the same as another kind's: numbers of two kinds
    would then read alike. Returns the kinds changed. Numbers already issued keep their text."""
    if not (actor.is_superuser or getattr(actor, "role", "") in COUNTY_ROLES):
        raise DomainError("document.prefix_not_allowed", "文书编号规则只能由县级管理员或县级业务人员修改", status=403)
    current = abbreviations()
    wanted = dict(current)
    for kind, raw in values.items():
        _check_kind(kind)
        value = (raw or "").strip()
        label = DocumentKind(kind).label
        if not ABBREVIATION_RE.match(value):
            raise DomainError(
                "document.prefix_invalid",
                f"《{label}》的简称须为1至8个汉字、字母或数字，不含括号、空格和“号”",
                field=kind,
            )
        wanted[kind] = value
    seen: dict[str, str] = {}
    for kind in DocumentKind.values:
        other = seen.get(wanted[kind])
        if other:
            raise DomainError(
                "document.prefix_duplicate",
                f"《{DocumentKind(kind).label}》与《{DocumentKind(other).label}》的简称都是“{wanted[kind]}”，"
                "文号会重复，请改用不同的简称",
                field=kind,
            )
        seen[wanted[kind]] = kind
    changed = []
    stored = {p.kind: p for p in DocumentPrefix.objects.select_for_update().filter(kind__in=list(values))}
    for kind in values:
        if wanted[kind] == current[kind]:
            continue
        row = stored.get(kind)
        if row is None:
            object_create(actor=actor, instance=DocumentPrefix(kind=kind, abbreviation=wanted[kind]))
        else:
            before = snapshot(row)
            row.abbreviation = wanted[kind]
            object_update(actor=actor, instance=row, before=before)
        changed.append(kind)
    return changed
