"""Recipient source of incidents for notify: the assignee of a dispatch order (a team leader, an expert,
a shelter or warehouse manager, a local person with an account), reached by id only, at the phone the
order's target holds."""

from anlan.notify.recipients import Source, register_source

from .models import DispatchOrder


def _assignee_phones(ids):
    from .services.dispatch import _assignee_phone

    orders = DispatchOrder.objects.filter(pk__in=ids).select_related("team", "expert", "shelter", "warehouse", "user")
    for order in orders:
        yield order.pk, {"phone": _assignee_phone(order) or ""}


def assignees() -> Source:
    return Source(
        kind="order",
        label="调度指令接收人",
        table=DispatchOrder._meta.db_table,
        lookup=_assignee_phones,
        name="assignee_name",
        tier="'assignee'",
        tiers=("assignee",),
        by_area=False,
    )


def register() -> None:
    register_source("order", assignees)
