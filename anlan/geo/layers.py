"""The map-layer registry for 一张图: every app adds its layers here; the map page lists them.

A layer yields GeoJSON features for a user, always through the scoping function. Hot path: rows
come from `.values()` (no model instances, no serializer) in one query per layer — region names come
in the same query through a join — and the response is encoded with orjson.

A layer also says how it is drawn and explained: its theme (the panel's group), its symbol (shape and
colour, so two point layers never look alike), whether dense points are clustered, whether it is drawn
above the others (alarms, warnings, incidents), and its legend (one row per colour it uses).

Places are searched the same way: apps register what can be found by name (`register_place_search`),
each kind answering with one limited query within the user's scope.
"""

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, connections, models
from django.db.models import Aggregate, Case, F, Func, Value, When
from django.db.models.functions import Cast, Concat, JSONObject
from django.utils import timezone
from django.utils.translation import get_language
from psycopg.adapt import Loader

from .models import Region, RegionLevel

__all__ = [
    "FOUR_COLOURS",
    "THEMES",
    "MapLayer",
    "PlaceSearch",
    "all_layers",
    "all_place_searches",
    "built_collection",
    "detail_link",
    "four_colour_legend",
    "get_layer",
    "point_features",
    "point_features_json",
    "point_places",
    "register_layer",
    "register_place_search",
]

# The layer panel's groups, in the order a duty officer looks: what is happening, what is being watched,
# where the risk is, what can be sent, and the base geography.
THEMES = ["事件处置", "监测预警", "风险隐患", "应急资源", "基础地理"]
# The four colours of Chinese warning and risk grading (GB/T 35561 and the warning regulations): 红橙黄蓝.
FOUR_COLOURS = {"red": "#e02020", "orange": "#f28c28", "yellow": "#f5d000", "blue": "#2f7fd8"}
SYMBOLS = ("circle", "square", "triangle", "diamond", "hexagon", "pentagon", "star", "cross", "pin", "house", "ring")


def four_colour_legend(names: dict[str, str]) -> list[dict]:
    """Legend rows for the four colours, named by the layer (红色预警, 重大风险, Ⅰ级 …), red first."""
    return [{"label": names[key], "colour": FOUR_COLOURS[key]} for key in ("red", "orange", "yellow", "blue")]


@dataclass
class MapLayer:
    key: str
    name: str
    group: str  # one of THEMES
    geometry: str  # "polygon" | "point"
    features: Callable  # (user, params) -> list of GeoJSON Feature dicts
    style: dict = field(default_factory=dict)
    label_field: str | None = "name"
    label_min_zoom: int = 0
    default_visible: bool = True
    order: int = 100
    labels: dict = field(default_factory=dict)  # property → Chinese label for popups; others are hidden
    title_field: str = "name"  # the popup's heading
    symbol: str = "circle"  # a point layer's shape (SYMBOLS), its colour from style.fillColor
    cluster: bool = False  # dense point layers are drawn as clusters until zoomed in
    top: bool = False  # drawn above every other layer (alarms, warning areas, incidents)
    # One row per colour the layer uses: [{"label": …, "colour": …}]; empty = the layer's own symbol.
    legend: list = field(default_factory=list)
    # (user, params) -> the features as one JSON array (bytes) built by the database: the API's fast path
    # for large plain point layers. Must give the same features as `features`.
    features_json: Callable | None = None
    # user -> a key naming exactly what the layer gives this user now (its scope, its links and a version of
    # the rows), or None: the API then keeps the built array (`features_json`, or `features` encoded once)
    # and answers If-None-Match (below).
    version: Callable | None = None

    def describe(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "group": self.group,
            "theme_order": THEMES.index(self.group) if self.group in THEMES else len(THEMES),
            "order": self.order,
            "geometry": self.geometry,
            "style": self.style,
            "label_field": self.label_field,
            "label_min_zoom": self.label_min_zoom,
            "default_visible": self.default_visible,
            "labels": self.labels,
            "title_field": self.title_field,
            "symbol": self.symbol,
            "cluster": self.cluster,
            "top": self.top,
            "legend": self.legend,
        }


