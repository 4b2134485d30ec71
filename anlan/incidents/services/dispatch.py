"""Dispatch orders: created with a signed field link, told to the assignee, tracked sent →
done, returned for rework."""

from django.core import signing
from django.db import transaction
from django.utils import timezone

from anlan.core.audit import actor_name, audit_record
from anlan.core.errors import DomainError
from anlan.supplies.models import Movement
from anlan.supplies.services import stock_issue

from .. import workflow
from ..models import (
    DispatchOrder,
    Incident,
    TimelineEntry,
)
from .timeline import entry

ORDER_SALT = "anlan.dispatch-order"


def order_token(order: DispatchOrder) -> str:
    """The field link's credential: the order id, signed (stable, so the link sent stays the link shown)."""
    return signing.Signer(salt=ORDER_SALT).sign(str(order.pk))


def read_order_token(token: str) -> int | None:
    try:
        return int(signing.Signer(salt=ORDER_SALT).unsign(token))
    except (signing.BadSignature, ValueError, TypeError):
        return None


@transaction.atomic
def order_create(*, actor, incident: Incident, kind: str, instruction: str, target, item=None, quantity=None, at=None):
    """下达调度指令. Supplies leave the warehouse at once as an allocation to the incident (the stock ledger)."""
    at = at or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    workflow.INCIDENT.check(actor, incident, "order", instruction=instruction)
    if incident.exercise_id and kind == DispatchOrder.Kind.SUPPLIES:
        # A drill plays the order, not the warehouse: an allocation would leave the real ledger short.
        raise DomainError("incident.exercise_supplies", "演练事件不能调拨真实库存物资", field="kind")
    order = DispatchOrder(incident=incident, kind=kind, instruction=instruction.strip(), sent_at=at)
    order.issued_by = actor_name(actor)
    if kind == DispatchOrder.Kind.TEAM:
        order.team, order.assignee_name = target, target.name
        order.last_lon, order.last_lat, order.last_position_at = target.lon, target.lat, at
    elif kind == DispatchOrder.Kind.EXPERT:
        order.expert, order.assignee_name = target, target.name
    elif kind == DispatchOrder.Kind.SHELTER:
        order.shelter, order.assignee_name = target, f"{target.name}（{target.manager}）"
    elif kind == DispatchOrder.Kind.PERSON:
        order.user, order.assignee_name = target, person_label(target)
    elif kind == DispatchOrder.Kind.SUPPLIES:
        if item is None or not quantity:
            raise DomainError("incident.supplies_required", "调拨物资须选择物资并填写数量", field="quantity")
        order.warehouse, order.item, order.quantity = target, item, quantity
        order.assignee_name = f"{target.name}：{item.name} {quantity}{item.unit}"
    else:
        raise DomainError("incident.unknown_order_kind", "未知调度对象", field="kind")
    order.save()
    if kind == DispatchOrder.Kind.SUPPLIES:
        stock_issue(
            actor=actor,
            warehouse=target,
            item=item,
            quantity=quantity,
            kind=Movement.Kind.ALLOCATE,
            reference=incident.number,
            note=f"调度指令 {order.pk}：{instruction[:100]}",
            at=at,
        )
    audit_record(
        action="incident_order", obj=incident, actor=actor, after={"order": order.pk, "to": order.assignee_name}
    )
    texted = _text_assignee(order)
    if order.user_id:
        _tell_in_app(order)
    entry(
        incident,
        TimelineEntry.Kind.ORDER if kind != DispatchOrder.Kind.SUPPLIES else TimelineEntry.Kind.SUPPLIES,
        f"下达指令：{order.assignee_name}" + (f"（{texted}）" if texted else ""),
        actor=actor,
        at=at,
        detail=order.instruction,
        data={"order": order.pk},
    )
    return order


def _assignee_phone(order: DispatchOrder) -> str:
    if order.team_id:
        return order.team.leader_phone
    if order.expert_id:
        return order.expert.phone
    if order.shelter_id:
        return order.shelter.manager_phone
    if order.warehouse_id:
        return order.warehouse.manager_phone
    if order.user_id:
        return order.user.phone
    return ""


def person_label(user) -> str:
    """How a local person is named on the order: 张三（城关镇 村（社区）网格员）."""
    name = user.get_full_name() or user.username
    where = user.region.name if user.region_id else ""
    return f"{name}（{where} {user.get_role_display()}）".replace("（ ", "（")


