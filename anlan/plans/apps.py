from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "anlan.plans"
    label = "plans"
    verbose_name = "应急预案"

    def ready(self):
        from . import views  # noqa: F401
