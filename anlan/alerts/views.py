from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from anlan.core.kit import ModelConfig, register

from . import acks
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
        related_tables=lambda w, user: [*_deliveries(w, user), *_board(w, user)],
        menu_group="预警发布",
        menu_order=60,
    )
)


def _board(warning, user):
    from anlan.geo.models import Region

    from .acks import board

    rows = board(warning)
    names = dict(Region.objects.filter(code__in=[r[0] for r in rows]).values_list("code", "name"))
    table = [
        (names.get(code, code), n, ok, n - ok, "、".join(silent[:8]) + ("…" if len(silent) > 8 else ""))
        for code, n, ok, silent in rows
    ]
    return [("叫应情况（责任人）", ["区划", "应叫应", "已确认", "未确认", "未确认人员"], table)]


@never_cache
def acknowledge(request, token):
    """The 叫应 link in a responsible person's SMS: confirm with one tap (a POST, so link previews and
    scanners that fetch the page do not acknowledge for them)."""
    parsed = acks.read_token(token)
    if parsed is None:
        raise Http404
    warning = get_object_or_404(Warning, pk=parsed[0])
    done = False
    if request.method == "POST":
        acks.acknowledge(warning_id=warning.pk, recipient_key=parsed[1], via="link")
        done = True
    return render(request, "alerts/ack.html", {"warning": warning, "done": done})
