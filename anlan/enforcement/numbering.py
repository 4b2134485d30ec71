"""Document numbers `（简称）应急XX〔年〕N号`, sequential per document kind and year without gaps.

简称 is the county's short name: ANLAN_ENFORCEMENT_SHORT_NAME, or the county's name without its 县/区/市
suffix (巫山县 → 巫山). XX comes from the DocumentPrefix table (defaults in models.documents). N is taken
from DocumentCounter under a row lock inside the caller's transaction: if the issue fails and rolls back,
the number is not used, so the sequence has no gaps; two officers at once wait for each other.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction

from anlan.core.audit import audit_record, snapshot
from anlan.core.regions import region_model

from .models import DocumentCounter, DocumentPrefix, IssuedDocument
from .models.documents import DEFAULT_ABBREVIATIONS

COUNTY_SUFFIXES = ("自治县", "县", "区", "市", "旗")


def county_short_name() -> str:
    configured = (getattr(settings, "ANLAN_ENFORCEMENT_SHORT_NAME", "") or "").strip()
    if configured:
        return configured
    county = region_model().objects.filter(level="county").order_by("code").values_list("name", flat=True).first()
    name = county or ""
    for suffix in COUNTY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def abbreviation(kind: str) -> str:
    stored = DocumentPrefix.objects.filter(kind=kind).values_list("abbreviation", flat=True).first()
    return stored or DEFAULT_ABBREVIATIONS[kind]


def format_number(kind: str, year: int, seq: int) -> str:
    return f"（{county_short_name()}）应急{abbreviation(kind)}〔{year}〕{seq}号"


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
    counter: call this as the last step of the write that needs the document."""
    year = issued_on.year
    seq = _take(kind, year)
    document = IssuedDocument.objects.create(
        kind=kind,
        year=year,
        seq=seq,
        number=format_number(kind, year, seq),
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
