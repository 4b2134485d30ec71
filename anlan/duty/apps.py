from django.apps import AppConfig


class DutyConfig(AppConfig):
    """The duty desk (值班值守): rosters, who is on duty, the duty log, handovers, daily reports, and the
    routing of incidents, alarms and warnings to those on duty. Below monitoring, alerts and incidents,
    which call its routing; open items and the day's events are registered upward by those apps."""

    name = "anlan.duty"
    label = "duty"
    verbose_name = "值班值守"

    def ready(self):
        from anlan.core.kit import register_home_notice
        from anlan.core.schedule import register_periodic_job

        from . import api_log, daily, log, sources, views_log  # noqa: F401

        sources.register_open_items("log", "未办结的值班日志", log.open_entries, order=90)
        register_periodic_job("值班日报催报", daily.remind_missing, seconds=600)
        register_home_notice(daily.home_notices)