_LAYERS: dict[str, MapLayer] = {}


def register_layer(layer: MapLayer) -> MapLayer:
    _LAYERS[layer.key] = layer
    return layer


def all_layers() -> list[MapLayer]:
    return sorted(_LAYERS.values(), key=lambda layer: (layer.order, layer.key))


def get_layer(key: str) -> MapLayer | None:
    return _LAYERS.get(key)


def detail_link(user, model) -> Callable[[object], str] | None:
    """pk → the record's detail page, when the registry kit has one for `model` and the user's role may open
    it (rows are already in the user's scope); None otherwise. Reversed once per request, not per feature."""
    from django.urls import NoReverseMatch, reverse

    from anlan.core.kit import config_for
    from anlan.core.roles import role_allows

    try:
        config = config_for(model)
    except KeyError:  # no registry page for this model
        return None
    if not role_allows(user, "view", model):
        return None
    for marker in ("987654321", "987654321987"):  # a row id, or a 12-digit region code
        try:
            url = reverse(config.url_name("detail"), kwargs={"pk": marker})
        except NoReverseMatch:
            continue
        head, tail = url.split(marker)
        return lambda pk: f"{head}{pk}{tail}"
    return None


def boundary_features(level: str):
    def features(user, params) -> list[dict]:
        rows = (
            Region.objects.restrict(user)
            .filter(level=level, boundary__isnull=False)
            .values("code", "name", "parent__name", "boundary", "center_lon", "center_lat", "synthetic")
        )
        link = detail_link(user, Region)
        return [
            {
                "type": "Feature",
                "id": row["code"],
                "geometry": row["boundary"],
                "properties": {
                    "code": row["code"],
                    "name": row["name"],
                    "region": row["code"],
                    "parent_label": row["parent__name"],
                    "label_at": [row["center_lon"], row["center_lat"]],
                    "synthetic": row["synthetic"],
                    "url": link(row["code"]) if link else None,
                },
            }
            for row in rows
        ]

    return features


# Popups name a region; its 12-digit code is on its detail page (the 详情 link), not in the popup.
BOUNDARY_LABELS = {"name": "名称", "parent_label": "上级区划", "synthetic": "演示数据"}

register_layer(
    MapLayer(
        key="county",
        name="县界",
        group="基础地理",
        geometry="polygon",
        features=boundary_features(RegionLevel.COUNTY),
        labels=BOUNDARY_LABELS,
        style={"color": "#c0392b", "weight": 3, "fillOpacity": 0.02},
        label_field=None,  # the county is named in the page title; a label would sit on a township's
        legend=[{"label": "县界", "colour": "#c0392b", "line": "solid"}],
        order=1,
    )
)
register_layer(
    MapLayer(
        key="townships",
        name="乡镇（街道）界",
        group="基础地理",
        geometry="polygon",
        features=boundary_features(RegionLevel.TOWNSHIP),
        labels=BOUNDARY_LABELS,
        style={"color": "#2c3e50", "weight": 2, "fillOpacity": 0.04},
        legend=[{"label": "乡镇（街道）界", "colour": "#2c3e50", "line": "solid"}],
        order=2,
    )
)
register_layer(
    MapLayer(
        key="villages",
        name="村（社区）界",
        group="基础地理",
        geometry="polygon",
        features=boundary_features(RegionLevel.VILLAGE),
        labels=BOUNDARY_LABELS,
        style={"color": "#7f8c8d", "weight": 1, "dashArray": "3 3", "fillOpacity": 0},
        legend=[{"label": "村（社区）界", "colour": "#7f8c8d", "line": "dashed"}],
        label_min_zoom=12,
        default_visible=False,
        order=3,
    )
)


