"""IncidentKind now lives in plans (plans 0002 took over its state and its table): the incidents' foreign
key points there and the model leaves incidents' state. Nothing changes in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0004_review_and_follow_ups"),
        ("plans", "0002_incident_kinds_move_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="incident",
                    name="kind",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="plans.incidentkind", verbose_name="事件类型"
                    ),
                ),
                migrations.DeleteModel(name="IncidentKind"),
            ],
            database_operations=[],
        ),
    ]
