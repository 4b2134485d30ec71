"""Install the standard warning templates (alerts/data/warning_templates.json); staff edit them later."""

from django.db import migrations


def install(apps, schema_editor):
    from anlan.alerts.wording import install as install_templates

    install_templates(apps.get_model("alerts", "WarningTemplate"))


class Migration(migrations.Migration):
    dependencies = [("alerts", "0002_channels_subscribers_templates")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
