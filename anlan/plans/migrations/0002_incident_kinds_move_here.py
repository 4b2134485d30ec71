"""IncidentKind moves from incidents to plans (issue 20): plans sits below incidents, and both use the kinds.

Only Django's model state moves. The table keeps its name (`incidents_incidentkind`, see the model's
Meta.db_table), so existing databases keep every row and every foreign key that points at it (incidents'
`kind`, the plans' kinds table) unchanged. incidents 0005 then drops the model from incidents' state.
"""

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Keep the content type row (and any permission on it) with the model."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="incidents", model="incidentkind").update(app_label="plans")


def move_content_type_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="plans", model="incidentkind").update(app_label="incidents")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("plans", "0001_initial"),
        # The kinds' history in incidents ends with its last migration that knew them.
        ("incidents", "0004_review_and_follow_ups"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IncidentKind",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "category",
                            models.CharField(
                                choices=[
                                    ("natural", "自然灾害"),
                                    ("accident", "事故灾难"),
                                    ("health", "公共卫生事件"),
                                    ("social", "社会安全事件"),
                                ],
                                max_length=12,
                                verbose_name="类别",
                            ),
                        ),
                        ("name", models.CharField(max_length=50, unique=True, verbose_name="类型")),
                        (
                            "code",
                            models.CharField(
                                blank=True,
                                help_text="取得标准文本后填写",
                                max_length=20,
                                verbose_name="GB/T 35561 代码",
                            ),
                        ),
                        (
                            "grading",
                            models.CharField(
                                choices=[
                                    ("production_safety", "生产安全事故（国务院令第493号）"),
                                    ("manual", "人工研判"),
                                ],
                                default="manual",
                                max_length=20,
                                verbose_name="分级依据",
                            ),
                        ),
                        (
                            "first_report_minutes",
                            models.PositiveIntegerField(
                                default=120,
                                help_text="接报后向上级报告的时限：事故 60，自然灾害初报 120",
                                verbose_name="首报时限（分钟）",
                            ),
                        ),
                        (
                            "follow_up_hours",
                            models.PositiveIntegerField(
                                default=24, help_text="Ⅱ级以上减半（每日至少两次续报）", verbose_name="续报间隔（小时）"
                            ),
                        ),
                        ("order", models.PositiveSmallIntegerField(default=100, verbose_name="排序")),
                    ],
                    options={
                        "verbose_name": "事件类型",
                        "verbose_name_plural": "事件类型",
                        "db_table": "incidents_incidentkind",
                        "ordering": ["order", "name"],
                    },
                ),
                # Same table, same column (`incidentkind_id`): only the target's app changes.
                migrations.AlterField(
                    model_name="plan",
                    name="kinds",
                    field=models.ManyToManyField(
                        related_name="plans", to="plans.incidentkind", verbose_name="适用事件类型"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
