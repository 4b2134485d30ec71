from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "anlan.registry"
    label = "registry"
    verbose_name = "人员与企业"

    def ready(self):
        from . import api, layers, recipients, views  # noqa: F401

        recipients.register()  # who notify can reach (notify imports no domain app)
