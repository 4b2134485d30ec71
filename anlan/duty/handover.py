"""交接班: the outgoing officer writes the handover with the desk's open items listed for them; the incoming
officer confirms receipt. After confirmation nothing changes (the workflow refuses, 400).

The open items are gathered from every registered source (sources.py: incidents with a running report
clock, alarms not closed, warnings awaiting signing, unanswered 叫应, log entries not followed up) at the
moment of writing and kept in the handover as a snapshot. An item still open at the next handover is
listed again — that is what "carried until closed" means — and keeps the time it was first handed over
(`carried_since`), so the third officer in a row sees that it has been waiting for two shifts.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anlan.core.audit import audit_record, snapshot
from anlan.core.errors import DomainError
from anlan.core.workflow import Transition, Workflow

from . import sources
from .log import require_desk
from .models import DESK_ROLES, Handover

WRITTEN, CONFIRMED = Handover.Status.WRITTEN, Handover.Status.CONFIRMED

FLOW = Workflow(
    "handover",
    dict(Handover.Status.choices),
    [
        Transition(
            "update",
            "修改交接班",
            {WRITTEN},
            None,
            roles=DESK_ROLES,
            when=lambda actor, h: actor.pk == h.outgoing_id,
            forbidden="只有交班人可以修改交接班记录",
            refused="交接班已于接班确认后锁定，不能修改",
        ),
        Transition(
            "confirm",
            "接班确认",
            {WRITTEN},
            CONFIRMED,
            roles=DESK_ROLES,
            when=lambda actor, h: actor.pk != h.outgoing_id,
            forbidden="接班确认须由接班人办理，交班人不能自己确认",
            refused="该交接班已确认，不能重复确认或修改",
        ),
    ],
)


def _with_carry(desk: str, items: list[dict], before: dt.datetime, *, editing: int | None = None) -> list[dict]:
    """Mark the items the previous handover at `desk` already listed, with when they were first handed over.
    `editing`: the handover being corrected, which is not its own predecessor."""
    previous = (
        Handover.objects.filter(desk_id=desk, written_at__lt=before)
        .exclude(pk=editing)
        .order_by("-written_at", "-id")
        .first()
    )
    first_seen = {}
    if previous is not None:
        for item in previous.items:
            if item.get("key"):
                first_seen[item["key"]] = item.get("carried_since") or previous.written_at.isoformat()
    for item in items:
        since = first_seen.get(item.get("key"))
        item["carried"] = since is not None
        item["carried_since"] = since
    return items


def gather(desk: str, at: dt.datetime | None = None, *, editing: Handover | None = None) -> list[dict]:
    """The open items a handover written at `at` (default now) lists, carried ones marked. When a written
    handover is corrected, its items are gathered now but compared with the handover before it."""
    at = at or timezone.now()
    before = editing.written_at if editing is not None else at
    return _with_carry(desk, sources.open_items(desk, at), before, editing=editing.pk if editing else None)


@transaction.atomic
def handover_write(*, actor, desk: str, notes: str = "", at: dt.datetime | None = None) -> Handover:
    """交班: write the handover of `desk` with its open items; one awaiting confirmation at a time."""
    require_desk(actor, desk)
    at = at or timezone.now()
    waiting = Handover.objects.select_for_update().filter(desk_id=desk, status=WRITTEN).first()
    if waiting is not None:
        stamp = timezone.localtime(waiting.written_at).strftime("%m月%d日%H:%M")
        raise DomainError(
            "handover.waiting_confirmation",
            f"本席位{stamp}的交接班尚待接班确认，请接班人确认后再写新的交接班（交班人可修改该记录）",
        )
    handover = Handover(
        desk_id=desk, outgoing=actor, written_at=at, notes=notes.strip(), items=gather(desk, at), status=WRITTEN
    )
    handover.full_clean()
    handover.save()
    audit_record(action="handover_write", obj=handover, actor=actor, after=snapshot(handover))
    return handover


def _locked(actor, handover: Handover) -> Handover:
    require_desk(actor, handover.desk_id)
    return Handover.objects.select_for_update().get(pk=handover.pk)


@transaction.atomic
def handover_update(*, actor, handover: Handover, notes: str) -> Handover:
    """The outgoing officer corrects the notes before confirmation; the open items are gathered again."""
    handover = _locked(actor, handover)
    before = snapshot(handover)
    FLOW.apply(actor, handover, "update")
    handover.notes = notes.strip()
    handover.items = gather(handover.desk_id, timezone.now(), editing=handover)
    handover.save()
    audit_record(action="handover_update", obj=handover, actor=actor, before=before, after=snapshot(handover))
    return handover


@transaction.atomic
def handover_confirm(*, actor, handover: Handover, note: str = "", at: dt.datetime | None = None) -> Handover:
    """接班: the incoming officer confirms receipt of the handover and its open items; it is then locked."""
    handover = _locked(actor, handover)
    before = snapshot(handover)
    FLOW.apply(actor, handover, "confirm")
    handover.incoming = actor
    handover.confirmed_at = at or timezone.now()
    handover.confirm_note = note.strip()
    handover.save()
    audit_record(action="handover_confirm", obj=handover, actor=actor, before=before, after=snapshot(handover))
    return handover


def handover_for(user, pk) -> Handover:
    handover = Handover.objects.restrict(user).select_related("desk", "outgoing", "incoming").filter(pk=pk).first()
    if handover is None:
        raise DomainError("handover.not_found", "交接班记录不存在或不在您的管辖范围内", status=404)
    return handover
