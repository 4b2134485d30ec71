"""Early warnings as CAP 1.2 messages, the residents they reach, and the delivery outbox."""

from django.db import models
from django.utils import timezone

from anlan.core.fields import EncryptedCharField
from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES
from anlan.core.scoping import ScopedManager, ScopeSpec
from anlan.core.validators import validate_phone

__all__ = ["Delivery", "Resident", "Warning"]

LEVEL_CHOICES = [("blue", "蓝色"), ("yellow", "黄色"), ("orange", "橙色"), ("red", "红色")]
# CAP 1.2's own enumerations (reference §8.2).
CATEGORIES = [
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
]
URGENCIES = ["Immediate", "Expected", "Future", "Past", "Unknown"]
SEVERITIES = ["Extreme", "Severe", "Moderate", "Minor", "Unknown"]
CERTAINTIES = ["Observed", "Likely", "Possible", "Unlikely", "Unknown"]


class Warning(AnlanModel):
    """One CAP message: an alert, or an update or cancel of an earlier one (msg_type + references)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        REVIEW = "review", "待签发"
        ISSUED = "issued", "已发布"
        CANCELLED = "cancelled", "已撤销"
        SUPERSEDED = "superseded", "已更新"

    class MsgType(models.TextChoices):
        ALERT = "Alert", "发布"
        UPDATE = "Update", "更新"
        CANCEL = "Cancel", "撤销"

    identifier = models.CharField("CAP 标识", max_length=64, unique=True)
    msg_type = models.CharField("消息类型", max_length=8, choices=MsgType.choices, default=MsgType.ALERT)
    references = models.ForeignKey(
        "self",
        verbose_name="更新/撤销的预警",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followers",
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    event = models.CharField("事件", max_length=100)
    category = models.CharField("CAP 类别", max_length=12, choices=[(c, c) for c in CATEGORIES])
    level = models.CharField("预警级别", max_length=8, choices=LEVEL_CHOICES)
    urgency = models.CharField("紧迫程度", max_length=12, choices=[(c, c) for c in URGENCIES])
    severity = models.CharField("严重程度", max_length=12, choices=[(c, c) for c in SEVERITIES])
    certainty = models.CharField("确定程度", max_length=12, choices=[(c, c) for c in CERTAINTIES])
    headline = models.CharField("标题", max_length=200)
    description = models.TextField("内容")
    instruction = models.TextField("防御指引", blank=True)
    region = models.ForeignKey(
        "geo.Region",
        verbose_name="发布单位区划",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="发布者所在区划，决定谁能看到和处理这条预警",
    )
    regions = models.ManyToManyField("geo.Region", verbose_name="预警区域", related_name="warnings")
    polygon = models.JSONField("预警范围（GeoJSON 面）", null=True, blank=True)
    onset = models.DateTimeField("开始时间", null=True, blank=True)
    expires = models.DateTimeField("失效时间")
    sent = models.DateTimeField("发布时间", null=True, blank=True)
    author = models.CharField("拟稿人", max_length=150, blank=True)
    issuer = models.CharField("签发人", max_length=150, blank=True)

    scope_spec = ScopeSpec(region="region")
    write_roles = frozenset({*COUNTY_ROLES, "township_operator", "department_operator"})

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.headline

    @property
    def active(self) -> bool:
        return self.status == self.Status.ISSUED and self.expires > timezone.now()


class Resident(AnlanModel):
    """A resident or household registered in a village (居民), reached by warnings for their area."""

    name = models.CharField("姓名", max_length=64)
    region = models.ForeignKey("geo.Region", verbose_name="所在村（社区）", on_delete=models.PROTECT)
    household = models.CharField("户主/门牌", max_length=100, blank=True)
    phone = EncryptedCharField("手机号码", sensitive_kind="phone", max_length_plain=20, validators=[validate_phone])
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    vulnerable = models.BooleanField("需重点帮扶（老弱病残孕）", default=False)

    scope_spec = ScopeSpec(region="region")

    class Meta:
        verbose_name = "居民"
        verbose_name_plural = "居民"
        ordering = ["region", "name"]

    def __str__(self):
        return self.name


class Delivery(models.Model):
    """One message to one recipient on one channel (the outbox); a recipient is reached once per channel."""

    class Tier(models.TextChoices):
        COUNTY = "county", "县级责任人"
        TOWNSHIP = "township", "乡镇责任人"
        VILLAGE = "village", "村级责任人"
        RESIDENT = "resident", "居民"
        ENTERPRISE = "enterprise", "企业"
        USER = "user", "平台用户"

    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        ACKNOWLEDGED = "acknowledged", "已叫应"

    # No index of its own: the unique (warning, recipient, channel) index starts with it.
    warning = models.ForeignKey(
        Warning, on_delete=models.CASCADE, related_name="deliveries", verbose_name="预警", db_index=False
    )
    recipient_key = models.CharField(
        "接收人", max_length=60, help_text="person:12、resident:7、user:3；上级叫应为 person:5#up:12"
    )
    recipient_name = models.CharField("姓名", max_length=100)
    # The address is looked up from the recipient when sending (no second copy of phone numbers here).
    # Not indexed: scopes filter it by prefix, and issuing a county-wide warning writes a million rows, where
    # every index costs; the unique (warning, recipient, channel) index serves per-warning queries.
    region_code = models.CharField("区划", max_length=12)
    tier = models.CharField("层级", max_length=12, choices=Tier.choices)
    channel = models.CharField("渠道", max_length=16)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    # A worker's claim; a claim older than the lease (the worker died) is taken over by another worker.
    claimed_at = models.DateTimeField("领取时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    acknowledged_at = models.DateTimeField("叫应时间", null=True, blank=True)
    last_error = models.CharField("错误", max_length=200, blank=True)
    message = models.CharField("专用内容", max_length=300, blank=True, help_text="为空时用预警的标题与防御指引")

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="region_code")

    class Meta:
        verbose_name = "预警送达"
        verbose_name_plural = "预警送达"
        constraints = [
            models.UniqueConstraint(fields=["warning", "recipient_key", "channel"], name="one_delivery_per_channel")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.warning_id} → {self.recipient_name} ({self.channel})"
