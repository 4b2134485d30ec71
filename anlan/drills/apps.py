from django.apps import AppConfig


class DrillsConfig(AppConfig):
    """演练: drills planned, recorded and evaluated against the plans they exercise, the compliance table by
    year, and drill mode (模拟推演) that plays warnings, alarms and incidents inside a sandbox. Above alerts,
    monitoring and incidents (drill mode drives their services), plans (the plan exercised) and registry;
    below the 工作台."""

    name = "anlan.drills"
    label = "drills"
    verbose_name = "应急演练"

    def ready(self):
        from . import api, services_mode, views_drills, views_mode  # noqa: F401  (API routes, menu links)

        # Drill mode: who a sandbox notice reaches (notify) and the facilitator's clock (periodic job).
        services_mode.register()
