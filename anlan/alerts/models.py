"""Early warnings as CAP 1.2 messages and the residents, subscribers, loudspeakers and work groups they
reach (the outbox that carries them is notify's)."""

from django.db import models
from django.utils import timezone

from anlan.core.fields import BlindIndexField, EncryptedCharField, channel_order_field
from anlan.core.labels import register_actions
from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, LOCAL_REGISTRY_ROLES, NOBODY, Role
from anlan.core.scoping import ScopedManager, ScopeSpec
from anlan.core.validators import validate_phone

__all__ = [
    "BroadcastTerminal",
    "Resident",
    "Subscriber",
    "Warning",
    "WarningTask",
    "WarningTemplate",
    "WorkGroup",
]

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
# Pages show the Chinese names; CAP documents and the API keep CAP's own codes.
CATEGORY_LABELS = {
    "Geo": "地质地震",
    "Met": "气象水文",
    "Safety": "公共安全",
    "Security": "社会安全",
    "Rescue": "救援救助",
    "Fire": "火灾",
    "Health": "卫生健康",
    "Env": "生态环境",
    "Transport": "交通运输",
    "Infra": "基础设施",
    "CBRNE": "化学生物放射核爆炸",
    "Other": "其他",
}
URGENCY_LABELS = {
    "Immediate": "立即",
    "Expected": "预期（一小时内）",
    "Future": "将来",
    "Past": "已过去",
    "Unknown": "未知",
}
SEVERITY_LABELS = {"Extreme": "特别严重", "Severe": "严重", "Moderate": "较重", "Minor": "一般", "Unknown": "未知"}
CERTAINTY_LABELS = {
    "Observed": "已发生",
    "Likely": "很可能",
    "Possible": "可能",
    "Unlikely": "不太可能",
    "Unknown": "未知",
}
CATEGORY_CHOICES = [(c, CATEGORY_LABELS[c]) for c in CATEGORIES]
URGENCY_CHOICES = [(c, URGENCY_LABELS[c]) for c in URGENCIES]
SEVERITY_CHOICES = [(c, SEVERITY_LABELS[c]) for c in SEVERITIES]
CERTAINTY_CHOICES = [(c, CERTAINTY_LABELS[c]) for c in CERTAINTIES]


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
    category = models.CharField("CAP 类别", max_length=12, choices=CATEGORY_CHOICES)
    level = models.CharField("预警级别", max_length=8, choices=LEVEL_CHOICES)
    urgency = models.CharField("紧迫程度", max_length=12, choices=URGENCY_CHOICES)
    severity = models.CharField("严重程度", max_length=12, choices=SEVERITY_CHOICES)
    certainty = models.CharField("确定程度", max_length=12, choices=CERTAINTY_CHOICES)
    headline = models.CharField("标题", max_length=200)
    description = models.TextField("内容")
    instruction = models.TextField("防御指引", blank=True)
    # 一行业一措施、一乡镇一方案: instructions for one audience ("responsible", "resident", "enterprise",
    # "enterprise:<行业>", "township:<区划代码>") replace or add to the general one in that audience's messages.
    measures = models.JSONField("分对象防御措施", default=dict, blank=True)
    template = models.ForeignKey(
        "WarningTemplate", verbose_name="模板", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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
    # Set when the warning is issued inside a drill (演练模式): labelled 演练, delivered only to the drill's
    # participants through no real gateway, left out of statistics and public feeds.
    exercise = models.ForeignKey(
        "core.Exercise", verbose_name="演练", null=True, blank=True, on_delete=models.PROTECT, related_name="warnings"
    )

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
    phone_index = BlindIndexField("手机号码检索索引", source="phone")
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    vulnerable = models.BooleanField("需重点帮扶（老弱病残孕）", default=False)
    channel_order = channel_order_field()

    scope_spec = ScopeSpec(region="region")

    # Grid workers keep their village's resident lists.
    write_roles = frozenset({*LOCAL_REGISTRY_ROLES, Role.VILLAGE_WORKER})

    class Meta:
        verbose_name = "居民"
        verbose_name_plural = "居民"
        ordering = ["region", "name"]

    def __str__(self):
        return self.name


class Subscriber(AnlanModel):
    """A member of the public who subscribed on the public warnings page (公众订阅), confirmed by an SMS code."""

    phone = EncryptedCharField("手机号码", sensitive_kind="phone", max_length_plain=20, validators=[validate_phone])
    phone_index = BlindIndexField("手机号码检索索引", source="phone")
    # A keyed hash of the phone: finds an existing subscription without decrypting every row.
    phone_digest = models.CharField("号码摘要", max_length=64, db_index=True, editable=False)
    region = models.ForeignKey("geo.Region", verbose_name="订阅区域", on_delete=models.PROTECT)
    name = models.CharField("称呼", max_length=64, blank=True)
    confirmed = models.BooleanField("已确认", default=False)
    code_digest = models.CharField("验证码摘要", max_length=64, blank=True, editable=False)
    code_sent_at = models.DateTimeField("验证码发送时间", null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField("验证次数", default=0, editable=False)
    pending = models.CharField("待确认操作", max_length=12, blank=True, editable=False)  # subscribe | unsubscribe
    requested_from = models.CharField("来源地址摘要", max_length=64, blank=True, editable=False)

    scope_spec = ScopeSpec(region="region")
    write_roles = frozenset()  # only the public page writes (with the SMS code): staff read and export

    class Meta:
        verbose_name = "公众订阅"
        verbose_name_plural = "公众订阅"
        ordering = ["region", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["phone_digest", "region"], name="one_subscription_per_area")]

    def __str__(self):
        return self.name or f"订阅者 {self.pk}"


class BroadcastTerminal(AnlanModel):
    """A village loudspeaker (应急广播/大喇叭) that plays warnings aloud, reached over HTTP or MQTT."""

    class Protocol(models.TextChoices):
        HTTP = "http", "HTTP 广播平台"
        MQTT = "mqtt", "MQTT 直连终端"

    name = models.CharField("名称", max_length=100)
    code = models.CharField("终端编号", max_length=64, unique=True, help_text="广播平台或终端的设备编号")
    region = models.ForeignKey("geo.Region", verbose_name="所在区划", on_delete=models.PROTECT)
    protocol = models.CharField("接入方式", max_length=8, choices=Protocol.choices, default=Protocol.HTTP)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    active = models.BooleanField("在用", default=True)

    scope_spec = ScopeSpec(region="region")
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "应急广播终端"
        verbose_name_plural = "应急广播终端"
        ordering = ["region", "code"]

    def __str__(self):
        return self.name


class WorkGroup(AnlanModel):
    """A work group (企业微信/钉钉群) whose robot webhook receives the warnings for its region."""

    class Platform(models.TextChoices):
        WECOM = "wecom", "企业微信"
        DINGTALK = "dingtalk", "钉钉"

    name = models.CharField("群名称", max_length=100)
    region = models.ForeignKey("geo.Region", verbose_name="负责区划", on_delete=models.PROTECT)
    platform = models.CharField("平台", max_length=10, choices=Platform.choices)
    # The webhook address carries the robot's key: a credential, kept encrypted like phone numbers.
    webhook_url = EncryptedCharField("机器人 Webhook 地址", max_length_plain=500)
    secret = EncryptedCharField("加签密钥（钉钉）", max_length_plain=200, blank=True)
    mention_responsible = models.BooleanField("@本区划责任人", default=True)
    active = models.BooleanField("在用", default=True)

    scope_spec = ScopeSpec(region="region")
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "工作群"
        verbose_name_plural = "工作群"
        ordering = ["region", "name"]

    def __str__(self):
        return self.name


class WarningTemplate(AnlanModel):
    """Ready wording for one hazard at one level, with measures per audience (一行业一措施、一乡镇一方案)."""

    event = models.CharField("事件", max_length=100)
    category = models.CharField("CAP 类别", max_length=12, choices=CATEGORY_CHOICES)
    level = models.CharField("预警级别", max_length=8, choices=LEVEL_CHOICES)
    urgency = models.CharField("紧迫程度", max_length=12, choices=URGENCY_CHOICES)
    severity = models.CharField("严重程度", max_length=12, choices=SEVERITY_CHOICES)
    certainty = models.CharField("确定程度", max_length=12, choices=CERTAINTY_CHOICES)
    headline = models.CharField("标题", max_length=200, help_text="{区域} 会换成预警区域名称")
    description = models.TextField("内容", help_text="{区域} 会换成预警区域名称")
    instruction = models.TextField("防御指引（公众）")
    measures = models.JSONField(
        "分对象防御措施",
        default=dict,
        blank=True,
        help_text='如 {"responsible": "…", "enterprise": "…", "enterprise:危险化学品": "…"}',
    )
    hours = models.PositiveSmallIntegerField("有效时长（小时）", default=24)

    scope_spec = ScopeSpec(region=None)  # county-wide wording every author may use
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "预警模板"
        verbose_name_plural = "预警模板"
        ordering = ["event", "level"]
        constraints = [models.UniqueConstraint(fields=["event", "level"], name="one_template_per_event_level")]

    @property
    def measures_text(self) -> str:
        from .messages import measures_text

        return measures_text(self.measures)

    def __str__(self):
        return f"{self.event}{self.get_level_display()}预警"


# Names of the history steps and audit actions this app writes beyond its workflow table.
register_actions(
    {
        "warning_draft": "起草预警",
        "warning_ack": "叫应确认",
        "subscriber_confirm": "公众订阅确认",
        "subscriber_remove": "公众退订",
    }
)


class WarningTask(models.Model):
    """A task an issued warning created from an active plan's response table for one assignee in the warning's
    area: a department, a township or village, or a rescue team. The assignee confirms 措施落实 (also from the
    叫应 link); lowering or cancelling the warning closes the tasks no longer called for."""

    class AssigneeKind(models.TextChoices):
        DEPARTMENT = "department", "部门"
        REGION = "region", "乡镇（街道）/村（社区）"
        TEAM = "team", "救援队伍"

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "待落实"
        CONFIRMED = "confirmed", "已落实"
        CLOSED = "closed", "已关闭"

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="tasks", verbose_name="预警")
    action = models.ForeignKey(
        "plans.PlanAction", verbose_name="预案措施", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField("任务", max_length=300)
    measures = models.TextField("防御措施", blank=True, help_text="预警“分对象防御措施”中该对象的措施")
    assignee_kind = models.CharField("责任主体类别", max_length=12, choices=AssigneeKind.choices)
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="责任部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        "resources.RescueTeam",
        verbose_name="救援队伍",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The assignee region for a township or village task; for a department or team task the warning's own
    # region, so that scoping (region subtree, then department) reads one column.
    region = models.ForeignKey("geo.Region", verbose_name="责任区划", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ASSIGNED, db_index=True)
    due_at = models.DateTimeField("完成时限", null=True, blank=True)
    created_at = models.DateTimeField("下达时间")
    confirmed_at = models.DateTimeField("落实时间", null=True, blank=True)
    confirmed_by = models.CharField("落实人", max_length=150, blank=True)
    note = models.CharField("落实情况", max_length=300, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    close_reason = models.CharField("关闭原因", max_length=100, blank=True)

    objects = ScopedManager()

    exercise_path = "warning__exercise"  # tasks of a drill warning are drill rows (core.scoping.real)
    scope_spec = ScopeSpec(region="region", department="department")
    view_roles = frozenset(
        {*COUNTY_ROLES, Role.DEPARTMENT_OPERATOR, Role.TOWNSHIP_OPERATOR, Role.VILLAGE_WORKER, Role.VIEWER}
    )
    write_roles = NOBODY  # created by issuing, confirmed and closed by the alerts services

    class Meta:
        verbose_name = "预警响应任务"
        verbose_name_plural = "预警响应任务"
        ordering = ["warning", "due_at", "id"]
        indexes = [models.Index(fields=["warning", "status"], name="alerts_task_warning_status")]

    def __str__(self):
        return self.title