def point_features(
    queryset,
    properties: list[str],
    lon: str = "lon",
    lat: str = "lat",
    *,
    user=None,
    raw: tuple[str, ...] = (),
    extra: Callable[[dict, dict], None] | None = None,
) -> list[dict]:
    """GeoJSON point features from a (restricted) queryset in ONE query, choice codes shown as labels.

    `properties` are field names (or `fk__field` paths); rows without coordinates are skipped. A region is
    named through a join in the same query (`<name>_label`), a time in local time. With `user`, each
    feature links to its detail page (`url`) when the user's role may open it. `raw` fields are read but
    not sent; `extra(row, props)` adds computed properties (colours, a reading with its unit) from the row.
    """
    model = queryset.model
    times = [name for name in properties if _is_datetime(model, name)]
    keys, expressions, selected = _plan(model, properties, user)
    annotations = {alias: expression for alias, expression in expressions.items() if alias.startswith("_")}
    # `extra` reads the stored codes (a level decides a colour), so they come too when it is given.
    codes = [name for name, alias in zip(properties, selected, strict=False) if alias != name] if extra else []
    selected = list(selected)
    columns = list(dict.fromkeys(["pk", lon, lat, *selected, *raw, *codes]))
    width = len(keys)
    timed = [(f"{name}_label", name) for name in times]
    queryset = queryset.order_by()  # the model's default ordering would make the database sort every row
    if annotations:
        queryset = queryset.annotate(**annotations)
    features = []
    for row in queryset.values_list(*columns):
        pk, x, y = row[0], row[1], row[2]
        if x is None or y is None:
            continue
        props = dict(zip(keys, row[3 : 3 + width], strict=True))
        props["id"] = pk
        # Codes and ISO times stay for programs; popups show `<name>_label`: the region's name, local time.
        for key, name in timed:
            props[key] = f"{timezone.localtime(props[name]):%Y-%m-%d %H:%M}" if props[name] else None
        if extra is not None:
            extra(dict(zip(columns, row, strict=True)), props)
        features.append(
            {"type": "Feature", "id": pk, "geometry": {"type": "Point", "coordinates": [x, y]}, "properties": props}
        )
    return features


def _plan(model, properties: list[str], user) -> tuple[list[str], dict, list[str]]:
    """What a point layer's properties are made of, for both ways of building them: the property keys, an
    expression per selected column (alias → expression; a plain field is `F(name)`), and the columns.

    The database does the per-row work it does fastest (this is the hot path: 20,000 points ≤ 300 ms): a
    choice code becomes its Chinese label in a CASE, the detail link is concatenated, the region's name
    comes through a join."""
    regions = [name for name in properties if _is_region(model, name)]
    expressions, selected = {}, []
    for name in properties:
        field = _model_field(model, name)
        if field is not None and field.choices and not field.is_relation:
            # A number with choices too (a dike's grade 3 → "3 级"); an unlisted code comes as it is stored.
            alias = f"_label_{name}"
            whens = [When(**{name: key}, then=Value(str(label))) for key, label in field.choices]
            stored = F(name) if isinstance(field, models.CharField) else Cast(F(name), models.CharField())
            expressions[alias] = Case(*whens, default=stored, output_field=models.CharField())
        else:
            alias = name
            expressions[alias] = F(name)
        selected.append(alias)
    keys = list(properties)
    for name in regions:
        expressions[f"{name}__name"] = F(f"{name}__name")
        selected.append(f"{name}__name")
        keys.append(f"{name}_label")
    link = detail_link(user, model) if user is not None else None
    if link is not None:
        head, tail = link("\x00").split("\x00")
        expressions["_url"] = Concat(Value(head), Cast("pk", models.CharField()), Value(tail))
        selected.append("_url")
        keys.append("url")
    return keys, expressions, selected


# PostgreSQL builds these as `json` (text kept as written), not `jsonb`: nothing queries inside them, and
# jsonb's parsing and key ordering cost several times more for a 20,000-feature layer.
class _JSONObject(JSONObject):
    def as_postgresql(self, compiler, connection, **extra_context):
        copy = self.copy()
        copy.set_source_expressions(
            [
                Cast(expression, models.TextField()) if index % 2 == 0 else expression
                for index, expression in enumerate(copy.get_source_expressions())
            ]
        )
        return Func.as_sql(copy, compiler, connection, function="JSON_BUILD_OBJECT", **extra_context)


class _JSONArray(Func):
    function = "JSON_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_BUILD_ARRAY", **extra_context)


