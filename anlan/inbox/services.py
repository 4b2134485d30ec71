"""Sending in-app messages: in bulk, once per (recipient, dedupe key)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from .models import Notification


@dataclass(frozen=True)
class Message:
    category: str
    title: str
    body: str = ""
    link: str = ""
    dedupe_key: str = ""


def notify(recipients: Iterable, message: Message) -> int:
    """Send `message` to each recipient (users or user ids); returns how many were new."""
    return notify_many([(r, message) for r in recipients])


def notify_many(pairs: Iterable[tuple[object, Message]]) -> int:
    rows = [
        Notification(
            recipient_id=getattr(user, "pk", user),
            category=m.category,
            title=m.title[:200],
            body=m.body,
            link=m.link,
            dedupe_key=m.dedupe_key,
        )
        for user, m in pairs
    ]
    if not rows:
        return 0
    keyed = {(r.recipient_id, r.dedupe_key) for r in rows if r.dedupe_key}
    existing = set()
    if keyed:
        existing = set(
            Notification.objects.filter(
                recipient_id__in={u for u, _ in keyed}, dedupe_key__in={k for _, k in keyed}
            ).values_list("recipient_id", "dedupe_key")
        )
    fresh, seen = [], set()
    for r in rows:
        key = (r.recipient_id, r.dedupe_key)
        if r.dedupe_key and (key in existing or key in seen):
            continue
        seen.add(key)
        fresh.append(r)
    # ignore_conflicts: a message written by a concurrent request between the check above and here is kept
    # once (the (recipient, key) constraint), instead of failing the caller's transaction.
    if connection.vendor == "postgresql" and len(fresh) > 100:
        _insert_unnest(fresh)  # an ingest batch's alarm notices: thousands of rows
    else:
        Notification.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
    return len(fresh)


def _insert_unnest(rows: list[Notification]) -> None:
    """PostgreSQL: the rows in one statement over arrays, what bulk_create does without compiling a
    placeholder per field and row (most of its cost for thousands of rows)."""
    now = timezone.now()
    columns = ("recipient_id", "category", "title", "body", "link", "dedupe_key")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Notification._meta.db_table} ({', '.join(columns)}, created_at) "
            "SELECT r, c, t, b, l, k, %s FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], "
            "%s::text[]) AS u(r, c, t, b, l, k) ON CONFLICT DO NOTHING",
            [now, *([getattr(row, column) for row in rows] for column in columns)],
        )


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.restrict(user).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.restrict(user).filter(read_at__isnull=True).count()
