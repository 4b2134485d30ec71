from django.apps import AppConfig


class DutyConfig(AppConfig):
    """The duty desk (值班值守): rosters, who is on duty, the duty log, handovers, daily reports, and the
    routing of incidents, alarms and warnings to those on duty. Below monitoring, alerts and incidents,
    which call its routing; open items and the day's events are registered upward by those apps."""

    name = "anlan.duty"
    label = "duty"
    verbose_name = "值班值守"
