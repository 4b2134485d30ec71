"""Recipient sources of the warnings app for notify: residents (居民, by their channel order; vulnerable
ones by voice first), confirmed public subscribers, broadcast terminals (应急广播) and work groups
(企业微信/钉钉群, whose webhook is read here only)."""

import json

from django.conf import settings

from anlan.notify.recipients import Source, channel_order_sql, phone_lookup, register_source
from anlan.registry.models import Person

from .models import BroadcastTerminal, Resident, Subscriber, WorkGroup


def _terminal_addresses(ids):
    for pk, protocol, code in BroadcastTerminal.objects.filter(pk__in=ids, active=True).values_list(
        "pk", "protocol", "code"
    ):
        yield pk, {"broadcast": f"{protocol}:{code}"}


def _group_addresses(ids):
    """{platform: JSON of the robot's URL, secret and the phones to @ (the region's responsible persons)}."""
    groups = list(WorkGroup.objects.filter(pk__in=ids))
    mentions: dict[str, list[str]] = {}
    regions = {g.region_id for g in groups if g.mention_responsible}
    for region, phone in Person.objects.filter(region_id__in=regions).values_list("region_id", "phone"):
        if phone:
            mentions.setdefault(region, []).append(phone)
    for g in groups:
        robot = {
            "url": g.webhook_url,
            "secret": g.secret or "",
            "active": g.active,
            "mentions": mentions.get(g.region_id, []) if g.mention_responsible else [],
        }
        yield g.pk, {g.platform: json.dumps(robot, ensure_ascii=False)}


def residents() -> Source:
    order = settings.ANLAN_CHANNEL_ORDER
    first, rest = channel_order_sql(order["resident"], order["vulnerable"])
    return Source(
        kind="resident",
        label="居民",
        table=Resident._meta.db_table,
        lookup=phone_lookup(Resident),
        tier="'resident'",
        tiers=("resident",),
        channel=first,
        fallback=rest,
    )


def subscribers() -> Source:
    first, _, rest = settings.ANLAN_CHANNEL_ORDER["subscriber"].partition(",")
    return Source(
        kind="subscriber",
        label="公众订阅",
        table=Subscriber._meta.db_table,
        lookup=phone_lookup(Subscriber),
        name="'公众订阅'",
        tier="'subscriber'",
        tiers=("subscriber",),
        channel=f"'{first}'",
        fallback=f"'{rest}'",
        condition=" AND confirmed = TRUE",
    )


def terminals() -> Source:
    return Source(
        kind="terminal",
        label="应急广播终端",
        table=BroadcastTerminal._meta.db_table,
        lookup=_terminal_addresses,
        tier="'terminal'",
        tiers=("terminal",),
        channel="'broadcast'",
        condition=" AND active = TRUE",
    )


def groups() -> Source:
    return Source(
        kind="group",
        label="工作群",
        table=WorkGroup._meta.db_table,
        lookup=_group_addresses,
        tier="'group'",
        tiers=("group",),
        channel="platform",
        condition=" AND active = TRUE",
    )


def register() -> None:
    register_source("resident", residents)
    register_source("subscriber", subscribers)
    register_source("terminal", terminals)
    register_source("group", groups)
