"""Incident workflow services, by sub-domain: intake and facts, grading and response with plan tasks,
information reports with their statutory clocks, dispatch orders tracked to done, evacuation, review — every
step on the incident's timeline and in the audit trail.

Steps take `at`/`now` where time matters, so tests (and the demo scenario) control the clock. Callers use
`from anlan.incidents import services` and `services.<name>`; the sub-modules are how the code is kept.
"""

from .dispatch import ORDER_SALT, order_create, order_progress, order_read, order_return, order_token, read_order_token
from .evacuation import evacuate
from .intake import FACT_FIELDS, facts_update, incident_create, next_number
from .reports import (
    Clock,
    clock_from,
    follow_up_interval,
    overdue_reports_job,
    report_clock,
    report_create,
    report_draft,
    report_send,
)
from .response import GRADERS, grade_set, incident_end_drill, response_end, response_set, task_update
from .review import review_record
from .timeline import area_set, entry, note_add, warning_link

__all__ = [
    "FACT_FIELDS",
    "GRADERS",
    "ORDER_SALT",
    "Clock",
    "area_set",
    "clock_from",
    "entry",
    "evacuate",
    "facts_update",
    "follow_up_interval",
    "grade_set",
    "incident_create",
    "incident_end_drill",
    "next_number",
    "note_add",
    "order_create",
    "order_progress",
    "order_read",
    "order_return",
    "order_token",
    "overdue_reports_job",
    "read_order_token",
    "report_clock",
    "report_create",
    "report_draft",
    "report_send",
    "response_end",
    "response_set",
    "review_record",
    "task_update",
    "warning_link",
]
