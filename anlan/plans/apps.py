from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Plan pages are registry-kit pages, registered by incidents.views next to the incident pages."""

    name = "anlan.plans"
    label = "plans"
    verbose_name = "应急预案"
