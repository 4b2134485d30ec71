from django.apps import AppConfig


class DutyConfig(AppConfig):
    """The duty desk (值班值守): rosters, who is on duty, the duty log, handovers, daily reports, and the
    routing of incidents, alarms and warnings to those on duty. Below monitoring, alerts and incidents,
    which call its routing; open items and the day's events are registered upward by those apps."""

    name = "anlan.duty"
    label = "duty"
    verbose_name = "值班值守"

    def ready(self):
        from anlan.core.kit import register_home_card, register_home_notice
        from anlan.core.schedule import register_periodic_job

        from . import api_log, api_roster, daily, log, routing, sources, views_log, views_roster  # noqa: F401

        # Urgent duty messages still unread after the desk's time become voice calls (once each).
        register_periodic_job("值班消息未读外呼", routing.call_unread, seconds=60)
        sources.register_open_items("log", "未办结的值班日志", log.open_entries, order=90)
        register_periodic_job("值班日报催报", daily.remind_missing, seconds=600)
        register_home_notice(daily.home_notices)
        register_home_card("duty/_workbench_card.html")  # this desk's 带班领导 and 值班员 on the 工作台
