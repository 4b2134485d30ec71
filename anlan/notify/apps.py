from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "anlan.notify"
    label = "notify"
    verbose_name = "消息发送"

    def ready(self):
        from . import outbox  # noqa: F401  (registers the embedded outbox worker)
