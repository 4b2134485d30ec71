"""Registry-kit pages for incident kinds and plan actions, in the menu group 事件处置 beside the incident pages,
where the duty desk has always found them. Plans themselves have pages of their own (views_lifecycle, menu
预案演练)."""

from anlan.core.kit import ModelConfig, register

from . import selectors
from .filters import PlanActionFilterSet
from .models import IncidentKind, Plan, PlanAction

MENU_GROUP = "事件处置"

register(
    ModelConfig(
        model=IncidentKind,
        list_columns=["category", "name", "code", "grading", "first_report_minutes", "follow_up_hours"],
        form_fields=["category", "name", "code", "grading", "first_report_minutes", "follow_up_hours", "order"],
        sortable=["category", "name"],
        menu_group=MENU_GROUP,
        menu_order=73,
    )
)


def _plans_writable_by(user):
    """Plans whose response rows the user may write: a township sees the county's plans but adds rows only to
    its own (ancestors are visible for reading, never for writing)."""
    return Plan.objects.restrict(user, "change").only("pk", "name")


ACTION_FORM_FIELDS = ["plan", "level", "title", "department", "hours", "order"]


register(
    ModelConfig(
        model=PlanAction,
        related_choices={"plan": _plans_writable_by},
        list_columns=["plan", "level", "title", "department", "hours"],
        form_fields=ACTION_FORM_FIELDS,
        filterset_class=PlanActionFilterSet,
        search_fields=["title"],
        selector=selectors.actions,
        menu_group=MENU_GROUP,
        menu_order=75,
    )
)
