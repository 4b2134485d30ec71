from anlan.core.kit import ModelConfig, register

from .filters import HiddenHazardFilterSet
from .models import HiddenHazard

register(
    ModelConfig(
        model=HiddenHazard,
        list_columns=["title", "level", "status", "region", "deadline", "responsible", "source", "created_at"],
        form_fields=[],  # reported and handled through the workflow pages, not a generic form
        detail_fields=[
            *("title", "description", "level", "status", "source", "region", "enterprise", "department"),
            *("deadline", "pending_deadline", "responsible", "measures", "supervising_unit", "supervising_leader"),
            *("reporter_name", "created_at", "closed_at"),
        ],
        filterset_class=HiddenHazardFilterSet,
        search_fields=["title", "description", "responsible"],
        importable=False,
        selector=lambda qs: qs.select_related("region", "enterprise", "department"),
        sortable=["title", "level", "status", "deadline", "created_at"],
        menu_group="企业与风险",
        menu_label="隐患台账",
        menu_order=32,
    )
)
