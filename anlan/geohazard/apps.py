from django.apps import AppConfig


class GeohazardConfig(AppConfig):
    """地质灾害防治: the 三查 (汛前排查, 汛中巡查, 汛后核查) as campaigns over the hazard sites with findings,
    险情/灾情 grading of a site's event with its 速报 clock, and the 避险明白卡 per household (printable, QR to the
    household's transfer record). In the natural-hazard layer above disasters (transfer records), incidents and
    sites, below kpi and the 工作台."""

    name = "anlan.geohazard"
    label = "geohazard"
    verbose_name = "地质灾害防治"

    def ready(self):
        from anlan.core.daily import register_daily_job
        from anlan.core.kit import register_home_notice
        from anlan.core.panels import register_panel

        from . import api, services, views  # noqa: F401  (API routes, menu and kit pages)
        from .panels import home_notices, site_panel

        register_daily_job("三查提醒", services.reminder_job)
        register_home_notice(home_notices)
        register_panel("sites.hazardsite", site_panel, order=20, name="geohazard.site")
