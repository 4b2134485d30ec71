from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "anlan.demo"
    label = "demo"
    verbose_name = "演示县"

    def ready(self):
        from anlan.core.labels import register_actions

        # The demo writes the history of its records (hazard steps, assessments) in bulk, audited as one step.
        register_actions({"demo_history": "演示历史记录"})
