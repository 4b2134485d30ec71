"""调查评估: course, cause, lessons and follow-up tasks; recording it closes the incident."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anlan.core.audit import actor_name, audit_record

from .. import workflow
from ..models import (
    Incident,
    ResponseTask,
    Review,
    TimelineEntry,
)
from .timeline import entry


@transaction.atomic
def review_record(*, actor, incident: Incident, course: str, cause: str, lessons: str, follow_ups, at=None) -> Review:
    """调查评估 and 结案: the review, follow-up tasks (title, department, days), the incident closed."""
    at = at or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    workflow.INCIDENT.apply(actor, incident, "close", course=course, cause=cause, lessons=lessons)
    review = Review.objects.create(
        incident=incident, course=course, cause=cause, lessons=lessons, written_by=actor_name(actor)
    )
    tasks = [
        ResponseTask(
            incident=incident,
            stage=ResponseTask.Stage.FOLLOW_UP,
            title=title[:300],
            department=department,
            due_at=at + dt.timedelta(days=days) if days else None,
            created_at=at,
        )
        for title, department, days in follow_ups
        if title.strip()
    ]
    ResponseTask.objects.bulk_create(tasks)
    incident.save(update_fields=["status", "updated_at"])
    audit_record(
        action="incident_review", obj=incident, actor=actor, after={"status": incident.status, "follow_ups": len(tasks)}
    )
    entry(
        incident,
        TimelineEntry.Kind.CLOSE,
        f"调查评估完成，结案；整改任务 {len(tasks)} 项",
        actor=actor,
        at=at,
        detail=lessons,
    )
    return review
