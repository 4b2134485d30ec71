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
        from anlan.core.labels import register_actions

        from . import api, services_mode, views_drills, views_mode  # noqa: F401  (API routes, menu links)

        register_actions(
            {
                "drill_mode_start": "进入演练模式",
                "drill_mode_end": "结束演练模式",
                "drill_inject_add": "添加推演注入",
                "drill_inject_fire": "执行推演注入",
                "drill_storm_load": "载入暴雨推演情景",
                "drill_ack": "参演人员回执",
            }
        )

        # Drill mode: who a sandbox notice reaches (notify) and the facilitator's clock (periodic job).
        services_mode.register()
