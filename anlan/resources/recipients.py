"""Recipient source of resources for notify: the managers of open shelters (避难场所管理人)."""

from anlan.notify.recipients import Source, register_source

from .models import Shelter


def _manager_phones(ids):
    for pk, phone in Shelter.objects.filter(pk__in=ids).values_list("pk", "manager_phone"):
        yield pk, {"phone": phone or ""}


def shelters() -> Source:
    return Source(
        kind="shelter",
        label="避难场所管理人",
        table=Shelter._meta.db_table,
        lookup=_manager_phones,
        tier="'shelter'",
        tiers=("shelter",),
        channel="'sms'",
        fallback="'voice'",
        condition=" AND status <> 'closed'",
    )


def register() -> None:
    register_source("shelter", shelters)
