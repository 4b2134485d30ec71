"""Norm sources loaded by 0002 ended with our notes' section numbers ("（reference §6.1）"), which mean nothing
to the people reading the norm: drop them from rows that still carry them."""

import re

from django.db import migrations

CITATION = re.compile(r"（reference §[0-9.、§]*）|，reference §[0-9.]*(?=）)")


def drop_citations(apps, schema_editor):
    SupplyNorm = apps.get_model("supplies", "SupplyNorm")
    for norm in SupplyNorm.objects.filter(source__contains="reference §"):
        norm.source = CITATION.sub("", norm.source)
        norm.save(update_fields=["source"])


class Migration(migrations.Migration):
    dependencies = [("supplies", "0002_catalogue")]

    operations = [migrations.RunPython(drop_citations, migrations.RunPython.noop)]
