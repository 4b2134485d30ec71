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
"""

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


def tables_version(models: Iterable, using: str = "default") -> tuple:
    """(highest key of each model's table …, head of the audit chain), in one query."""
    quote = connections[using].ops.quote_name
    parts = [
        f"(SELECT MAX({quote(m._meta.pk.column)}) FROM {quote(m._meta.db_table)})"
        for m in sorted(set(models), key=lambda m: m._meta.db_table)
    ]
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
