from django.apps import AppConfig


class DisastersConfig(AppConfig):
    """灾情统计报送, 救灾救助 and 避险转移到户到人: the recovery half of the loop. Above incidents and alerts
    (a process links to them; a warning or an incident opens a site's transfer list), sites (households),
    resources (shelters) and supplies (goods issued to households); below the 工作台."""

    name = "anlan.disasters"
    label = "disasters"
    verbose_name = "灾情与救助"

    def ready(self):
        from anlan.alerts.hooks import register_on_issue

        from . import transfer, views_transfer  # noqa: F401 — registers the transfer pages' menu links and panels

        # A warning issued over a site's region opens the site's transfer list (避险转移到户到人).
        register_on_issue("disasters.transfer", transfer.open_for_warning)
