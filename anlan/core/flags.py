"""Flags on an enterprise that apps above the registry decide (严重失信 from enforcement), shown by the
registry's pages and the 一张图 without the registry importing those apps.

An app registers at `ready()` a label and the enterprises it applies to, as a queryset of enterprise ids:

    register_enterprise_flag("严重失信", lambda: CreditListing.objects.filter(status="listed").values("enterprise"))

`annotate_flags(queryset)` then adds one text column (`enterprise_flags`: the labels that apply, joined by
a space, "" when none) computed by the database in the same query as the rows, so a list, a detail page or a
map layer costs no query more however many rows or flags there are. `flags_of(queryset)` reads the labels of
a set of enterprises in ONE query, for pages that hold ids rather than a queryset of enterprises.
"""

from collections.abc import Callable

from django.db import models
from django.db.models import Case, QuerySet, Value, When
from django.db.models.functions import Concat, Trim

__all__ = ["FLAGS_FIELD", "annotate_flags", "flag_expression", "flags_of", "register_enterprise_flag"]

FLAGS_FIELD = "enterprise_flags"

_FLAGS: dict[str, Callable[[], QuerySet]] = {}


def register_enterprise_flag(label: str, enterprise_ids: Callable[[], QuerySet]) -> None:
    """Show `label` on every enterprise whose id is in `enterprise_ids()` (a one-column queryset, used as a
    subquery). Registering the same label again replaces it (a reloaded app does not flag twice)."""
    _FLAGS[label] = enterprise_ids


def flag_expression(ref: str = "pk"):
    """The labels that apply to the enterprise at `ref` (its id), as one text expression ("" when none)."""
    cases = [
        Case(When(**{f"{ref}__in": ids()}, then=Value(label)), default=Value(""), output_field=models.CharField())
        for label, ids in sorted(_FLAGS.items())
    ]
    if not cases:
        return Value("", output_field=models.CharField())
    if len(cases) == 1:
        return cases[0]
    spaced = [part for case in cases for part in (case, Value(" "))][:-1]
    return Trim(Concat(*spaced, output_field=models.CharField()))


def annotate_flags(queryset: QuerySet, ref: str = "pk") -> QuerySet:
    return queryset.annotate(**{FLAGS_FIELD: flag_expression(ref)})


def flags_of(queryset: QuerySet) -> dict[int, list[str]]:
    """{enterprise id: [label, …]} for the flagged enterprises of `queryset` (of enterprises), one query."""
    rows = annotate_flags(queryset.order_by()).exclude(**{FLAGS_FIELD: ""}).values_list("pk", FLAGS_FIELD)
    return {pk: labels.split(" ") for pk, labels in rows}