class _JSONGroupArray(Aggregate):
    function = "JSON_GROUP_ARRAY"
    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, function="JSON_AGG", **extra_context)
        return f"({sql})::text", params


def _json_value(model, name: str, expression):
    """A property as JSON: SQLite keeps booleans as 0/1, so they are written as JSON true/false there."""
    field = _model_field(model, name)
    if connection.vendor == "sqlite" and isinstance(field, models.BooleanField):
        return Case(
            When(**{name: True}, then=Func(Value("true"), function="json")),
            When(**{name: False}, then=Func(Value("false"), function="json")),
            default=None,
            output_field=models.JSONField(),
        )
    return expression


def point_features_json(queryset, properties: list[str], *, user=None) -> bytes:
    """The same features as `point_features` (without `extra` or times), as one JSON array the database
    builds and aggregates: the rows never become Python objects. The API sends it as it comes."""
    if connections[queryset.db].vendor == "postgresql":
        return _point_features_text(queryset, properties, user=user)
    model = queryset.model
    keys, expressions, selected = _plan(model, properties, user)
    props = {key: _json_value(model, alias, expressions[alias]) for key, alias in zip(keys, selected, strict=True)}
    feature = _JSONObject(
        type=Value("Feature"),
        id=F("pk"),
        geometry=_JSONObject(type=Value("Point"), coordinates=_JSONArray(F("lon"), F("lat"))),
        properties=_JSONObject(**props, id=F("pk")),
    )
    rows = queryset.order_by().filter(lon__isnull=False, lat__isnull=False)
    found = rows.aggregate(features=_JSONGroupArray(feature))["features"]
    return (found or "[]").encode()


# ---- PostgreSQL: each feature written as JSON text by one concat()
#
# `json_build_object` looks up how to write each argument's type on every call: for a 20,000-point layer that
# was most of the 220–300 ms the query took (EXPLAIN ANALYZE), the rows themselves ~20 ms. Writing each
# feature as text costs a fraction of it: everything that is known in advance (keys, punctuation, choice
# labels, the detail link around the id) is JSON-encoded here once and sent as literals; numbers and
# booleans are written by a cast or a CASE; only free text (names, codes) goes through `to_json`, which
# escapes exactly as `json_build_object` does. The features stay the same JSON values (the tests compare
# them with the Python-built ones, awkward names included); SQLite keeps its `json_group_array`.

# Written by a cast. Not floats: PostgreSQL writes NaN and infinities as words, which `to_json` quotes.
_NUMBERS = (models.IntegerField, models.AutoField, models.BigAutoField)
_NOT_FINITE = [float("nan"), float("inf"), float("-inf")]


class _Text(Func):
    """`concat(…)` of JSON text pieces: a str piece is a literal, anything else an expression giving text."""

    function = "CONCAT"
    output_field = models.TextField()

    def __init__(self, *pieces):
        super().__init__(*[Cast(Value(p), models.TextField()) if isinstance(p, str) else p for p in pieces])


