"""The outbox and the channel budgets, moved from alerts with their rows (alerts 0005 reshaped the
table): taken into notify's state as they are, then their tables renamed to notify's."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0001_initial"),
        ("alerts", "0005_outbox_to_notify"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Delivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "variant",
                            models.CharField(
                                blank=True,
                                help_text="通知内容的变体；没有时用通用内容",
                                max_length=80,
                                verbose_name="内容变体",
                            ),
                        ),
                        (
                            "recipient_key",
                            models.CharField(
                                help_text="来源:编号，如 person:12、resident:7、shelter:6；上级叫应为 person:5#up:12",
                                max_length=60,
                                verbose_name="接收人",
                            ),
                        ),
                        ("recipient_name", models.CharField(max_length=100, verbose_name="姓名")),
                        ("region_code", models.CharField(max_length=12, verbose_name="区划")),
                        ("tier", models.CharField(max_length=12, verbose_name="层级")),
                        ("channel", models.CharField(max_length=16, verbose_name="渠道")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "待发送"),
                                    ("sending", "发送中"),
                                    ("sent", "已发送"),
                                    ("failed", "发送失败"),
                                    ("acknowledged", "已叫应"),
                                ],
                                default="queued",
                                max_length=12,
                                verbose_name="状态",
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="尝试次数")),
                        (
                            "next_attempt_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="下次尝试"),
                        ),
                        ("claimed_at", models.DateTimeField(blank=True, null=True, verbose_name="领取时间")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="发送时间")),
                        ("acknowledged_at", models.DateTimeField(blank=True, null=True, verbose_name="确认时间")),
                        ("last_error", models.CharField(blank=True, max_length=200, verbose_name="错误")),
                        (
                            "fallback",
                            models.CharField(
                                blank=True,
                                help_text="本渠道送达失败后依次改用，如 voice",
                                max_length=40,
                                verbose_name="备用渠道",
                            ),
                        ),
                        (
                            "notice",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="notify.notice",
                                verbose_name="通知",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "消息送达",
                        "verbose_name_plural": "消息送达",
                        "db_table": "alerts_delivery",
                        "indexes": [
                            models.Index(
                                condition=models.Q(("status__in", ["queued", "sending"])),
                                fields=["status", "channel", "next_attempt_at"],
                                name="delivery_due",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("tier__in", ("county", "township", "village"))),
                                fields=("notice", "recipient_key", "channel"),
                                name="one_responsible_delivery_per_channel",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ChannelBudget",
                    fields=[
                        (
                            "channel",
                            models.CharField(max_length=16, primary_key=True, serialize=False, verbose_name="渠道"),
                        ),
                        ("tokens", models.FloatField(verbose_name="可用额度")),
                        ("updated_at", models.DateTimeField(verbose_name="更新时间")),
                    ],
                    options={
                        "verbose_name": "渠道限速",
                        "verbose_name_plural": "渠道限速",
                        "db_table": "alerts_channelbudget",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="delivery", table=None),
        migrations.AlterModelTable(name="channelbudget", table=None),
        # One check per delivery row costs more than it guards (see Delivery.notice).
        migrations.AlterField(
            model_name="delivery",
            name="notice",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="deliveries",
                to="notify.notice",
                verbose_name="通知",
            ),
        ),
    ]
