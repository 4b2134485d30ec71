from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "anlan.resources"
    label = "resources"
    verbose_name = "救援力量与避难场所"

    def ready(self):
        from . import api, layers, recipients, views  # noqa: F401

        recipients.register()  # who notify can reach (notify imports no domain app)