def _json_literal(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _to_json(expression) -> Func:
    """Any value as JSON text, as `json_build_object` writes it (NULL → null)."""
    as_json = Cast(Func(expression, function="TO_JSON"), models.TextField())
    return Func(as_json, Value("null"), function="COALESCE", output_field=models.TextField())


def _json_number(expression) -> Func:
    return Func(
        Cast(expression, models.TextField()), Value("null"), function="COALESCE", output_field=models.TextField()
    )


def _json_text_value(model, name: str, alias: str, expression, user):
    """A property's JSON text: literal labels for choices, a cast for numbers, a CASE for booleans, the link
    around the id, `to_json` for the rest."""
    field = _model_field(model, name)
    if alias.startswith("_label_"):
        whens = [When(**{name: key}, then=Value(_json_literal(str(label)))) for key, label in field.choices]
        stored = F(name) if isinstance(field, models.CharField) else Cast(F(name), models.CharField())
        return Case(*whens, default=_to_json(stored), output_field=models.TextField())
    if alias == "_url" and isinstance(model._meta.pk, _NUMBERS):
        head, tail = detail_link(user, model)("\x00").split("\x00")
        return _Text(_json_literal(head)[:-1], Cast("pk", models.TextField()), _json_literal(tail)[1:])
    if isinstance(field, models.BooleanField):
        return Case(
            When(**{name: True}, then=Value("true")),
            When(**{name: False}, then=Value("false")),
            default=Value("null"),
            output_field=models.TextField(),
        )
    if isinstance(field, _NUMBERS) and not field.is_relation:
        return _json_number(F(name))
    return _to_json(expression)


def _point_features_text(queryset, properties: list[str], *, user=None) -> bytes:
    model = queryset.model
    keys, expressions, selected = _plan(model, properties, user)
    names = [*properties, *selected[len(properties) :]]  # region names and the link: their alias is their name
    pk = _json_number(F("pk"))
    pieces: list = ['{"type":"Feature","id":', pk, ',"geometry":{"type":"Point","coordinates":[']
    pieces += [_json_number(F("lon")), ",", _json_number(F("lat")), ']},"properties":{']
    for index, (key, name, alias) in enumerate(zip(keys, names, selected, strict=True)):
        pieces += [
            ("," if index else "") + _json_literal(key) + ":",
            _json_text_value(model, name, alias, expressions[alias], user),
        ]
    pieces += [("," if keys else "") + '"id":', pk, "}}"]
    # A cast writes NaN and infinities as bare words, which would make the whole array invalid JSON: such a
    # point cannot be drawn anyway, so it is left out (forms and the API do not accept one).
    rows = (
        queryset.order_by()
        .filter(lon__isnull=False, lat__isnull=False)
        .exclude(lon__in=_NOT_FINITE)
        .exclude(lat__in=_NOT_FINITE)
        .values_list(_Text(*pieces))
    )
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with connections[rows.db].cursor() as cursor:
        # The array is sent as it comes: read as the server's UTF-8 bytes, not decoded into a str and encoded
        # again (for 8 MB of Chinese names that round trip cost more than building the text).
        cursor.cursor.adapters.register_loader("text", _Utf8Bytes)
        cursor.execute(f"SELECT STRING_AGG(feature, ',') FROM ({sql}) AS features (feature)", params)
        found = cursor.fetchone()[0]
    return b"[" + (found or b"") + b"]"


class _Utf8Bytes(Loader):
    def load(self, data) -> bytes:
        return bytes(data)


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_region(model, name: str) -> bool:
    return getattr(_model_field(model, name), "related_model", None) is Region


def _is_datetime(model, name: str) -> bool:
    return isinstance(_model_field(model, name), models.DateTimeField)


def field_labels(model, names: list[str], extra: dict | None = None) -> dict:
    """Chinese popup labels for a point layer's properties, from the model's verbose names; a region is
    shown by its name and a time in local time (`<name>_label`), not as a 12-digit code or an ISO string."""
    labels = {
        f"{name}_label" if _is_region(model, name) or _is_datetime(model, name) else name: str(
            model._meta.get_field(name).verbose_name
        )
        for name in names
        # An annotation the layer's queryset adds (core.flags) is labelled by `extra`.
        if "__" not in name and name not in (extra or {})
    }
    return {**labels, **(extra or {})}


def register_point_layer(
    *,
    key: str,
    name: str,
    group: str,
    model,
    properties: list[str],
    style: dict,
    order: int,
    default_visible: bool = True,
    extra_labels: dict | None = None,
    features=None,
    symbol: str = "circle",
    cluster: bool = False,
    top: bool = False,
    legend: list | None = None,
    title_field: str = "name",
    hidden: tuple[str, ...] = (),
    queryset: Callable | None = None,
    kept: bool = False,
    reads: tuple = (),
) -> MapLayer:
    """A point layer of a located model: rows from `restrict(user)`, popups from its verbose names.

    `features(user, params)` may replace the default when a layer adds computed properties; `hidden`
    properties are sent (for programs) but not listed in the popup (a sensor's device code).

    Plain layers are kept per process (below). A layer with its own `features` is kept too with `kept=True`:
    its features must depend on nothing but the rows of `queryset(user)`, the models in `reads` its query
    joins (the alarms' sensors), the regions' names and the user's detail links — not on the time of the
    request or its parameters.
    """

    rows = queryset or (lambda user: model.objects.restrict(user))

    def default_features(user, params):
        return point_features(rows(user), properties, user=user)

    # Plain layers (no computed properties, no times) are built as JSON by the database on the API's path.
    plain = features is None and not any(_is_datetime(model, name) for name in properties)

    labels = field_labels(model, properties, extra_labels)
    for prop in hidden:
        labels.pop(prop, None)
    return register_layer(
        MapLayer(
            key=key,
            name=name,
            group=group,
            geometry="point",
            features=features or default_features,
            labels=labels,
            style={"fillOpacity": 0.9, "radius": 6, "weight": 1, **style},
            label_field=None,
            default_visible=default_visible,
            order=order,
            symbol=symbol,
            cluster=cluster,
            top=top,
            legend=legend or [],
            title_field=title_field,
            features_json=(lambda user, params: point_features_json(rows(user), properties, user=user))
            if plain
            else None,
            version=(lambda user: data_version(rows(user), user, reads)) if plain or kept else None,
        )
    )


# ---------------------------------------------------------------- built layers kept (issue 21)
#
# A 20,000-point layer costs ~90 ms of CPU to build (the database writes the JSON) and is ~8 MB: at 8
# concurrent map users on 2 cores that alone exceeded the 300 ms goal. Each process keeps the arrays it built,
# keyed by what they are made of — the layer, the SQL of the user's scoped queryset (two users with the same
# scope share it; different scopes never do), the detail links the role gets — and by a version read on every
# request, in one query of scalar subqueries (~2 ms for 20,000 rows on SQLite):
#
# - the head of the audit chain: every write through the services is audited (ARCHITECTURE.md), so any
#   change of a row, of a region's name, of anything a feature shows, moves it;
# - the row count and highest key of every table the layer's rows are read from (its own, the regions, any
#   other its queryset joins or annotates from, such as the credit flags of enterprises): rows added or
#   removed without an audit (a bulk load, `bench api`'s synthetic sites, a listing written directly) move
#   them (ids are never reused: AUTOINCREMENT on SQLite, sequences on PostgreSQL).
#
# - the generation of the tables a path changes in place without an audit entry (core.kept: the monitoring
#   ingest moves `monitoring.live` once per batch as it writes the sensors' latest values and live status),
#   so the sensors and open-alarms layers are kept too and a reading that changes one shows on the next request.
#
# Whole tables, not the scope: coarser (a change anywhere rebuilds every scope's array) but exact, and cheaper
# than aggregating the scoped rows (a scan: 10 ms). Any other in-place change that is neither audited nor adds
# or removes a row would not be seen: the services rule is what this relies on. The key is also the response's
# ETag, so a browser that has the layer is answered 304 without the body.

LAYER_CACHE_BYTES = 96 * 1024 * 1024  # per process; least recently used arrays are dropped first

_built: "OrderedDict[str, bytes]" = OrderedDict()
_built_lock = threading.Lock()
_build_lock = threading.Lock()


def data_version(queryset, user, reads=()) -> str | None:
    """A hash naming the layer's features for this user now (see above); `reads`: models the features' own
    query joins beyond those of `queryset`."""
    from anlan.core.kept import audit_head_sql, generations_sql

    model = queryset.model
    sql, params = queryset.order_by().query.sql_with_params()
    link = detail_link(user, model)
    # Every table the rows are read from (a layer's queryset may annotate from another, such as the credit
    # flags of enterprises), and the regions, whose names are joined: its row count and highest key.
    tables = sorted(_tables_of(sql) | {model, Region, *reads}, key=lambda m: m._meta.db_table)
    quote = connections[queryset.db].ops.quote_name
    counts = [
        f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)}), (SELECT MAX({quote(m._meta.pk.column)}) FROM "
        f"{quote(m._meta.db_table)})"
        for m in tables
    ]
    generations = generations_sql(tables, queryset.db)
    audit = audit_head_sql(queryset.db)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join([*counts, *generations, audit])}")
        found = cursor.fetchone()
    # The language too: choice labels are written in the active one (zh-Hans; a test may leave another).
    parts = (model._meta.label_lower, sql, params, link("\x00") if link else None, get_language(), found)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def _tables_of(sql: str) -> set:
    from anlan.core.kept import tables_in

    return tables_in(sql)


