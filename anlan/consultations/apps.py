from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    """会商研判 (the seeds' "1+7+N" mechanism): a session of departments, the situation snapshot taken when it
    starts, its conclusions and the warnings, responses and tasks it decided, with minutes in Word. Above
    alerts, monitoring and incidents, whose state it reads and links; below the 工作台."""

    name = "anlan.consultations"
    label = "consultations"
    verbose_name = "会商研判"

    def ready(self):
        from anlan.core.labels import register_actions

        from . import api, views  # noqa: F401  (API routes, menu links, panels on the warning and incident pages)

        register_actions(
            {
                "consultation.record": "记录会商研判结论",
                "consultation.decision_add": "记录会商决定",
                "consultation.decision_link_warning": "会商决定关联预警",
                "consultation.decision_link_incident": "会商决定关联事件",
                "consultation.decision_link_task": "会商决定关联响应任务",
                "consultation.close": "结束会商（纪要编号）",
                "response_task_create": "下达响应任务",
            }
        )
