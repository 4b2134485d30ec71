import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Notice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "topic",
                    models.CharField(
                        db_index=True,
                        help_text="如 warning:12、alarm:5:red、order:3",
                        max_length=64,
                        verbose_name="主题",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="标题")),
                ("link", models.CharField(blank=True, max_length=300, verbose_name="站内链接")),
                (
                    "level",
                    models.CharField(
                        blank=True, help_text="应急广播按级别重复播放次数", max_length=8, verbose_name="级别"
                    ),
                ),
                ("confirm_reply", models.CharField(blank=True, max_length=40, verbose_name="回复确认提示")),
                ("confirm_link", models.CharField(blank=True, max_length=300, verbose_name="确认链接模板")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="创建时间")),
            ],
            options={"verbose_name": "通知", "verbose_name_plural": "通知"},
        ),
        migrations.CreateModel(
            name="NoticeText",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(blank=True, max_length=80, verbose_name="变体")),
                ("text", models.CharField(max_length=300, verbose_name="内容")),
                ("confirm", models.BooleanField(default=False, verbose_name="短信附确认")),
                (
                    "notice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="texts",
                        to="notify.notice",
                        verbose_name="通知",
                    ),
                ),
            ],
            options={
                "verbose_name": "通知内容",
                "verbose_name_plural": "通知内容",
                "constraints": [models.UniqueConstraint(fields=("notice", "key"), name="one_text_per_variant")],
            },
        ),
    ]