def _tell_in_app(order: DispatchOrder) -> None:
    """A person with an account also finds the order in the inbox (the SMS may not be configured), with
    the field link that takes his feedback."""
    from django.urls import reverse

    from anlan.inbox.services import Message, notify

    link = reverse("field_order", kwargs={"token": order_token(order)})
    notify(
        [order.user],
        Message(
            category="task",
            title=f"调度指令：{order.incident.title}",
            body=order.instruction[:500],
            link=link,
            dedupe_key=f"order:{order.pk}",
        ),
    )


def _text_assignee(order: DispatchOrder) -> str:
    """Text the order and its field link to the assignee: enqueued to notify's outbox in the order's own
    transaction, so the SMS leaves (within a second, by the worker) only once the order is committed.
    Returns what happened, for the timeline; empty when SMS is not configured."""
    from django.conf import settings
    from django.urls import reverse

    from anlan.notify import recipients
    from anlan.notify.models import Notice, NoticeText

    phone = _assignee_phone(order)
    if not (settings.ANLAN_SMS_URL and settings.ANLAN_PUBLIC_URL and phone):
        return ""
    link = settings.ANLAN_PUBLIC_URL + reverse("field_order", kwargs={"token": order_token(order)})
    text = f"【调度指令】{order.incident.title}：{order.instruction[:120]} 请打开链接接收并反馈：{link}"
    # A drill's order: notify sends it to the drill's participants only, never to the assignee's phone.
    notice = Notice.objects.create(
        topic=f"order:{order.pk}", title="调度指令", link=link, exercise_id=order.incident.exercise_id
    )
    NoticeText.objects.create(notice=notice, text=text[:300])
    assignee = recipients.Recipient(
        f"order:{order.pk}", order.assignee_name[:100], order.incident.region_id, "assignee", "sms"
    )
    recipients.enqueue(notice, [assignee])
    return "已短信通知"


@transaction.atomic
def order_progress(
    *, actor, order: DispatchOrder, status: str, note: str = "", lon=None, lat=None, upload=None, at=None
):
    """The assignee's report: read, accepted, en route, on scene, done — with position and photo."""
    at = at or timezone.now()
    order = DispatchOrder.objects.select_for_update().select_related("incident").get(pk=order.pk)
    old = order.status
    feedback_only = status == order.status and (lon or note or upload)
    workflow.ORDER.apply(actor, order, "report" if feedback_only else status)
    if status == DispatchOrder.Status.READ or (old == DispatchOrder.Status.SENT and not order.read_at):
        order.read_at = order.read_at or at
    if lon is not None and lat is not None:
        order.last_lon, order.last_lat, order.last_position_at = lon, lat, at
    order.save()
    audit_record(
        action="incident_order_progress",
        obj=order.incident,
        actor=actor,
        before={"order": order.pk, "status": old},
        after={"order": order.pk, "status": status},
    )
    entry(
        order.incident,
        TimelineEntry.Kind.FEEDBACK,
        f"{order.assignee_name}：{order.get_status_display()}",
        actor=actor,
        at=at,
        detail=note,
        data={"order": order.pk, "status": status},
        lon=lon,
        lat=lat,
        upload=upload,
    )
    return order


def order_read(*, actor, order: DispatchOrder, at=None) -> DispatchOrder:
    """已读回执: the first time the assignee opens the order."""
    if order.status == DispatchOrder.Status.SENT:
        return order_progress(actor=actor, order=order, status=DispatchOrder.Status.READ, at=at)
    return order


@transaction.atomic
def order_return(*, actor, order: DispatchOrder, reason: str, at=None) -> DispatchOrder:
    """退回重办: the commander sends a done order back with the reason."""
    order = DispatchOrder.objects.select_for_update().select_related("incident").get(pk=order.pk)
    workflow.ORDER.apply(actor, order, "return", reason=reason)
    order.save(update_fields=["status"])
    audit_record(action="incident_order_return", obj=order.incident, actor=actor, after={"order": order.pk})
    entry(
        order.incident,
        TimelineEntry.Kind.ORDER,
        f"退回重办：{order.assignee_name}",
        actor=actor,
        at=at,
        detail=reason,
        data={"order": order.pk, "status": "returned"},
    )
    return order
