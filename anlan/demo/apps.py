from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "anlan.demo"
    label = "demo"
    verbose_name = "演示县"

    def ready(self):
        from anlan.core.labels import register_actions

        # The demo writes the history of its records (hazard steps, assessments) in bulk, audited as one step;
        # the large profile's bulk records are audited one entry per batch (demo/bulk.py).
        register_actions({"demo_history": "演示历史记录", "demo_bulk_create": "演示数据批量创建"})
