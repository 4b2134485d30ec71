"""Load the duty-role code table (data, not code: anlan/registry/data/duty_roles.json)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "duty_roles.json"


def load(apps, schema_editor):
    DutyRole = apps.get_model("registry", "DutyRole")
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        DutyRole.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "description": row["description"]}
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
