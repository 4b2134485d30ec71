"""What became of a notice's deliveries, counted by recipient (people), not by outbox row.

A recipient may have several rows for one notice: a failed SMS followed by its fallback voice call, a
叫应 voice call after the SMS, an in-app message and an e-mail for a platform user. So a recipient is
one target, and their outcome is the best of their rows: delivered if any row was delivered, pending if
none was and one is still queued or being sent, failed only when every row failed. Per channel each
recipient has one row, so there a row is a person.

Reads only; `outbox.retry_failed` is the write that goes with it.
"""

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Sum, Value, When

from anlan.core.masking import visible_value
from anlan.geo.models import Region

from . import recipients
from .channels import CHANNEL_LABELS
from .models import Delivery

DELIVERED = (Delivery.Status.SENT, Delivery.Status.ACKNOWLEDGED)
PENDING = (Delivery.Status.QUEUED, Delivery.Status.SENDING)


def _flag(condition: Q):
    return Max(Case(When(condition, then=1), default=0, output_field=IntegerField()))


def per_recipient(deliveries: QuerySet[Delivery]) -> QuerySet:
    """One row per recipient key: is_delivered / is_pending / is_acknowledged as 0 or 1, and their last
    row's id."""
    return (
        deliveries.order_by()
        .values("recipient_key")
        .annotate(
            is_delivered=_flag(Q(status__in=DELIVERED)),
            is_pending=_flag(Q(status__in=PENDING)),
            is_acknowledged=_flag(Q(status=Delivery.Status.ACKNOWLEDGED)),
            last_id=Max("pk"),
        )
    )


def totals(deliveries: QuerySet[Delivery]) -> dict[str, int]:
    """{"targeted", "sent", "queued", "failed", "acknowledged"} in recipients: each recipient counted once,
    in the first of delivered, pending, failed that applies."""
    rows = per_recipient(deliveries).aggregate(
        targeted=Count("recipient_key"),
        sent=Sum("is_delivered"),
        queued=Sum(Case(When(is_delivered=0, is_pending=1, then=1), default=0, output_field=IntegerField())),
        failed=Sum(Case(When(is_delivered=0, is_pending=0, then=1), default=0, output_field=IntegerField())),
        acknowledged=Sum("is_acknowledged"),
    )
    return {key: value or 0 for key, value in rows.items()}


def channel_report(deliveries: QuerySet[Delivery], reasons_limit: int = 12) -> tuple[list[dict], list[dict]]:
    """Per channel and the failure reasons, from one pass over the rows (a county-wide warning has a
    million): (by_channel, reasons).

    by_channel: {"channel", "label", "targeted", "sent", "queued", "failed", "fell_back"} — recipients
    tried on the channel, delivered, pending, failed, and of the failed those whose next channel was
    tried (a fallback, so not lost yet); most used channel first.
    reasons: {"channel", "label", "reason", "count"}, the most frequent first."""
    groups = (
        deliveries.order_by()
        .values("channel", "status")
        .annotate(
            moved_on=Case(When(~Q(fallback=""), then=1), default=0, output_field=IntegerField()),
            reason=Case(When(status=Delivery.Status.FAILED, then="last_error"), default=Value("")),
            n=Count("pk"),
        )
        .values_list("channel", "status", "moved_on", "reason", "n")
    )
    channels: dict[str, dict] = {}
    reasons: dict[tuple[str, str], int] = {}
    for channel, status, moved_on, reason, n in groups:
        row = channels.setdefault(
            channel,
            {"channel": channel, "label": CHANNEL_LABELS.get(channel, channel), "targeted": 0, "sent": 0}
            | {"queued": 0, "failed": 0, "fell_back": 0},
        )
        row["targeted"] += n
        if status in DELIVERED:
            row["sent"] += n
        elif status in PENDING:
            row["queued"] += n
        else:
            row["failed"] += n
            row["fell_back"] += n if moved_on else 0
            reasons[(channel, reason)] = reasons.get((channel, reason), 0) + n
    by_channel = sorted(channels.values(), key=lambda row: (-row["targeted"], row["channel"]))
    ranked = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))[:reasons_limit]
    return by_channel, [
        {
            "channel": channel,
            "label": CHANNEL_LABELS.get(channel, channel),
            "reason": reason or "未记录原因",
            "count": count,
        }
        for (channel, reason), count in ranked
    ]


def failure_reasons(deliveries: QuerySet[Delivery], limit: int = 12) -> list[dict]:
    """The reasons deliveries failed, most frequent first: {"channel", "label", "reason", "count"}."""
    return channel_report(deliveries.filter(status=Delivery.Status.FAILED), limit)[1]


def unreached(deliveries: QuerySet[Delivery]) -> QuerySet:
    """Recipients none of whose rows was delivered or is still pending (every channel failed), with the
    id of their last row (the last failure), in the order their first row was written."""
    return per_recipient(deliveries).filter(is_delivered=0, is_pending=0).order_by("last_id")


def failed_rows(last_ids: list[int], user) -> list[dict]:
    """The unreached recipients' last failed rows, for a page of the failed list: name, who they are (the
    source's label), region name, channel, reason, attempts, and the phone as `user` may see it (masked
    for roles without need, core.masking; looked up from the source only for this page)."""
    rows = list(
        Delivery.objects.filter(pk__in=last_ids).values(
            "pk", "recipient_key", "recipient_name", "region_code", "channel", "last_error", "attempts"
        )
    )
    rows.sort(key=lambda row: last_ids.index(row["pk"]))
    labels: dict[str, str] = {}
    for source in recipients.sources():
        labels.setdefault(source.kind, source.label)
    wanted: dict[str, set[int]] = {}
    for row in rows:
        kind, pk = recipients.split_key(row["recipient_key"])
        wanted.setdefault(kind, set()).add(pk)
    phones: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        try:
            found = recipients.lookup(kind, sorted(ids))
        except KeyError:  # a source no longer registered: no phone to show
            continue
        for pk, addresses in found:
            phones[(kind, pk)] = addresses.get("phone", "")
    regions = dict(Region.objects.filter(code__in={r["region_code"] for r in rows}).values_list("code", "name"))
    out = []
    for row in rows:
        kind, pk = recipients.split_key(row["recipient_key"])
        out.append(
            {
                **row,
                "kind": labels.get(kind, kind),
                "region": regions.get(row["region_code"], row["region_code"]),
                "label": CHANNEL_LABELS.get(row["channel"], row["channel"]),
                "phone": visible_value(user, "phone", phones.get((kind, pk), "")),
                "reason": row["last_error"] or "未记录原因",
            }
        )
    return out
