"""API lists without per-row serializer work (issue 21, item 3).

A DRF list page of 50 rows built 50 model instances and ran each serializer field's `get_attribute` and
`to_representation` on each: ~10 ms of CPU for a page of hidden hazards, most of the request. Here a flat
ModelSerializer is *compiled* once per class into

- the `values_list()` columns its output needs (a foreign key's id column, a slug through one join), and
- one generated function `row → dict` that writes each field as DRF would: a value DRF passes through
  unchanged (text, choice codes, numbers, booleans, ids) is copied, anything else goes through the DRF
  field's own `to_representation` (dates, times in the current time zone, decimals), None stays None, and an
  encrypted field is shown as `masking.visible_value` shows it to the requesting user.

A field that is not a column (a model property, a `source="*"` field, a method field) is declared by the
viewset in `values_fields` — `ValuesField(columns, function)` — or by the serializer field itself
(`values_columns` + `from_values`, as `geo.fields.LocationField` does). A serializer the compiler cannot
reproduce exactly (a nested serializer, a method field, an overridden `to_representation`, a full ID number
whose showing is audited per object) is served by DRF's own list, unchanged: the mechanism never guesses.
`tests/core/test_fastlist.py` holds the output equal to the serializer's.

Scoping (`get_queryset` → `restrict()`), filters, ordering, pagination (its COUNT and envelope) and the
OpenAPI schema (the serializer class) are DRF's as before; only the page's rows are built differently, and
the response is rendered by orjson (`OrjsonRenderer`).
"""

from collections.abc import Callable
from dataclasses import dataclass

import orjson
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.core.paginator import Paginator as DjangoPaginator
from django.db import models
from django.utils.functional import cached_property
from rest_framework import relations, serializers
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from .fields import EncryptedCharField
from .kept import kept, tables_in
from .masking import visible_value
from .roles import sees_full_id_number

__all__ = ["CompiledSerializer", "OrjsonRenderer", "ValuesField", "ValuesListMixin", "compile_serializer"]


@dataclass(frozen=True)
class ValuesField:
    """An output field made from `columns` of the row: `function(*values)` gives its JSON value."""

    columns: tuple[str, ...]
    function: Callable


# DRF field classes whose to_representation returns a database value of the model field's own type
# unchanged (str(str), int(int), float(float), a bool, a choice code): copied as they come.
_PASS_THROUGH = {
    serializers.CharField.to_representation,
    serializers.ChoiceField.to_representation,
    serializers.IntegerField.to_representation,
    serializers.FloatField.to_representation,
    serializers.BooleanField.to_representation,
}
_PASS_THROUGH_MODEL_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.AutoField,
    models.BigAutoField,
    models.FloatField,
    models.BooleanField,
)
_PLAIN_SERIALIZER_METHODS = {
    "to_representation": {serializers.ModelSerializer.to_representation},
    "get_fields": {serializers.ModelSerializer.get_fields},
}
_NOT_COMPILABLE = (
    serializers.BaseSerializer,
    serializers.SerializerMethodField,
    serializers.ManyRelatedField,
    serializers.HiddenField,
    relations.HyperlinkedRelatedField,
)


class NotCompilable(Exception):
    """The serializer's output cannot be reproduced from columns: DRF's own list serves it."""


@dataclass
class CompiledSerializer:
    columns: list[str]
    build: Callable  # (row tuple, user) -> dict
    masked: list[tuple[str, str]]  # (field name, sensitive kind) of encrypted fields
    keys: list[str]

    def rows(self, rows, user) -> list[dict]:
        if any(kind == "id_number" for _, kind in self.masked) and sees_full_id_number(user):
            # A full ID number shown is audited per object (masking.note_full_id_view): not done here.
            raise NotCompilable("full ID numbers are audited per object")
        build = self.build
        return [build(row, user) for row in rows]


def allow_plain_methods(*functions) -> None:
    """Declare a ModelSerializer subclass's own get_fields / to_representation as output-preserving (e.g.
    core.api.ScopedSerializer: it limits related choices for writes and masks encrypted fields, which the
    compiled rows do themselves)."""
    for function in functions:
        _PLAIN_SERIALIZER_METHODS[function.__name__].add(function)


_compiled: dict[tuple, CompiledSerializer | None] = {}


def compile_serializer(serializer, values_fields: dict[str, ValuesField] | None = None) -> CompiledSerializer:
    """The compiled form of `serializer` (an instance, whose `fields` are the output); cached per class and
    overrides. Raises NotCompilable when the output could differ from the serializer's."""
    values_fields = values_fields or {}
    cls = type(serializer)
    key = (cls, tuple(sorted((k, id(v)) for k, v in values_fields.items())))
    if key not in _compiled:
        try:
            _compiled[key] = _compile(serializer, values_fields)
        except NotCompilable:
            _compiled[key] = None
    found = _compiled[key]
    if found is None:
        raise NotCompilable(cls.__name__)
    return found


