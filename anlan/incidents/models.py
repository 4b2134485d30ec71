"""Incidents (突发事件): intake, grading, response, information reports, tasks, dispatch and the timeline."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from anlan.core.fields import BlindIndexField, EncryptedCharField
from anlan.core.labels import register_actions
from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, NOBODY
from anlan.core.scoping import ScopedManager, ScopeSpec
from anlan.core.validators import validate_people_count, validate_phone, validate_subcounts
from anlan.plans.models import IncidentKind  # kinds live in plans, below incidents (ARCHITECTURE.md)

from .grading import LABELS

LEVEL_CHOICES = [(level, f"{LABELS[level]}（{level}级）") for level in ("I", "II", "III", "IV")]
# A geological hazard graded as a 灾情 (it happened) or a 险情 (a threat): reference §21.1.
GEO_DISASTER, GEO_DANGER = "disaster", "danger"
GEO_STAGES = [(GEO_DISASTER, "灾情（已造成伤亡或损失）"), (GEO_DANGER, "险情（威胁，尚未成灾）")]
RESPONSE_CHOICES = [("I", "Ⅰ级响应"), ("II", "Ⅱ级响应"), ("III", "Ⅲ级响应"), ("IV", "Ⅳ级响应")]
# Who records and handles incidents (within their region); department operators update their tasks only.
HANDLERS = frozenset({*COUNTY_ROLES, "township_operator"})


class Incident(AnlanModel):
    class Status(models.TextChoices):
        RECEIVED = "received", "已接报"
        RESPONDING = "responding", "响应中"
        ENDED = "ended", "响应结束"
        CLOSED = "closed", "已结案"

    class Source(models.TextChoices):
        CALL = "call", "电话接报"
        ALARM = "alarm", "监测报警"
        PUBLIC = "public", "群众报告"
        WARNING = "warning", "预警研判"
        REPORT = "report", "下级报告"

    number = models.CharField("事件编号", max_length=32, unique=True, editable=False)
    title = models.CharField("事件名称", max_length=200)
    kind = models.ForeignKey(IncidentKind, verbose_name="事件类型", on_delete=models.PROTECT)
    region = models.ForeignKey("geo.Region", verbose_name="发生地", on_delete=models.PROTECT)
    place = models.CharField("具体位置", max_length=200, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    affected_area = models.JSONField("影响范围（GeoJSON 面）", null=True, blank=True)
    occurred_at = models.DateTimeField("发生时间")
    received_at = models.DateTimeField("接报时间")
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.CALL)
    caller_name = models.CharField("报告人", max_length=64, blank=True)
    caller_phone = EncryptedCharField(
        "报告人电话", sensitive_kind="phone", max_length_plain=20, blank=True, validators=[validate_phone]
    )
    caller_phone_index = BlindIndexField("报告人电话检索索引", source="caller_phone")
    caller_unit = models.CharField("报告单位", max_length=100, blank=True)
    alarm = models.ForeignKey(
        "monitoring.Alarm", verbose_name="关联报警", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField("事件经过")
    deaths = models.PositiveIntegerField("死亡", default=0, validators=[validate_people_count])
    missing = models.PositiveIntegerField("失踪", default=0, validators=[validate_people_count])
    injured = models.PositiveIntegerField("受伤", default=0, validators=[validate_people_count])
    serious_injuries = models.PositiveIntegerField(
        "其中重伤（含急性工业中毒）", default=0, validators=[validate_people_count]
    )
    trapped = models.PositiveIntegerField("被困", default=0, validators=[validate_people_count])
    evacuated = models.PositiveIntegerField("转移人数", default=0, validators=[validate_people_count])
    direct_loss_10k_yuan = models.DecimalField(
        "直接经济损失（万元）", max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    # The facts the forest-fire and geological calculators grade by (grading_forest, grading_geo); other kinds
    # leave them at their defaults.
    burned_forest_ha = models.DecimalField(
        "受害森林面积（公顷）",
        max_digits=12,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="森林火灾填写，按《森林防火条例》第四十条定级",
    )
    other_woodland = models.BooleanField(
        "其他林地起火", default=False, help_text="森林火灾：发生在其他林地的，按面积为一般森林火灾"
    )
    geo_stage = models.CharField(
        "地质灾害情形",
        max_length=10,
        choices=GEO_STAGES,
        blank=True,
        help_text="地质灾害：未选择时，有伤亡或损失按灾情定级，否则按险情定级",
    )
    people_to_relocate = models.PositiveIntegerField(
        "需转移人数", default=0, validators=[validate_people_count], help_text="地质灾害险情：受威胁需转移的人数"
    )
    potential_loss_10k_yuan = models.DecimalField(
        "潜在经济损失（万元）",
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="地质灾害险情：可能造成的经济损失",
    )
    level = models.CharField("事件等级", max_length=4, choices=LEVEL_CHOICES, blank=True)
    level_basis = models.CharField("定级依据", max_length=300, blank=True)
    response_level = models.CharField("响应级别", max_length=4, choices=RESPONSE_CHOICES, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    commander = models.CharField("现场指挥", max_length=64, blank=True)
    ended_at = models.DateTimeField("响应结束时间", null=True, blank=True)
    recorded_by = models.CharField("接报人", max_length=150, blank=True)
    # Set for records made inside a drill (演练模式, core.Exercise): labelled 演练, kept out of statistics.
    exercise = models.ForeignKey(
        "core.Exercise", verbose_name="演练", null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )

    scope_spec = ScopeSpec(region="region")
    write_roles = HANDLERS  # recorded through intake; every later change is a step in incidents.services

    class Meta:
        verbose_name = "突发事件"
        verbose_name_plural = "突发事件"
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return self.title

    def clean(self):
        # "其中重伤": the seriously injured are counted among the injured, never more than them.
        validate_subcounts(self, [("serious_injuries", "injured")])


class TimelineEntry(models.Model):
    """One thing that happened in an incident, in order: every report, decision, order, task update,
    alarm and warning (the 时间轴), with an optional attachment."""

    class Kind(models.TextChoices):
        INTAKE = "intake", "接报"
        FACTS = "facts", "情况更新"
        REPORT = "report", "信息报送"
        GRADE = "grade", "定级"
        RESPONSE = "response", "响应"
        TASK = "task", "任务"
        ORDER = "order", "调度"
        FEEDBACK = "feedback", "现场反馈"
        SUPPLIES = "supplies", "物资"
        EVACUATION = "evacuation", "转移安置"
        ALARM = "alarm", "报警"
        WARNING = "warning", "预警"
        NOTE = "note", "记录"
        CLOSE = "close", "结束"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline", verbose_name="事件")
    at = models.DateTimeField("时间", db_index=True)
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    title = models.CharField("摘要", max_length=300)
    detail = models.TextField("详情", blank=True)
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    data = models.JSONField("数据", default=dict, blank=True)
    attachment = models.FileField("附件", upload_to="incidents/%Y/%m/", blank=True)
    attachment_name = models.CharField("附件名", max_length=200, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)

    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "事件时间轴"
        verbose_name_plural = "事件时间轴"
        ordering = ["at", "id"]

    def __str__(self):
        return self.title


class InfoReport(models.Model):
    """信息报送: 首报, 续报, 终报 — each with its statutory deadline, its content (条例第十二条), a Word
    document, and the log of whom it went to."""

    class Kind(models.TextChoices):
        FIRST = "first", "首报"
        FOLLOW_UP = "follow_up", "续报"
        FINAL = "final", "终报"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports", verbose_name="事件")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    sequence = models.PositiveSmallIntegerField("序号", default=1)
    due_at = models.DateTimeField("报送时限")
    situation = models.TextField("事件概况（时间、地点、经过）")
    casualties = models.CharField("伤亡及失踪", max_length=300, blank=True)
    loss = models.CharField("直接经济损失", max_length=200, blank=True)
    measures = models.TextField("已采取的措施", blank=True)
    other = models.TextField("其他情况", blank=True)
    written_by = models.CharField("填报人", max_length=150)
    signed_by = models.CharField("签发人", max_length=64, blank=True)
    sent_at = models.DateTimeField("报出时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "信息报告"
        verbose_name_plural = "信息报告"
        ordering = ["incident", "created_at"]
        constraints = [models.UniqueConstraint(fields=["incident", "kind", "sequence"], name="one_report_per_sequence")]

    def __str__(self):
        return (
            f"{self.get_kind_display()}（第{self.sequence}次）" if self.kind == "follow_up" else self.get_kind_display()
        )


class ReportDispatch(models.Model):
    """Whom a report went to, how and when (the 报送记录)."""

    class Method(models.TextChoices):
        SYSTEM = "system", "系统报送"
        PHONE = "phone", "电话"
        FAX = "fax", "传真"
        EMAIL = "email", "电子邮件"
        PAPER = "paper", "纸质文件"

    report = models.ForeignKey(InfoReport, on_delete=models.CASCADE, related_name="dispatches")
    recipient = models.CharField("报送单位", max_length=100)
    method = models.CharField("方式", max_length=8, choices=Method.choices)
    sent_at = models.DateTimeField("报送时间")
    received_by = models.CharField("接收人", max_length=64, blank=True)
    actor_name = models.CharField("报送人", max_length=150)

    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "报送记录"
        verbose_name_plural = "报送记录"
        ordering = ["sent_at"]

    def __str__(self):
        return f"{self.recipient}（{self.get_method_display()}）"


class ResponseTask(models.Model):
    """A task the response created from the plan (or added by the commander), with its department."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "已下达"
        ACCEPTED = "accepted", "已接收"
        DONE = "done", "已完成"

    class Stage(models.TextChoices):
        RESPONSE = "response", "响应处置"
        FOLLOW_UP = "follow_up", "整改落实"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="tasks", verbose_name="事件")
    stage = models.CharField("阶段", max_length=10, choices=Stage.choices, default=Stage.RESPONSE)
    action = models.ForeignKey(
        "plans.PlanAction", verbose_name="预案措施", null=True, blank=True, on_delete=models.SET_NULL
    )
    level = models.CharField("响应级别", max_length=4, choices=RESPONSE_CHOICES, blank=True)
    title = models.CharField("任务", max_length=300)
    department = models.ForeignKey(
        "registry.Department", verbose_name="责任部门", null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ASSIGNED)
    due_at = models.DateTimeField("完成时限", null=True, blank=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    note = models.CharField("办理情况", max_length=300, blank=True)
    created_at = models.DateTimeField("下达时间")

    objects = ScopedManager()

    # Listed (read only) for those who carry tasks out: a department its own department's, the county all;
    # the incident's region scopes them like the incident.
    exercise_path = "incident__exercise"  # a drill incident's tasks are drill rows too (core.scoping.real)
    scope_spec = ScopeSpec(region="incident__region", department="department")
    view_roles = frozenset({*COUNTY_ROLES, "department_operator"})
    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "响应任务"
        verbose_name_plural = "响应任务"
        ordering = ["incident", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "action"], condition=models.Q(action__isnull=False), name="one_task_per_action"
            )
        ]

    def __str__(self):
        return self.title


