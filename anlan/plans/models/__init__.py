"""Plans: the kinds of emergency, the plans with their response tables (`base`), and each plan's life cycle
(`lifecycle`). Imported from here: `from anlan.plans.models import Plan`."""

from .base import (
    LEVELS,
    PLAN_WRITERS,
    RESPONSE_CHOICES,
    RESPONSE_TABLE_WRITERS,
    WARNING_LEVEL_CHOICES,
    WARNING_LEVELS,
    IncidentKind,
    Plan,
    PlanAction,
)
from .lifecycle import PlanEvaluation, PlanFiling, PlanVersion, RevisionTrigger

__all__ = [
    "LEVELS",
    "PLAN_WRITERS",
    "RESPONSE_CHOICES",
    "RESPONSE_TABLE_WRITERS",
    "WARNING_LEVELS",
    "WARNING_LEVEL_CHOICES",
    "IncidentKind",
    "Plan",
    "PlanAction",
    "PlanEvaluation",
    "PlanFiling",
    "PlanVersion",
    "RevisionTrigger",
]
