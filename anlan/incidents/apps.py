from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "anlan.incidents"
    label = "incidents"
    verbose_name = "事件处置"

    def ready(self):
        from . import api, recipients, views  # noqa: F401

        recipients.register()  # dispatch orders' assignees: who notify can reach
