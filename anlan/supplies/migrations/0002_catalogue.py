"""Load the supply catalogue and default norms (anlan/supplies/data/catalogue.json)."""

from django.db import migrations


def load(apps, schema_editor):
    from anlan.supplies.services import catalogue_sync

    catalogue_sync(apps.get_model("supplies", "SupplyItem"), apps.get_model("supplies", "SupplyNorm"))


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
