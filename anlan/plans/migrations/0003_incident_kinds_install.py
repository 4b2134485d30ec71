"""Install the incident kinds (plans/kinds.py). Databases made before the move already have them from
incidents 0003 (now a no-op); `install` adds only the missing ones, so this is safe to run on both."""

from django.db import migrations


def install(apps, schema_editor):
    from anlan.plans.kinds import install as install_kinds

    install_kinds(apps.get_model("plans", "IncidentKind"))


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_incident_kinds_move_here")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
