from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    """互联网+执法: supervision classes and the annual plan, inspectors and 双随机 draws, inspections whose
    findings enter the hidden-hazard loop, numbered enforcement documents, penalty cases, 一公开 and the
    严重失信 list, 专项整治 campaigns. Above hazards (findings become hidden hazards), incidents (a listing
    may cite an accident) and registry (enterprises); beside disasters; below the 工作台."""

    name = "anlan.enforcement"
    label = "enforcement"
    verbose_name = "执法检查"

    def ready(self):
        from anlan.core.labels import register_actions
        from anlan.enforcement import views_draws  # noqa: F401  (kit pages and menu links of the draws part)

        # The API modules register with the API router; the views modules register menu links and kit pages.
        from . import api_draws, api_inspections, api_penalty, views_inspections, views_plan  # noqa: F401

        register_actions({"document.issue": "制作执法文书", "document.download": "下载执法文书"})
        register_actions({"draw.create": "双随机抽取"})
