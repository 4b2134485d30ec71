from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    """会商研判 (the seeds' "1+7+N" mechanism): a session of departments, the situation snapshot taken when it
    starts, its conclusions and the warnings, responses and tasks it decided, with minutes in Word. Above
    alerts, monitoring and incidents, whose state it reads and links; below the 工作台."""

    name = "anlan.consultations"
    label = "consultations"
    verbose_name = "会商研判"

    def ready(self):
        from . import api, views  # noqa: F401  (API routes, menu links, panels on the warning and incident pages)
