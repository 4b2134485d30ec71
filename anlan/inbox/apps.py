from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "anlan.inbox"
    label = "inbox"
    verbose_name = "站内消息"

    def ready(self):
        from anlan.notify.channels import register_channel

        from . import api, views  # noqa: F401
        from .channel import InAppChannel

        register_channel(InAppChannel())
