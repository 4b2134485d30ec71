"""In-app notifications (站内消息): what the platform tells a user (overdue hazards, missed patrols, later
alarms and warnings). The in-app channel of the warning system delivers here too."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from anlan.core.roles import NOBODY

__all__ = ["Notification"]


class NotificationQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """A user sees only their own messages (no region scope: messages are addressed to a person)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)


class Notification(models.Model):
    class Category(models.TextChoices):
        HAZARD_OVERDUE = "hazard_overdue", "隐患逾期"
        PATROL_MISSED = "patrol_missed", "漏巡"
        ALARM = "alarm", "监测报警"
        WARNING = "warning", "预警"
        TASK = "task", "任务"
        OTHER = "other", "其他"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    category = models.CharField("类别", max_length=16, choices=Category.choices, default=Category.OTHER)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    # Lets a job send each message once however often it runs (e.g. "hazard 12 overdue since 2026-11-20").
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="one_message_per_key"
            )
        ]

    def __str__(self):
        return self.title
