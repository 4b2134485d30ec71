from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Plans and the incident kinds they are written for; below incidents, which reads them."""

    name = "anlan.plans"
    label = "plans"
    verbose_name = "应急预案"

    def ready(self):
        from . import api, views, views_lifecycle, views_response  # noqa: F401
