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

        # The API modules register with the API router; the views modules register menu links and kit pages.
        from . import (  # noqa: F401
            api_draws,
            api_inspections,
            api_penalty,
            views_campaigns,
            views_cases,
            views_documents,
            views_draws,
            views_inspections,
            views_plan,
            views_stats,
        )

        register_actions({"document.issue": "制作执法文书", "document.download": "下载执法文书"})
        register_actions({"draw.create": "双随机抽取"})
        self._ready_credit()

    def _ready_credit(self):
        """一公开 and credit (views_credit registers its pages): the publication and expiry jobs, the
        严重失信 flag shown on enterprises by the registry and the map (core.flags)."""
        from anlan.core.flags import register_enterprise_flag
        from anlan.core.labels import register_actions
        from anlan.core.schedule import register_periodic_job

        from . import services_credit, views_credit  # noqa: F401
        from .models import CreditListing

        register_actions(services_credit.AUDIT_ACTIONS)
        register_periodic_job("执法检查结果到期公示", services_credit.publish_job, seconds=3600)
        register_periodic_job("严重失信名单期满移出", services_credit.expire_job, seconds=3600)
        register_enterprise_flag(
            "严重失信", lambda: CreditListing.objects.filter(status=CreditListing.Status.LISTED).values("enterprise")
        )
