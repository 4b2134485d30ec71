"""The notification layer's records: a notice (what is said, already rendered, with its text variants),
one delivery per recipient and channel (the outbox), and the channels' shared rate budgets.

Nothing here points at a domain record: a notice names what it is about by `topic` ("warning:12",
"alarm:5:red", "order:3"), and a delivery names its recipient by "<source kind>:<id>" (recipients.py).
"""

from django.db import models
from django.utils import timezone

from anlan.core.scoping import ScopedManager, ScopeSpec

__all__ = ["ChannelBudget", "Delivery", "Notice", "NoticeText"]


class Notice(models.Model):
    """One message as its sender rendered it: title and link for every channel, and the texts in
    NoticeText (one per variant: audience, sector, township plan…). The outbox composes nothing."""

    topic = models.CharField("主题", max_length=64, db_index=True, help_text="如 warning:12、alarm:5:red、order:3")
    title = models.CharField("标题", max_length=200)
    link = models.CharField("站内链接", max_length=300, blank=True)
    level = models.CharField("级别", max_length=8, blank=True, help_text="应急广播按级别重复播放次数")
    # Per-recipient parts for texts marked `confirm` on SMS (叫应): a reply hint, and a link template whose
    # {token} the outbox fills with a signed token of (topic, recipient) — see tokens.py.
    confirm_reply = models.CharField("回复确认提示", max_length=40, blank=True)
    confirm_link = models.CharField("确认链接模板", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    # Set for records made inside a drill (演练模式, core.Exercise): labelled 演练, kept out of statistics.
    exercise = models.ForeignKey(
        "core.Exercise", verbose_name="演练", null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )

    view_roles = frozenset()  # read through the pages of what they announce (a warning's 审核签发 page)
    write_roles = frozenset()  # written only by notify's services (deny by default)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"

    def __str__(self):
        return self.title


class NoticeText(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="texts", verbose_name="通知")
    key = models.CharField("变体", max_length=80, blank=True)
    text = models.CharField("内容", max_length=300)
    confirm = models.BooleanField("短信附确认", default=False)

    view_roles = frozenset()  # read through the pages of what they announce (a warning's 审核签发 page)
    write_roles = frozenset()  # written only by notify's services (deny by default)

    class Meta:
        verbose_name = "通知内容"
        verbose_name_plural = "通知内容"
        constraints = [models.UniqueConstraint(fields=["notice", "key"], name="one_text_per_variant")]

    def __str__(self):
        return self.key or "通用"


class Delivery(models.Model):
    """One message to one recipient on one channel (the outbox)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        ACKNOWLEDGED = "acknowledged", "已叫应"

    # No database constraint: notify writes the notice and then its deliveries in one transaction, and a
    # constraint checks the notice once per delivery row (a million lookups for a county-wide warning, at
    # commit on PostgreSQL); deleting a notice still deletes its deliveries (Django's CASCADE).
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="deliveries", verbose_name="通知", db_constraint=False
    )
    variant = models.CharField("内容变体", max_length=80, blank=True, help_text="通知内容的变体；没有时用通用内容")
    recipient_key = models.CharField(
        "接收人",
        max_length=60,
        help_text="来源:编号，如 person:12、resident:7、shelter:6；上级叫应为 person:5#up:12",
    )
    recipient_name = models.CharField("姓名", max_length=100)
    # The address is looked up from the recipient's source when sending (no second copy of phone numbers).
    # Not indexed: scopes filter it by prefix, and a county-wide warning writes a million rows, where every
    # index costs (benchmarks/README.md).
    region_code = models.CharField("区划", max_length=12)
    tier = models.CharField("层级", max_length=12)
    channel = models.CharField("渠道", max_length=16)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    # A worker's claim; a claim older than the lease (the worker died) is taken over by another worker.
    claimed_at = models.DateTimeField("领取时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    last_error = models.CharField("错误", max_length=200, blank=True)
    fallback = models.CharField("备用渠道", max_length=40, blank=True, help_text="本渠道送达失败后依次改用，如 voice")

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="region_code")

    # Listed (read only) for those who follow up who was not reached or has not answered a 叫应: the county,
    # the townships and the village workers (their village's responsible persons); names, never addresses.
    view_roles = frozenset({"county_admin", "county_operator", "township_operator", "village_worker"})
    write_roles = frozenset()  # written only by notify's services (deny by default)

    class Meta:
        verbose_name = "消息送达"
        verbose_name_plural = "消息送达"
        # Responsible persons are written by several paths (issue, fallback, 叫应 voice calls, superiors called
        # up, alarm SMS), so a unique index keeps each to one delivery per channel. Everyone else is written
        # once, by the single INSERT … SELECT of the issue, so they are unique by construction: a unique index
        # over a million residents doubled the fan-out time on PostgreSQL.
        # The conditions are written as ORs of equalities: SQLite evaluates a partial index's `IN (…)` list
        # on every inserted row at a cost that doubled the fan-out (benchmarks/README.md).
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "recipient_key", "channel"],
                condition=models.Q(tier="county") | models.Q(tier="township") | models.Q(tier="village"),
                name="one_responsible_delivery_per_channel",
            ),
        ]
        # The claim index holds only what workers still have to do (sent rows leave it); claimed rows are
        # found by the lease index, which the fan-out does not touch (it writes queued rows).
        indexes = [
            models.Index(
                fields=["channel", "next_attempt_at"], condition=models.Q(status="queued"), name="delivery_due"
            ),
            models.Index(fields=["claimed_at"], condition=models.Q(status="sending"), name="delivery_leased"),
            # Failed rows only (the fan-out writes queued rows, which this index never holds): the 工作台's
            # 送达失败 and the 消息送达 list find them without reading a county-wide warning's million rows.
            models.Index(
                fields=["notice", "recipient_key"], condition=models.Q(status="failed"), name="delivery_failed"
            ),
        ]

    def __str__(self):
        return f"{self.notice_id} → {self.recipient_name} ({self.channel})"

    @property
    def tier_name(self) -> str:
        return TIER_NAMES.get(self.tier, self.tier)

    @property
    def channel_name(self) -> str:
        from .channels import CHANNEL_LABELS  # filled as channels register

        return CHANNEL_LABELS.get(self.channel, self.channel)


# Who a delivery is for, in the words of the 消息送达 list (tiers as recipient sources and warnings write them).
TIER_NAMES = {
    "county": "县级责任人",
    "township": "乡镇责任人",
    "village": "村级责任人",
    "user": "平台用户",
    "resident": "居民",
    "enterprise": "企业",
}


class ChannelBudget(models.Model):
    """A token bucket per channel shared by every worker (ANLAN_CHANNEL_RATES): a claim takes tokens in
    the same transaction, so two workers together never exceed what the gateway contract allows."""

    channel = models.CharField("渠道", max_length=16, primary_key=True)
    tokens = models.FloatField("可用额度")
    updated_at = models.DateTimeField("更新时间")

    write_roles = frozenset()  # written only by notify's services (deny by default)

    class Meta:
        verbose_name = "渠道限速"
        verbose_name_plural = "渠道限速"

    def __str__(self):
        return self.channel
