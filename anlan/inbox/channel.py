"""The in-app channel (站内消息), registered with notify by this app: notify stays below every app and
knows nothing of the inbox; the inbox only offers notify one more way to deliver."""

from anlan.notify.channels import Channel

from .models import Notification
from .services import Message, notify_many


def _category(topic: str) -> str:
    kind = topic.partition(":")[0]
    return kind if kind in Notification.Category.values else Notification.Category.OTHER


class InAppChannel(Channel):
    """站内消息 to platform users (address = user id); idempotent through the inbox's dedupe key. The
    notice's topic kind ("warning" of "warning:12") is the message's category."""

    name, label = "inapp", "站内消息"
    batch_size = 5000

    def send(self, messages):
        notify_many(
            (
                int(m.address),
                Message(_category(m.topic), m.title, m.text, m.link, dedupe_key=f"delivery:{m.delivery_id}"),
            )
            for m in messages
        )
        return {m.delivery_id: None for m in messages}
