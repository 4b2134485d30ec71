from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Plans and the incident kinds they are written for; below incidents, which reads them."""

    name = "anlan.plans"
    label = "plans"
    verbose_name = "应急预案"

    def ready(self):
        from anlan.core.labels import register_actions

        from . import api, views, views_lifecycle, views_response  # noqa: F401

        register_actions(
            {
                "plan.version_add": "上传预案版本",
                "plan.trigger_resolve": "预案修订情形已修订",
                "plan.filing_submit": "报送预案备案",
                "plan.filing_file": "预案备案（出具登记表）",
                "plan.filing_return": "预案备案退回补正",
                "plan.evaluation": "登记预案评估",
                "response_table_import": "导入预案响应表",
            }
        )
