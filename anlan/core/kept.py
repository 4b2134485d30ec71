"""Derived values a process keeps until the tables they are made of change (issue 21: lists and the 工作台 at
`--profile large`).

Some figures cost far more to compute than to check: the 工作台's 演练到期 assesses every high-risk
enterprise and plan of the county against its drills (5,000 assessments, ~70 ms in a large county) to say one
number that changes only when a drill, an enterprise or a plan does. `kept(key, models, compute)` returns the
value this process computed for `key` while the version of `models` is the same, else computes it again.

The version is read in one query of scalar subqueries: the highest key of each table (rows added; ids are
never reused: AUTOINCREMENT on SQLite, sequences on PostgreSQL) and the head of the audit chain (every change
through the services is audited, ARCHITECTURE.md: an edit, a workflow step, a deletion). A change that is
neither audited nor adds a row would not be seen — the services rule is what this relies on, as the kept map
layers do (geo.layers). Keys must name everything else the value depends on (the user's scope, the day).

One path is allowed to change rows in place without an audit entry, because it runs many times a minute and
must stay a fixed number of queries per batch: the monitoring ingest (MQTT, HTTP, replay) and the offline watch
write each reporting sensor's latest value, time and live status and each open alarm's peak. A model such
a path writes names it: `kept_generation = "monitoring.live"`. The path moves that generation once per batch
(`bump_generation`, one upsert of one row, in the batch's transaction), and every version over the model reads
it in the same query (`generations_sql`).

Why a counter row and not the tables' own figures: MAX(last_ts) of the sensors does not move when a batch's
readings are no newer than another sensor's latest (gateways report the same minute) nor when the offline
watch marks a sensor 离线; nothing about the alarms' ids moves when an open alarm's peak rises; and a MAX over
ids or over a non-transactional sequence can be committed out of order (batch A takes id 10, batch B id 11, B
commits first: a reader keeps what it built at 11 and A's commit never moves the version again). An UPDATE of
one row in the writer's own transaction is seen exactly when its data is. On PostgreSQL concurrent batches queue
on the row's lock, so the bump comes after the batch's last write (the sensors' update) and holds the lock only
until the batch commits (SQLite writers are serialised anyway). Cost: one statement per batch.
"""

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.db import connections

KEPT_VALUES = 512  # per process; least recently used dropped first (each is a small value)

_kept: "OrderedDict[tuple, object]" = OrderedDict()
_lock = threading.Lock()


def audit_head_sql(using: str = "default") -> str:
    """A scalar subquery: the id of the newest audit entry (the head of the chain). Other apps' version
    queries (geo.layers' kept map layers) embed it rather than naming core's table themselves."""
    from anlan.core.models import AuditEntry

    quote = connections[using].ops.quote_name
    return f"(SELECT MAX({quote(AuditEntry._meta.pk.column)}) FROM {quote(AuditEntry._meta.db_table)})"


_GENERATION_NAME = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")


def _generation_name(name: str) -> str:
    if not _GENERATION_NAME.match(name):  # written into SQL as a literal: only plain names
        raise ValueError(f"generation name {name!r}: lower-case letters, digits, '_' and '.' only")
    return name


def generations_sql(models: Iterable, using: str = "default") -> list[str]:
    """Scalar subqueries: the generation of each `kept_generation` the models name (none for most models),
    for a version query to read beside their tables' figures."""
    from anlan.core.models import Generation

    quote = connections[using].ops.quote_name
    names = sorted({_generation_name(n) for m in models if (n := getattr(m, "kept_generation", None))})
    table = quote(Generation._meta.db_table)
    return [f"(SELECT {quote('value')} FROM {table} WHERE {quote('name')} = '{name}')" for name in names]


def bump_generation(name: str, using: str = "default") -> None:
    """Move the generation `name` on: one statement, inside the caller's transaction (see above). Call it once
    per batch, after the batch's last write."""
    from anlan.core.models import Generation

    quote = connections[using].ops.quote_name
    table = quote(Generation._meta.db_table)
    value = quote("value")
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('name')}, {value}) VALUES (%s, 1) "
            f"ON CONFLICT ({quote('name')}) DO UPDATE SET {value} = {table}.{value} + 1",
            [_generation_name(name)],
        )


def tables_version(models: Iterable, using: str = "default") -> tuple:
    """(highest key of each model's table …, generations they name …, head of the audit chain), in one query."""
    quote = connections[using].ops.quote_name
    models = sorted(set(models), key=lambda m: m._meta.db_table)
    parts = [f"(SELECT MAX({quote(m._meta.pk.column)}) FROM {quote(m._meta.db_table)})" for m in models]
    parts += generations_sql(models, using)
    parts.append(audit_head_sql(using))
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}")
        return tuple(cursor.fetchone())


def kept(key: tuple, models: Iterable, compute: Callable[[], object]):
    """`compute()`, or what it returned in this process for `key` while `models`' version is unchanged."""
    full = (key, tables_version(models))
    with _lock:
        if full in _kept:
            _kept.move_to_end(full)
            return _kept[full]
    value = compute()
    with _lock:
        _kept[full] = value
        while len(_kept) > KEPT_VALUES:
            _kept.popitem(last=False)
    return value


def tables_in(sql: str) -> set:
    """The models whose tables a query's SQL reads (quoted names, as Django writes them)."""
    from django.apps import apps

    return {m for m in apps.get_models() if f'"{m._meta.db_table}"' in sql}


def forget_kept() -> None:
    """Tests: a rolled-back transaction moves a version backwards, so each test starts with nothing kept."""
    with _lock:
        _kept.clear()
