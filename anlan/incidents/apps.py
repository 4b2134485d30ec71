from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "anlan.incidents"
    label = "incidents"
    verbose_name = "事件处置"

    def ready(self):
        from . import api, duty_items, recipients, views  # noqa: F401

        duty_items.register()  # running report clocks at handovers, the day's incidents, 转为事件

        recipients.register()  # dispatch orders' assignees: who notify can reach
