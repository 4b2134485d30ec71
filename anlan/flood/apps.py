from django.apps import AppConfig


class FloodConfig(AppConfig):
    """防汛: flood works and danger zones (reservoirs by SL 252 class, 堤防, 山洪危险区, 易涝点) with their
    行政/技术/巡查 责任人 and public 公示, 汛期 dates, the 汛期 board and 山洪 two-level transfer thresholds. In the
    natural-hazard layer above disasters (whose transfer lists a 山洪 threshold opens), incidents, alerts and
    monitoring (whose on-alarm hook it registers), below kpi and the 工作台 (its 汛期 notice goes through
    `core.kit.register_home_notice`)."""

    name = "anlan.flood"
    label = "flood"
    verbose_name = "防汛"

    def ready(self):
        from anlan.core.kit import register_home_notice
        from anlan.monitoring.hooks import register_on_alarm

        from . import api, layers, views  # noqa: F401  (API routes, map layers, menu and kit pages)
        from .panels import home_notices
        from .services import on_alarm

        register_home_notice(home_notices)
        register_on_alarm("flood", on_alarm)
