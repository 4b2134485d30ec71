from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """培训与宣教: courses and sessions, attendance and hours, certificates with expiry, the question bank and
    online exams, training rates per unit (read by kpi), and the 宣教素材库 with its public 科普 page."""

    name = "anlan.training"
    label = "training"
    verbose_name = "培训与宣教"

    def ready(self):
        from anlan.core.daily import register_daily_job

        from . import api, recipients, services, views  # noqa: F401 (API routes; views registers the kit pages)

        recipients.register()  # trainees: exam links by SMS (notify imports no domain app)

        register_daily_job("证书到期提醒", services.reminder_job)
