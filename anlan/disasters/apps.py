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
        from anlan.core.schedule import register_periodic_job

        from . import api, duty_items, duty_materials, services, transfer, views, views_relief, views_transfer  # noqa: F401

        duty_items.register()  # the report clocks and the ≥ 10 dead and missing escalation on the duty desk
        register_periodic_job("灾情报送提醒", services.remind_reports, seconds=600)
        duty_materials.register()  # 核报材料不全 on the duty desk until the registers and photos are complete
        # A warning issued over a site's region opens the site's transfer list (避险转移到户到人).
        register_on_issue("disasters.transfer", transfer.open_for_warning)
