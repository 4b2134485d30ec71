"""Signed per-recipient tokens for confirmation links (叫应): the outbox puts one in each SMS that asks
for a confirmation; the sender's page reads it back as (topic, recipient key)."""

from django.core import signing

SALT = "anlan.notify.confirm"


def confirm_token(topic: str, recipient_key: str) -> str:
    return signing.dumps([topic, recipient_key.split("#")[0]], salt=SALT, compress=True)


def read_confirm_token(token: str) -> tuple[str, str] | None:
    try:
        topic, key = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return str(topic), str(key)