class DispatchOrder(models.Model):
    """A dispatch order (调度指令) to a team, an expert, a shelter or a warehouse (supplies), tracked from
    sent to done; the assignee reports from the field (position, photos), the commander may return it."""

    class Kind(models.TextChoices):
        TEAM = "team", "救援队伍"
        EXPERT = "expert", "专家"
        SUPPLIES = "supplies", "物资"
        SHELTER = "shelter", "避难场所"
        PERSON = "person", "属地人员"

    class Status(models.TextChoices):
        SENT = "sent", "已下达"
        READ = "read", "已读"
        ACCEPTED = "accepted", "已接受"
        EN_ROUTE = "en_route", "在途"
        ON_SCENE = "on_scene", "到场"
        DONE = "done", "已完成"
        RETURNED = "returned", "退回重办"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="orders", verbose_name="事件")
    kind = models.CharField("调度对象", max_length=10, choices=Kind.choices)
    team = models.ForeignKey(
        "resources.RescueTeam", verbose_name="队伍", null=True, blank=True, on_delete=models.PROTECT
    )
    expert = models.ForeignKey("resources.Expert", verbose_name="专家", null=True, blank=True, on_delete=models.PROTECT)
    shelter = models.ForeignKey(
        "resources.Shelter", verbose_name="避难场所", null=True, blank=True, on_delete=models.PROTECT
    )
    warehouse = models.ForeignKey(
        "supplies.Warehouse", verbose_name="仓库", null=True, blank=True, on_delete=models.PROTECT
    )
    item = models.ForeignKey(
        "supplies.SupplyItem", verbose_name="物资", null=True, blank=True, on_delete=models.PROTECT
    )
    quantity = models.DecimalField("数量", max_digits=12, decimal_places=2, null=True, blank=True)
    # 属地人员: a village worker (网格员、群测群防员) or township officer with an account, who sees the order on
    # his 工作台 and in the list, besides the SMS link every assignee gets.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatch_orders",
    )
    assignee_name = models.CharField("接收对象", max_length=150)
    instruction = models.TextField("指令内容")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SENT)
    sent_at = models.DateTimeField("下达时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    last_lon = models.FloatField("最新经度", null=True, blank=True)
    last_lat = models.FloatField("最新纬度", null=True, blank=True)
    last_position_at = models.DateTimeField("位置时间", null=True, blank=True)
    issued_by = models.CharField("下达人", max_length=150)

    objects = ScopedManager()

    # An order goes to a team, an expert, a shelter, a warehouse or a local person: it is the business of the
    # area the incident is in, so it is scoped by the incident's region and listed for the county and the
    # townships that command there (and team leaders, whose teams receive them); a person it is addressed to
    # reads it too (village workers see their own orders, wherever the incident was recorded).
    exercise_path = "incident__exercise"  # a drill incident's tasks are drill rows too (core.scoping.real)
    scope_spec = ScopeSpec(region="incident__region", person="user")
    view_roles = frozenset({*COUNTY_ROLES, "township_operator", "team_leader", "village_worker"})
    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "调度指令"
        verbose_name_plural = "调度指令"
        ordering = ["incident", "sent_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.assignee_name}"


class Review(models.Model):
    """调查评估: after the response, what happened and why, the lessons, and follow-up tasks (as tasks of
    stage 整改落实). Recording it closes the incident (结案)."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="review", verbose_name="事件")
    course = models.TextField("事件经过与处置评估")
    cause = models.TextField("原因分析")
    lessons = models.TextField("经验教训")
    written_by = models.CharField("填写人", max_length=150)
    created_at = models.DateTimeField("填写时间", auto_now_add=True)

    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "调查评估"
        verbose_name_plural = "调查评估"

    def __str__(self):
        return f"{self.incident}调查评估"


# Names of the history steps and audit actions this app writes beyond its workflow table.
register_actions(
    {
        "incident_create": "接报登记",
        "incident_facts": "续报事实",
        "incident_response": "启动或调整应急响应",
        "incident_end": "结束应急响应",
        "incident_report_draft": "起草信息报告",
        "incident_report_send": "报送信息报告",
        "incident_order": "下达调度指令",
        "incident_order_progress": "调度指令进展",
        "incident_order_return": "退回调度指令",
        "incident_note": "记录",
        "incident_warning": "关联预警",
        "incident_area": "标绘影响范围",
        "incident_task": "响应任务",
        "incident_review": "调查评估",
    }
)
