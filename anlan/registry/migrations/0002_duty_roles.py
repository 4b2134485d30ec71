"""Load the duty-role code table (data, not code: anlan/registry/data/duty_roles.json)."""

from django.db import migrations


def load(apps, schema_editor):
    from anlan.registry.services import duty_roles_sync

    duty_roles_sync(apps.get_model("registry", "DutyRole"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
