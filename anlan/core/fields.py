"""Fields encrypted at rest (phone and ID numbers, webhook addresses and secrets).

The cipher is chosen by settings.ANLAN_CRYPTO (core/crypto.py): Fernet tokens (AES-128-CBC + HMAC) by
default, SM4-GCM tokens (prefixed `sm4gcm:<key id>:`) in "sm" mode. Reading accepts both, so a database
can hold both while `anlan crypto-migrate` converts it. Keys come from the environment or the data
directory, never the repository; several keys allow rotation: the first encrypts, all decrypt.
Encrypted columns cannot be searched by value, by design.
"""

from django.db import models

from . import crypto


def cipher():
    """The Fernet key ring (kept for callers that predate core/crypto.py)."""
    return crypto.fernet()


class EncryptedCharField(models.TextField):
    """A short text (phone, ID number) stored encrypted; Python code sees the plain value."""

    sensitive_kind = "text"  # "phone" | "id_number": how masking.mask() hides it

    def __init__(self, *args, sensitive_kind: str = "text", max_length_plain: int = 64, **kwargs):
        self.sensitive_kind = sensitive_kind
        self.max_length_plain = max_length_plain
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sensitive_kind"] = self.sensitive_kind
        kwargs["max_length_plain"] = self.max_length_plain
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        try:
            return crypto.decrypt_field(value)
        except (crypto.DecryptError, crypto.KeyMissingError):
            # A row written with a key no longer configured: show that plainly rather than crash.
            return "（无法解密）"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt_field(str(value))

    def formfield(self, **kwargs):
        from django import forms

        kwargs.setdefault("widget", forms.TextInput)
        kwargs.setdefault("max_length", self.max_length_plain)
        return super().formfield(**kwargs)


# How a person prefers to be reached by warnings, in order: the first channel, then the next one if
# the first cannot deliver (no gateway, number unreachable, given up). A fixed list rather than free
# text so staff pick a meaning, not a syntax; "" = the default for the kind of recipient.
CHANNEL_ORDERS = [
    ("", "默认"),
    ("sms,voice", "短信，未送达改语音外呼"),
    ("voice,sms", "语音外呼优先（老人、视障），未接通改短信"),
    ("sms", "仅短信"),
    ("voice", "仅语音外呼"),
]


def channel_order_field() -> models.CharField:
    return models.CharField(
        "预警接收方式",
        max_length=20,
        blank=True,
        choices=CHANNEL_ORDERS,
        help_text="先用第一种方式，送达失败再用下一种；默认：责任人与居民先短信后外呼，需重点帮扶的居民先外呼",
    )