def _compile(serializer, values_fields) -> CompiledSerializer:
    cls = type(serializer)
    for method, allowed in _PLAIN_SERIALIZER_METHODS.items():
        if getattr(cls, method) not in allowed:
            raise NotCompilable(f"{cls.__name__}.{method}")
    model = serializer.Meta.model
    columns: list[str] = []
    keys: list[str] = []
    masked: list[tuple[str, str]] = []
    namespace: dict = {"visible_value": visible_value}
    parts: list[str] = []

    def column(name: str) -> int:
        if name not in columns:
            columns.append(name)
        return columns.index(name)

    for field in serializer._readable_fields:
        name = field.field_name
        keys.append(name)
        declared = values_fields.get(name)
        if declared is None and hasattr(field, "values_columns"):
            declared = ValuesField(tuple(field.values_columns), field.from_values)
        if declared is not None:
            indexes = [column(c) for c in declared.columns]
            namespace[f"f_{len(keys)}"] = declared.function
            parts.append(f"{name!r}: f_{len(keys)}({', '.join(f'row[{i}]' for i in indexes)})")
            continue
        if isinstance(field, _NOT_COMPILABLE) or field.source == "*" or "." in field.source:
            raise NotCompilable(name)
        try:
            model_field = model._meta.get_field(field.source)
        except FieldDoesNotExist:
            raise NotCompilable(name) from None
        if getattr(model_field, "many_to_many", False) or getattr(model_field, "one_to_many", False):
            raise NotCompilable(name)
        if isinstance(field, serializers.PrimaryKeyRelatedField):
            if field.pk_field is not None or model_field.target_field != model_field.related_model._meta.pk:
                raise NotCompilable(name)
            parts.append(f"{name!r}: row[{column(model_field.attname)}]")
            continue
        if isinstance(field, serializers.SlugRelatedField):
            parts.append(f"{name!r}: row[{column(f'{field.source}__{field.slug_field}')}]")
            continue
        if isinstance(field, relations.RelatedField) or model_field.is_relation:
            raise NotCompilable(name)
        index = column(model_field.attname)
        if isinstance(model_field, EncryptedCharField):
            if name != model_field.name:  # ScopedSerializer masks by the model field's name only
                raise NotCompilable(name)
            masked.append((name, model_field.sensitive_kind))
            parts.append(f"{name!r}: visible_value(user, {model_field.sensitive_kind!r}, row[{index}])")
            continue
        if type(field).to_representation in _PASS_THROUGH and isinstance(model_field, _PASS_THROUGH_MODEL_FIELDS):
            parts.append(f"{name!r}: row[{index}]")
            continue
        namespace[f"f_{len(keys)}"] = field.to_representation
        parts.append(f"{name!r}: None if row[{index}] is None else f_{len(keys)}(row[{index}])")
    source = "def build(row, user):\n    return {" + ", ".join(parts) + "}\n"
    # The source holds only repr()s of the serializer's field names, row indexes and our own helpers' names.
    exec(compile(source, f"<compiled {cls.__name__}>", "exec"), namespace)
    return CompiledSerializer(columns=columns, build=namespace["build"], masked=masked, keys=keys)


class OrjsonRenderer(JSONRenderer):
    """DRF's JSON, written by orjson: the same compact UTF-8 text. Datetimes, decimals, lazy strings and the
    rest orjson does not write itself go through DRF's encoder, so every value is written as before."""

    _default = JSONEncoder().default

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        options = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
        return orjson.dumps(data, default=self._default, option=options)


class KeptCountPaginator(DjangoPaginator):
    """A page's `count` kept by the process (core.kept) while the tables its query reads are unchanged: the
    exact COUNT over a large county's 100,000 hidden hazards was most of the list's cost at `--profile large`
    (issue 21). The key is the query's SQL and parameters, so each scope and filter has its own count."""

    @cached_property
    def count(self):
        rows = self.object_list
        try:
            sql, params = rows.query.sql_with_params()
        except EmptyResultSet:  # a scope that sees nothing (`.none()`, an enterprise user's sensors)
            return 0
        return kept(("page count", rows.db, sql, params), tables_in(sql), rows.count)


class ValuesListMixin:
    """For a ScopedModelViewSet: `list` builds its page from `values_list()` through the compiled serializer
    (above) instead of model instances; `values_fields` names the fields that are not columns.

    `keep_count = True`: the page count is kept per process until the tables change (KeptCountPaginator). Only
    for a model whose rows change through the audited services alone, or whose unaudited in-place writer moves
    the generation the model names (sensors: ingest writes their live status and moves `monitoring.live`,
    core.kept) — any other in-place change would not be seen by the version."""

    values_fields: dict[str, ValuesField] = {}
    keep_count = False
    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]

    def list(self, request, *args, **kwargs):
        serializer = self.get_serializer()
        try:
            compiled = compile_serializer(serializer, self.values_fields)
        except NotCompilable:
            return super().list(request, *args, **kwargs)
        if any(kind == "id_number" for _, kind in compiled.masked) and sees_full_id_number(request.user):
            return super().list(request, *args, **kwargs)
        rows = self.filter_queryset(self.get_queryset()).values_list(*compiled.columns)
        if self.keep_count and self.paginator is not None:
            self.paginator.django_paginator_class = KeptCountPaginator
        page = self.paginate_queryset(rows)
        if page is not None:
            return self.get_paginated_response(compiled.rows(page, request.user))
        return Response(compiled.rows(rows, request.user))
