"""Installed the incident kinds until they moved to plans (issue 20); plans 0003 installs them now.

Kept as a no-op so the migration graph of existing databases stays the same: incidents imports no data
of plans here, and the kinds are installed once, by their own app."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_initial")]

    operations = []
