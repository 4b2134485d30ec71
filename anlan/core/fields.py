"""Fields encrypted at rest (phone and ID numbers, webhook addresses and secrets).

The cipher is chosen by settings.ANLAN_CRYPTO (core/crypto.py): Fernet tokens (AES-128-CBC + HMAC) by
default, SM4-GCM tokens (prefixed `sm4gcm:<key id>:`) in "sm" mode. Reading accepts both, so a database
can hold both while `anlan crypto-migrate` converts it. Keys come from the environment or the data
directory, never the repository; several keys allow rotation: the first encrypts, all decrypt.
Encrypted columns cannot be searched by value, by design; a phone field that must be found by its full
number gets a BlindIndexField beside it (a keyed hash, core.crypto.blind_index).
"""

from django.db import models

from . import crypto


def cipher():
    """The Fernet key ring (kept for callers that predate core/crypto.py)."""
    return crypto.fernet()


class EncryptedCharField(models.TextField):
    """A short text (phone, ID number) stored encrypted; Python code sees the plain value."""

    sensitive_kind = "text"  # "phone" | "id_number" | "name": how masking.mask() hides it

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


def normalise_phone(value) -> str:
    """A phone number as its digits only, the way it is indexed and searched: spaces, hyphens and brackets
    dropped, a +86 / 0086 country prefix dropped from a mobile number; "" when it is not a phone number
    (fewer than 7 or more than 12 digits, or letters in it)."""
    text = str(value or "").strip()
    if not text or any(ch.isalpha() for ch in text):
        return ""
    digits = "".join(ch for ch in text if ch.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11 and digits[len(prefix)] == "1":
            digits = digits[len(prefix) :]
            break
    return digits if 7 <= len(digits) <= 12 else ""


class BlindIndexField(models.CharField):
    """The blind index of an encrypted phone field of the same model (`source`): the keyed hash of the
    normalised full number (core.crypto.blind_index), or "" when there is none. Set on every save and bulk
    insert (pre_save runs for both), so a number can be searched by equality without decrypting rows.

    Only the full number is indexed, never its last digits: a 4-digit index would have 10,000 values,
    trivially enumerated, would link every person sharing a suffix, and would turn search into a tool for
    guessing who owns a partly seen number (see docs/search.md)."""

    def __init__(self, *args, source: str = "phone", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key in ("max_length", "blank", "default", "editable", "db_index"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def digest_of(self, instance) -> str:
        number = normalise_phone(getattr(instance, self.source))
        return crypto.blind_index(number) if number else ""

    def pre_save(self, model_instance, add):
        value = self.digest_of(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def blind_index_fields(model) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def rebuild_blind_indexes(model, *, batch_size: int = 500) -> int:
    """Recompute every blind index of `model` from its decrypted values (data migrations and
    `anlan blind-index-rebuild` after the key changed). Only the index columns are written: no save(), so
    timestamps stay as they were. Returns the number of rows whose index changed."""
    from django.db import transaction

    fields = blind_index_fields(model)
    if not fields:
        return 0
    names = [f.name for f in fields] + [f.source for f in fields]
    changed = 0
    last_pk = None
    while True:
        rows = model._base_manager.order_by("pk").only("pk", *names)
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        batch = list(rows[:batch_size])
        if not batch:
            return changed
        with transaction.atomic():
            for obj in batch:
                values = {f.attname: f.digest_of(obj) for f in fields}
                if any(getattr(obj, name) != value for name, value in values.items()):
                    model._base_manager.filter(pk=obj.pk).update(**values)
                    changed += 1
        last_pk = batch[-1].pk


def backfill_blind_indexes(app_label: str, model_name: str):
    """A data migration's forward step: fill the new blind indexes of existing rows."""

    def forward(apps, schema_editor):
        rebuild_blind_indexes(apps.get_model(app_label, model_name))

    return forward


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


# ---------------------------------------------------------------- re-encryption (anlan crypto-migrate)


def encrypted_fields(model) -> list[EncryptedCharField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]


def names_only(queryset):
    """`queryset` without its encrypted columns, for lists that draw rows by name (choice lists of people,
    enterprises, teams): each such column costs a decryption per row (a person's phone and ID number: two
    per option, ~4,800 on the ranger list's filter) for a value no option shows. No model's `__str__` reads
    an encrypted column (tests/core/test_names_only.py holds that); code that does read one from a row of
    this queryset gets it by one more query, which the query-count tests of its page would show."""
    names = [f.name for f in encrypted_fields(queryset.model)]
    return queryset.defer(*names) if names else queryset


def encrypted_models() -> list:
    from django.apps import apps

    return [m for m in apps.get_models() if not m._meta.proxy and encrypted_fields(m)]


class ReencryptError(Exception):
    pass


def _raw_columns(fields) -> dict:
    # The stored text as it is: a Cast to a plain text column skips the field's decryption.
    from django.db.models.functions import Cast

    return {f"raw_{f.attname}": Cast(f.attname, output_field=models.TextField()) for f in fields}


def _stale_rows(model, fields, target: str):
    """Rows with at least one value not yet in the target scheme (so a rerun resumes where it stopped)."""
    raws = _raw_columns(fields)
    stale = models.Q()
    for alias in raws:
        if target == crypto.SM4_GCM:
            stale |= (
                models.Q(**{f"{alias}__isnull": False})
                & ~models.Q(**{alias: ""})
                & ~models.Q(**{f"{alias}__startswith": crypto.SM4_GCM + ":"})
            )
        else:
            stale |= models.Q(**{f"{alias}__startswith": crypto.SM4_GCM + ":"})
    return model._base_manager.annotate(**raws).filter(stale), list(raws)


def reencrypt_model(model, *, batch_size: int = 500, progress=None) -> int:
    """Re-encrypt every encrypted value of one model to the configured scheme, one transaction per batch
    of rows; only those columns change (no save(): timestamps and signals stay untouched). Returns the
    number of rows converted; one audit entry records it. Idempotent, so an interrupted run resumes."""
    from django.db import transaction

    from .audit import audit_record

    fields = encrypted_fields(model)
    target = crypto.field_scheme()
    rows, aliases = _stale_rows(model, fields, target)
    total = rows.count()
    done = 0
    last_pk = None
    label = f"{model._meta.app_label}.{model._meta.model_name}"
    while True:
        batch_rows = rows.order_by("pk")
        if last_pk is not None:
            batch_rows = batch_rows.filter(pk__gt=last_pk)
        batch = list(batch_rows.values("pk", *aliases)[:batch_size])
        if not batch:
            break
        with transaction.atomic():
            for row in batch:
                plain = {}
                for field, alias in zip(fields, aliases, strict=True):
                    token = row[alias]
                    if not token or crypto.ciphertext_scheme(token) == target:
                        continue
                    try:
                        plain[field.attname] = crypto.decrypt_field(token)
                    except (crypto.DecryptError, crypto.KeyMissingError) as exc:
                        raise ReencryptError(
                            f"{label} 第 {row['pk']} 条的“{field.verbose_name}”无法解密（{exc}）："
                            "请先配置写入它时所用的密钥；已转换的批次保留，修复后重新运行即可继续"
                        ) from None
                # update() with plain values: get_prep_value encrypts them in the configured scheme.
                model._base_manager.filter(pk=row["pk"]).update(**plain)
        done += len(batch)
        last_pk = batch[-1]["pk"]
        if progress:
            progress(label, done, total)
    if done:
        audit_record(
            action="crypto_migrate",
            model=model,
            extra={"scheme": target, "rows": done, "fields": [f.attname for f in fields]},
        )
    return done
