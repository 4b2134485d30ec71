"""Plan pages: registry-kit pages for incident kinds, plans and their actions. They sit in the menu group
事件处置 beside the incident pages, where the duty desk has always found them."""

from anlan.core.kit import ModelConfig, register

from . import selectors
from .filters import PlanActionFilterSet, PlanFilterSet
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
register(
    ModelConfig(
        model=Plan,
        list_columns=["name", "region", "active"],
        form_fields=["name", "kinds", "region", "active", "notes"],
        filterset_class=PlanFilterSet,
        search_fields=["name"],
        natural_keys={IncidentKind: "name"},
        selector=selectors.plans,
        related_tables=lambda plan, user: [
            (
                "响应措施",
                ["启动级别", "措施", "责任部门", "时限（小时）"],
                [
                    (a.get_level_display(), a.title, a.department or "—", a.hours or "—")
                    for a in selectors.actions_of(plan)
                ],
            )
        ],
        menu_group=MENU_GROUP,
        menu_order=74,
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
