"""The outbox moves to notify, keeping its rows: each warning's (and alarm level's) deliveries point at
a notify Notice with the texts they carry, the domain foreign keys go, and the model leaves this app's
state (notify 0002 takes it over and renames the tables)."""

import django.db.models.deletion
from django.db import migrations, models

RESPONSIBLE = ("county", "township", "village")


def to_notices(apps, schema_editor):
    from anlan.alerts.messages import compose, sender_name

    Delivery = apps.get_model("alerts", "Delivery")
    Warning = apps.get_model("alerts", "Warning")
    Notice = apps.get_model("notify", "Notice")
    NoticeText = apps.get_model("notify", "NoticeText")
    sender = sender_name()
    for warning in Warning.objects.filter(pk__in=Delivery.objects.values("warning_id")):
        notice = Notice.objects.create(
            topic=f"warning:{warning.pk}",
            title=warning.headline,
            link=f"/alerts/warning/{warning.pk}/",
            level=warning.level,
        )
        rows = Delivery.objects.filter(warning_id=warning.pk)
        rows.update(notice_id=notice.pk)
        texts = {}
        # Rows still to send keep the text they would have been composed with (by tier and township); every
        # row that carried its own text (escalation calls), sent or not, keeps that text as its own variant,
        # so the history of what was sent stays exact.
        keep = models.Q(status__in=["queued", "sending"]) | ~models.Q(message="")
        for pk, tier, region, message in rows.filter(keep).values_list("pk", "tier", "region_code", "message"):
            key = f"m{pk}" if message else f"{tier}@{region[:9]}"
            if key not in texts:
                texts[key] = message or compose(
                    sender=sender,
                    headline=warning.headline,
                    instruction=warning.instruction,
                    description=warning.description,
                    measures=warning.measures or {},
                    tier=tier,
                    region_code=region[:9] + "000" if len(region) == 12 else "",
                )
            Delivery.objects.filter(pk=pk).update(variant=key)
        texts.setdefault("", f"【{sender}】{warning.headline}。{warning.instruction or warning.description}"[:300])
        NoticeText.objects.bulk_create(
            [
                NoticeText(notice=notice, key=k, text=t[:300], confirm=k.partition("@")[0] in RESPONSIBLE)
                for k, t in texts.items()
            ]
        )
    alarms = Delivery.objects.filter(warning_id__isnull=True, alarm_id__isnull=False)
    for alarm_id, level in {(a, k.rpartition(":")[2]) for a, k in alarms.values_list("alarm_id", "recipient_key")}:
        rows = alarms.filter(alarm_id=alarm_id, recipient_key__endswith=f"#alarm:{level}")
        first = rows.first()
        notice = Notice.objects.create(
            topic=f"alarm:{alarm_id}:{level}", title=first.message[:200], link=f"/monitoring/alarm/{alarm_id}/"
        )
        NoticeText.objects.create(notice=notice, key="", text=first.message[:300])
        rows.update(notice_id=notice.pk)
    Delivery.objects.filter(notice_id__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0004_alarm_deliveries"),
        ("notify", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="notice",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="notify.notice",
                verbose_name="通知",
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="variant",
            field=models.CharField(
                blank=True,
                default="",
                help_text="通知内容的变体；没有时用通用内容",
                max_length=80,
                verbose_name="内容变体",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(to_notices, elidable=False),
        migrations.RemoveConstraint(model_name="delivery", name="one_responsible_delivery_per_channel"),
        migrations.RemoveConstraint(model_name="delivery", name="one_alarm_delivery_per_channel"),
        migrations.RemoveField(model_name="delivery", name="alarm"),
        migrations.RemoveField(model_name="delivery", name="warning"),
        migrations.RemoveField(model_name="delivery", name="message"),
        migrations.AlterField(
            model_name="delivery",
            name="notice",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="notify.notice",
                verbose_name="通知",
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                condition=models.Q(("tier__in", ("county", "township", "village"))),
                fields=("notice", "recipient_key", "channel"),
                name="one_responsible_delivery_per_channel",
            ),
        ),
        # The model now lives in notify (0002 there); the table stays until notify renames it.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Delivery"),
                migrations.DeleteModel(name="ChannelBudget"),
            ],
            database_operations=[],
        ),
    ]
