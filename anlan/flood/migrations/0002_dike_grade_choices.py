"""堤防级别 gets its choices (1 级 … 5 级, GB 50286). Only the field's description changes: the column, its type and
every stored grade (1–5, held by the old validators; empty stays empty) are kept as they are."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("flood", "0001_flood_works_duty_thresholds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dike",
            name="grade",
            field=models.PositiveSmallIntegerField(
                blank=True,
                choices=[(1, "1 级"), (2, "2 级"), (3, "3 级"), (4, "4 级"), (5, "5 级")],
                help_text="1 级最高（GB 50286 堤防工程设计规范），按核定的级别选择",
                null=True,
                verbose_name="堤防级别",
            ),
        ),
    ]
