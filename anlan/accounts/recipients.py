"""Recipient source of accounts for notify: active platform users, in-app (站内消息), by e-mail for those
with an address and, for those with a phone (those on duty, 值班值守), by SMS and voice call."""

from anlan.notify.recipients import Source, register_source

from .models import User


def _user_addresses(ids):
    # The phone is decrypted here, when sending, and nowhere else (model instances: the field decrypts).
    for user in User.objects.filter(pk__in=ids, is_active=True).only("pk", "email", "phone"):
        yield user.pk, {"inapp": str(user.pk), "email": user.email, "phone": user.phone or ""}


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
