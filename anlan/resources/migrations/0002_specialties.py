"""Load the specialty code table (anlan/resources/data/specialties.json)."""

from django.db import migrations


def load(apps, schema_editor):
    from anlan.resources.services import specialties_sync

    specialties_sync(apps.get_model("resources", "Specialty"))


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
