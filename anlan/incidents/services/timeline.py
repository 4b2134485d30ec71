"""The incident's timeline: one entry per step, notes with checked attachments, linked
warnings, the drawn area."""

from django.db import transaction
from django.utils import timezone

from anlan.core.audit import actor_name, audit_record
from anlan.core.errors import DomainError

from ..models import (
    Incident,
    TimelineEntry,
)


def entry(incident, kind, title, *, actor=None, at=None, detail="", data=None, lon=None, lat=None, upload=None):
    """Append to the incident's timeline."""
    item = TimelineEntry(
        incident=incident,
        at=at or timezone.now(),
        kind=kind,
        title=title[:300],
        detail=detail,
        actor_name=actor_name(actor),
        data=data or {},
        lon=lon,
        lat=lat,
    )
    if upload is not None:
        # A CheckedUpload (core.uploads): the type was decided from its content, the name is generated.
        item.attachment_name = upload.display_name[:200]
        item.attachment.save(upload.stored_name, upload.as_file(), save=False)
    item.save()
    return item


def note_add(*, actor, incident: Incident, text: str, upload=None, at=None) -> TimelineEntry:
    if not text.strip() and upload is None:
        raise DomainError("incident.note_empty", "请填写内容或选择附件", field="text")
    audit_record(action="incident_note", obj=incident, actor=actor, after={"text": text[:200]})
    return entry(
        incident, TimelineEntry.Kind.NOTE, text.strip()[:300] or "附件", actor=actor, at=at, detail=text, upload=upload
    )


@transaction.atomic
def warning_link(*, actor, incident: Incident, warning, at=None) -> TimelineEntry:
    """Put an early warning on the incident's timeline (issued for the area before or during it)."""
    if incident.timeline.filter(kind=TimelineEntry.Kind.WARNING, data__warning=warning.pk).exists():
        raise DomainError("incident.warning_linked", "该预警已关联", field="warning")
    if warning.exercise_id != incident.exercise_id:  # never mix a drill's sandbox into a real record
        raise DomainError("incident.warning_exercise", "演练预警与真实事件不能相互关联", field="warning")
    audit_record(action="incident_warning", obj=incident, actor=actor, after={"warning": warning.pk})
    return entry(
        incident,
        TimelineEntry.Kind.WARNING,
        f"{warning.headline}（{warning.get_status_display()}）",
        actor=actor,
        at=at or warning.sent or timezone.now(),
        detail=warning.instruction or warning.description,
        data={"warning": warning.pk, "identifier": warning.identifier},
    )


@transaction.atomic
def area_set(*, actor, incident: Incident, polygon: dict | None, at=None) -> Incident:
    """影响范围: the affected area drawn on the map (shown on the command map)."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    before = incident.affected_area
    incident.affected_area = polygon
    incident.save(update_fields=["affected_area", "updated_at"])
    audit_record(action="incident_area", obj=incident, actor=actor, before={"area": before}, after={"area": polygon})
    points = len(polygon["coordinates"][0]) - 1 if polygon else 0
    entry(
        incident,
        TimelineEntry.Kind.NOTE,
        f"影响范围：{points} 个角点" if polygon else "清除影响范围",
        actor=actor,
        at=at,
    )
    return incident
