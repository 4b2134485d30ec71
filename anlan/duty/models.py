"""The duty desk (值班值守, issue 14): rosters of the county desk and each township desk, the duty log
(接报传跟), handovers (交接班) and daily / zero reports (日报、零报告).

A desk is a county or township region: the region's code identifies it (CONTRACT.md "Duty"), so there is
no desk table; `DeskSetting` holds what a desk configures (fallback list, when to call, report time).
Rosters are kept by the county for every desk and by a township for its own (scoping by `desk`).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from anlan.core.fields import EncryptedCharField
from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, NOBODY, Role
from anlan.core.scoping import ScopeSpec

# Who keeps a desk's roster and log: the county for every desk, a township for its own (rows by scope).
DESK_ROLES = frozenset({*COUNTY_ROLES, Role.TOWNSHIP_OPERATOR})
# Who files a daily report: townships and departments (to the county), and the county itself.
REPORTING_ROLES = frozenset({*DESK_ROLES, Role.DEPARTMENT_OPERATOR})
# Who reads the duty log, handovers and reports: the desks, departments and read-only leaders — not
# village workers, enterprises or rescue teams (callers' names and numbers are in the log).
DESK_READERS = frozenset({*REPORTING_ROLES, Role.VIEWER})


class Post(models.TextChoices):
    LEADER = "leader", "带班领导"
    OFFICER = "officer", "值班员"
    TECH = "tech", "技术保障"


class Shift(AnlanModel):
    """One person on one post at one desk for one period."""

    desk = models.ForeignKey(
        "geo.Region", verbose_name="值班席位", on_delete=models.PROTECT, related_name="duty_shifts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="值班人员", on_delete=models.PROTECT, related_name="duty_shifts"
    )
    post = models.CharField("岗位", max_length=8, choices=Post.choices)
    starts = models.DateTimeField("开始时间")
    ends = models.DateTimeField("结束时间")
    note = models.CharField("备注", max_length=200, blank=True)

    # A township sees the county desk's roster too (whom to call above it).
    scope_spec = ScopeSpec(region="desk", ancestors_visible=True)
    write_roles = DESK_ROLES

    class Meta:
        verbose_name = "值班班次"
        verbose_name_plural = "值班班次"
        ordering = ["desk", "starts", "post"]
        indexes = [
            models.Index(fields=["desk", "starts", "ends"]),
            models.Index(fields=["user", "starts"]),
        ]
        constraints = [models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="duty_shift_ends_after_starts")]

    def __str__(self):
        return f"{self.desk} {self.get_post_display()} {self.user} {self.starts:%Y-%m-%d %H:%M}"


class Swap(AnlanModel):
    """换班: the person on a shift asks to hand it to another; whoever keeps the desk's roster decides."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已同意"
        REJECTED = "rejected", "未同意"
        WITHDRAWN = "withdrawn", "已撤回"

    shift = models.ForeignKey(Shift, verbose_name="班次", on_delete=models.CASCADE, related_name="swaps")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    replacement = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="替班人员", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("理由", max_length=200)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=200, blank=True)

    scope_spec = ScopeSpec(region="shift__desk")
    view_roles = DESK_READERS
    write_roles = NOBODY  # through the swap workflow only

    class Meta:
        verbose_name = "换班申请"
        verbose_name_plural = "换班申请"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.shift} → {self.replacement}"


class DeskSetting(AnlanModel):
    """What one desk configures: whom to reach when nobody is on duty, and its clocks."""

    desk = models.OneToOneField("geo.Region", verbose_name="值班席位", on_delete=models.CASCADE, related_name="+")
    fallback = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="无人值班时通知", blank=True, related_name="+"
    )
    voice_after_minutes = models.PositiveSmallIntegerField(
        "未读转语音外呼（分钟）", default=10, help_text="橙色、红色及事件消息在此时间内未读，则语音外呼值班人员"
    )
    daily_report_due = models.TimeField(
        "日报截止时间", default=datetime.time(9, 0), help_text="下级每日报送日报或零报告的截止时间（报送前一日情况）"
    )
    daily_reports_required = models.BooleanField(
        "要求每日报送", default=True, help_text="汛期每日报送；非汛期可关闭，改为按需报送"
    )

    scope_spec = ScopeSpec(region="desk")
    view_roles = DESK_READERS
    write_roles = DESK_ROLES

    class Meta:
        verbose_name = "值班席位设置"
        verbose_name_plural = "值班席位设置"

    def __str__(self):
        return f"{self.desk} 值班设置"


