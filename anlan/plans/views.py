"""Registry-kit pages for incident kinds and plan actions, in the menu group 事件处置 beside the incident pages,
where the duty desk has always found them. Plans themselves have pages of their own (views_lifecycle, menu
预案演练)."""

from anlan.core.kit import ModelConfig, register

from . import selectors
from .filters import PlanActionFilterSet
from .models import IncidentKind, PlanAction

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
register(
    ModelConfig(
        model=PlanAction,
        list_columns=["plan", "level", "title", "department", "hours"],
        form_fields=["plan", "level", "title", "department", "hours", "order"],
        filterset_class=PlanActionFilterSet,
        search_fields=["title"],
        selector=selectors.actions,
        menu_group=MENU_GROUP,
        menu_order=75,
    )
)
