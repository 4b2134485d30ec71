from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "anlan.incidents"
    label = "incidents"
    verbose_name = "事件处置"

    def ready(self):
        from anlan.core.schedule import register_periodic_job

        from . import api, duty_items, layers, recipients, services, views  # noqa: F401

        duty_items.register()  # running report clocks at handovers, the day's incidents, 转为事件

        recipients.register()  # dispatch orders' assignees: who notify can reach
        # A report owed upward past its deadline reaches those on duty (值班值守), once per deadline.
        register_periodic_job("事件报告超时提醒", services.overdue_reports_job, seconds=60)
