from anlan.core.kit import ModelConfig, register

from .models import Resident, Warning


def _deliveries(warning, user):
    from .services import summary

    s = summary(warning)
    return [
        (
            "送达情况",
            ["目标", "待发送", "已发送", "失败", "已叫应"],
            [(s["targeted"], s["queued"], s["sent"], s["failed"], s["acknowledged"])],
        )
    ]


register(
    ModelConfig(
        model=Resident,
        list_columns=["name", "region", "household", "phone", "vulnerable"],
        form_fields=["name", "region", "household", "phone", "lon", "lat", "vulnerable"],
        search_fields=["name", "household"],
        selector=lambda qs: qs.select_related("region"),
        sortable=["name", "region"],
        menu_group="预警发布",
        menu_order=61,
    )
)
register(
    ModelConfig(
        model=Warning,
        list_columns=["headline", "event", "level", "msg_type", "status", "sent", "expires"],
        form_fields=[],  # authored and issued through the warning workflow (API; the map editor follows)
        detail_fields=[
            *("identifier", "msg_type", "references", "status", "event", "category", "level", "urgency"),
            *("severity", "certainty", "headline", "description", "instruction", "regions", "onset", "expires"),
            *("sent", "author", "issuer"),
        ],
        search_fields=["headline", "event", "identifier"],
        importable=False,
        selector=lambda qs: qs.select_related("references").prefetch_related("regions"),
        sortable=["sent", "level", "status"],
        related_tables=_deliveries,
        menu_group="预警发布",
        menu_order=60,
    )
)
