"""Install the incident kinds (incidents/kinds.py): the law's four categories and the plan's sub-types."""

from django.db import migrations


def install(apps, schema_editor):
    from anlan.incidents.kinds import install as install_kinds

    install_kinds(apps.get_model("incidents", "IncidentKind"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