class LogEntry(AnlanModel):
    """One line of the duty log: a call received (接), a report made (报), a message relayed (传) or a
    follow-up (跟), to the minute, with what was asked and what was done."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", "接（接报）"
        REPORT = "report", "报（上报）"
        RELAY = "relay", "传（传达）"
        FOLLOW = "follow", "跟（跟踪）"

    class Status(models.TextChoices):
        OPEN = "open", "待跟进"
        DONE = "done", "已办结"

    desk = models.ForeignKey("geo.Region", verbose_name="值班席位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=8, choices=Kind.choices, default=Kind.RECEIVE)
    occurred_at = models.DateTimeField("时间", db_index=True)
    caller = models.CharField("来电（来文）人", max_length=64, blank=True)
    unit = models.CharField("单位", max_length=100, blank=True)
    phone = EncryptedCharField("联系电话", blank=True, sensitive_kind="phone", max_length_plain=20)
    event_kind = models.ForeignKey(
        "plans.IncidentKind", verbose_name="事件类型", null=True, blank=True, on_delete=models.PROTECT
    )
    place = models.CharField("地点", max_length=200, blank=True)
    region = models.ForeignKey(
        "geo.Region", verbose_name="所在区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField("内容（来电所述）")
    action_taken = models.TextField("处理情况", blank=True)
    requested = models.TextField("对方要求", blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    follow_up_by = models.DateTimeField("跟进时限", null=True, blank=True)
    related = models.ForeignKey(
        "self", verbose_name="关联记录", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    hazard = models.ForeignKey(
        "hazards.HiddenHazard",
        verbose_name="转为隐患",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set by incidents when the entry is recorded as an incident (转为事件): duty sits below incidents,
    # so it keeps the incident's number and page rather than a foreign key upward.
    incident_number = models.CharField("转为事件", max_length=32, blank=True, editable=False)
    incident_link = models.CharField("事件页面", max_length=200, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )

    scope_spec = ScopeSpec(region="desk")
    view_roles = DESK_READERS
    write_roles = DESK_ROLES

    class Meta:
        verbose_name = "值班日志"
        verbose_name_plural = "值班日志"
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["desk", "occurred_at"]), models.Index(fields=["desk", "status"])]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.content[:30]}"


class Handover(AnlanModel):
    """交接班: the outgoing officer writes it with the open items listed for them (a snapshot in `items`);
    the incoming officer confirms receipt; after that it cannot change."""

    class Status(models.TextChoices):
        WRITTEN = "written", "待接班确认"
        CONFIRMED = "confirmed", "已接班"

    desk = models.ForeignKey("geo.Region", verbose_name="值班席位", on_delete=models.PROTECT, related_name="+")
    outgoing = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="交班人", on_delete=models.PROTECT, related_name="+"
    )
    incoming = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接班人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField("交班时间")
    notes = models.TextField("交班说明", blank=True)
    # The open items at writing: [{"kind", "label", "title", "link", "since"}…] (handover.py gathers them).
    items = models.JSONField("未结事项", default=list, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.WRITTEN)
    confirmed_at = models.DateTimeField("接班确认时间", null=True, blank=True)
    confirm_note = models.TextField("接班意见", blank=True)

    scope_spec = ScopeSpec(region="desk")
    view_roles = DESK_READERS
    write_roles = NOBODY  # through the handover services only (write, confirm)

    class Meta:
        verbose_name = "交接班记录"
        verbose_name_plural = "交接班记录"
        ordering = ["-written_at", "-id"]

    def __str__(self):
        return f"{self.desk} {self.written_at:%Y-%m-%d %H:%M} 交接班"


class DailyReport(AnlanModel):
    """A township's (or a department's) 日报 or 零报告 to the county for one day: one per region and date,
    or per department and date."""

    region = models.ForeignKey("geo.Region", verbose_name="报送区划", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="报送部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField("日期")
    nothing_to_report = models.BooleanField("零报告", default=False)
    summary = models.TextField("情况摘要", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间")

    scope_spec = ScopeSpec(region="region", department="department")
    view_roles = DESK_READERS
    write_roles = NOBODY  # filed through services (one per region / department and date)

    class Meta:
        verbose_name = "值班日报"
        verbose_name_plural = "值班日报"
        ordering = ["-date", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "date"], condition=Q(department__isnull=True), name="duty_one_report_per_region_day"
            ),
            models.UniqueConstraint(
                fields=["department", "date"],
                condition=Q(department__isnull=False),
                name="duty_one_report_per_department_day",
            ),
        ]

    def __str__(self):
        what = "零报告" if self.nothing_to_report else "日报"
        return f"{self.department or self.region} {self.date:%Y-%m-%d} {what}"
