from django.apps import AppConfig


class KpiConfig(AppConfig):
    """考核与任务: the plan's core indicators computed from the apps below (or entered), the 重点任务分工 with
    progress reports and reminders, the annual 考核 sheets, and the 职责清单/工作清单 with the public 公示 of
    responsible persons. It reads every domain app (above them), below the 工作台 that shows its figures."""

    name = "anlan.kpi"
    label = "kpi"
    verbose_name = "考核与任务"

    def ready(self):
        import importlib
        import pkgutil

        from . import calculators

        # Every module in kpi/calculators registers its calculators (kpi.computed) when imported.
        for module in pkgutil.iter_modules(calculators.__path__):
            importlib.import_module(f"{calculators.__name__}.{module.name}")

        from anlan.core.daily import register_daily_job
        from anlan.core.labels import register_actions

        from . import (  # noqa: F401  (API routes, kit, menu)  # noqa: F401  (重点任务分工: pages, API routes)
            api_assessment,
            api_indicators,
            api_tasks,
            reminders,
            services_indicators,
            views_indicators,
            views_tasks,
        )

        register_actions(
            {
                "kpi.recompute": "重新计算核心指标",
                "kpi.value_enter": "填报指标值",
                "kpi_task_create": "新建重点任务",
                "kpi_task_update": "修改重点任务",
                "kpi_task_report": "报送任务进展",
                "assessment_scheme_open": "下发考核自评",
                "assessment_recompute": "重新计算考核得分",
                "assessment_self": "填写自评",
                "assessment_submit": "提交自评",
                "assessment_review_score": "评审打分",
                "assessment_return": "退回自评",
                "assessment_finish": "完成评审",
                "assessment_rank": "考核排名",
                "duties_import": "导入清单事项",
                "duties_publish": "公布清单",
            }
        )
        register_daily_job("核心指标计算", services_indicators.daily_job)
        register_daily_job("重点任务提醒", reminders.reminder_job)  # 重点任务分工 (kpi.reminders)