def _features_array(layer: MapLayer, user, params) -> bytes:
    """The layer's features as one JSON array: built by the database when it can, else encoded by orjson."""
    if layer.features_json is not None:
        return layer.features_json(user, params)
    return orjson.dumps(layer.features(user, params))


def built_collection(layer: MapLayer, user, params) -> tuple[str | None, bytes]:
    """(ETag value or None, GeoJSON FeatureCollection) of a layer, from this process's store when the
    version says nothing has changed (a layer without a version is built each time)."""
    version = layer.version(user) if layer.version else None
    if version is None:
        return None, _collection(_features_array(layer, user, params))
    key = f"{layer.key}-{version}"
    with _built_lock:
        body = _built.get(key)
        if body is not None:
            _built.move_to_end(key)
            return key, body
    # One build at a time in a process: the map's users who ask together for a layer not yet kept (a server
    # just started, a layer just changed) wait for one build instead of each making the same ~8 MB.
    with _build_lock:
        with _built_lock:
            body = _built.get(key)
        if body is not None:
            return key, body
        body = _collection(_features_array(layer, user, params))
    with _built_lock:
        _built[key] = body
        total = sum(len(b) for b in _built.values())
        while total > LAYER_CACHE_BYTES and len(_built) > 1:
            _, dropped = _built.popitem(last=False)
            total -= len(dropped)
    return key, body


