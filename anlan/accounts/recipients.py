"""Recipient source of accounts for notify: active platform users, in-app (站内消息) and, for those with
an address, by e-mail."""

from anlan.notify.recipients import Source, register_source

from .models import User


def _user_addresses(ids):
    for pk, email in User.objects.filter(pk__in=ids, is_active=True).values_list("pk", "email"):
        yield pk, {"inapp": str(pk), "email": email}


def users_inapp() -> Source:
    return Source(
        kind="user",
        label="平台用户",
        table=User._meta.db_table,
        lookup=_user_addresses,
        name="username",
        tier="'user'",
        tiers=("user",),
        channel="'inapp'",
        condition=" AND is_active = TRUE",
    )


def users_email() -> Source:
    return Source(
        kind="user",
        label="平台用户（邮件）",
        table=User._meta.db_table,
        lookup=_user_addresses,
        name="username",
        tier="'user'",
        tiers=("user",),
        channel="'email'",
        condition=" AND is_active = TRUE AND email <> ''",
        counted=False,
    )


def register() -> None:
    register_source("user", users_inapp)
    register_source("user-email", users_email)
