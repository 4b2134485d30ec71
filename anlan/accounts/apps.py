from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "anlan.accounts"
    label = "accounts"
    verbose_name = "用户与部门"

    def ready(self):
        from . import recipients, views  # noqa: F401

        recipients.register()  # who notify can reach (notify imports no domain app)