def _collection(features: bytes) -> bytes:
    return b'{"type":"FeatureCollection","features":' + features + b"}"


def forget_built_layers() -> None:
    with _built_lock:
        _built.clear()


# ---------------------------------------------------------------- place search


@dataclass
class PlaceSearch:
    """One kind of place the map's search box finds: `search(user, q, limit)` → list of place dicts
    {"kind", "kind_label", "name", "where", "lon", "lat", "zoom"}, in ONE query within the user's scope."""

    kind: str
    label: str
    search: Callable
    order: int = 100


_PLACES: dict[str, PlaceSearch] = {}


def register_place_search(place: PlaceSearch) -> PlaceSearch:
    _PLACES[place.kind] = place
    return place


def all_place_searches() -> list[PlaceSearch]:
    return sorted(_PLACES.values(), key=lambda p: (p.order, p.kind))


def point_places(queryset, q: str, limit: int, *, kind: str, label: str, name: str = "name", zoom: int = 16):
    """Places of a located model whose `name` contains `q`: one query, rows without coordinates left out."""
    rows = (
        queryset.filter(**{f"{name}__icontains": q}, lon__isnull=False, lat__isnull=False)
        .order_by(name, "pk")
        .values("pk", name, "lon", "lat", "region__name")[:limit]
    )
    return [
        {
            "kind": kind,
            "kind_label": label,
            "id": row["pk"],
            "name": row[name],
            "where": row["region__name"] or "",
            "lon": row["lon"],
            "lat": row["lat"],
            "zoom": zoom,
        }
        for row in rows
    ]


REGION_ZOOM = {RegionLevel.COUNTY: 10, RegionLevel.TOWNSHIP: 12, RegionLevel.VILLAGE: 14}


def _regions(user, q: str, limit: int) -> list[dict]:
    rows = (
        Region.objects.restrict(user)
        .filter(name__icontains=q, center_lon__isnull=False, center_lat__isnull=False)
        .order_by("level", "code")
        .values("code", "name", "level", "parent__name", "center_lon", "center_lat")[:limit]
    )
    return [
        {
            "kind": "region",
            "kind_label": "行政区划",
            "id": row["code"],
            "name": row["name"],
            "where": row["parent__name"] or "",
            "lon": row["center_lon"],
            "lat": row["center_lat"],
            "zoom": REGION_ZOOM.get(row["level"], 13),
        }
        for row in rows
    ]


register_place_search(PlaceSearch(kind="region", label="行政区划", search=_regions, order=1))
