"""Recipient source of resources for notify: the managers of open shelters (避难场所管理人)."""

from anlan.notify.recipients import Source, phone_lookup, register_source

from .models import Shelter


def shelters() -> Source:
    return Source(
        kind="shelter",
        label="避难场所管理人",
        table=Shelter._meta.db_table,
        lookup=phone_lookup(Shelter, "manager_phone"),
        tier="'shelter'",
        tiers=("shelter",),
        channel="'sms'",
        fallback="'voice'",
        condition=" AND status <> 'closed'",
    )


def register() -> None:
    register_source("shelter", shelters)
