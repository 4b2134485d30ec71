"""What every message shares, whoever sends it."""

from django.conf import settings


def sender_name() -> str:
    """Who the messages are from, as people read it (CAP senderName, the 【】 of an SMS)."""
    return settings.ANLAN_CAP_SENDER_NAME or "应急管理局"
