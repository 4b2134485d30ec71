"""Disaster processes (灾害过程) and their statistics: county reports (初报/续报/核报 and corrections),
township returns reviewed by the township and approved by the county, village entries by 灾害信息员.

Every figure table shares the indicator columns of indicators.INDICATORS (one abstract model built from
that list, so the list is the only place an indicator is named).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, LOCAL_REGISTRY_ROLES, NOBODY, Role
from anlan.core.scoping import ScopedManager, ScopeSpec

from ..indicators import INDICATORS

__all__ = [
    "DISASTER_READERS",
    "REGISTER_READERS",
    "DisasterProcess",
    "DisasterReport",
    "Hazard",
    "IndicatorFields",
    "ReportRow",
    "TownshipReturn",
    "VillageEntry",
]

# Enterprises report their own losses through their township, not here; everyone else reads the figures.
DISASTER_READERS = frozenset(Role.values) - {Role.ENTERPRISE_USER}
# Named people (dead, missing, households): those who compile, check and relieve them, and leaders.
REGISTER_READERS = frozenset(
    {*COUNTY_ROLES, Role.DEPARTMENT_OPERATOR, Role.TOWNSHIP_OPERATOR, Role.VILLAGE_WORKER, Role.VIEWER}
)

# The first report is due this long after the disaster starts (§4.3: within 2 hours; CONTRACT initial_due).
INITIAL_REPORT_WITHIN = datetime.timedelta(hours=2)


class Hazard(models.TextChoices):
    """Sub-types a county reports (§4.1); the API values of CONTRACT.md."""

    FLOOD = "flood", "洪涝"
    DROUGHT = "drought", "干旱"
    TYPHOON = "typhoon", "台风"
    WIND_HAIL = "wind_hail", "风雹"
    FREEZE = "freeze", "低温冷冻"
    SNOW = "snow", "雪灾"
    SANDSTORM = "sandstorm", "沙尘暴"
    EARTHQUAKE = "earthquake", "地震"
    LANDSLIDE = "landslide", "滑坡"
    COLLAPSE = "collapse", "崩塌"
    DEBRIS_FLOW = "debris_flow", "泥石流"
    FOREST_FIRE = "forest_fire", "森林草原火灾"
    OTHER = "other", "其他"


def _indicator_field(indicator):
    if indicator.integer:
        return models.PositiveIntegerField(f"{indicator.label}（{indicator.unit}）", default=0)
    return models.DecimalField(f"{indicator.label}（{indicator.unit}）", max_digits=14, decimal_places=2, default=0)


IndicatorFields = type(
    "IndicatorFields",
    (models.Model,),
    {
        "__module__": __name__,
        "__doc__": "The indicator columns of the quick report (abstract; one per indicators.INDICATORS).",
        "Meta": type("Meta", (), {"abstract": True}),
        **{indicator.name: _indicator_field(indicator) for indicator in INDICATORS},
    },
)


class DisasterProcess(AnlanModel):
    """One disaster event as the statistics system counts it: a hazard, a start, the townships hit."""

    class Status(models.TextChoices):
        OPEN = "open", "报送中"
        FINAL = "final", "已核报"

    name = models.CharField("灾害过程名称", max_length=200)
    hazard = models.CharField("灾种", max_length=16, choices=Hazard.choices)
    started_at = models.DateTimeField("灾害发生时间")
    initial_due = models.DateTimeField("初报时限")
    # The county that reports (统计单位 is the township, 报送单位 the county bureau: §4.1).
    region = models.ForeignKey(
        "geo.Region", verbose_name="报送单位区划", on_delete=models.PROTECT, related_name="disaster_processes"
    )
    regions = models.ManyToManyField("geo.Region", verbose_name="受灾乡镇（街道）", related_name="disasters_hit")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    stable_at = models.DateTimeField("灾情稳定时间", null=True, blank=True)
    response_started = models.BooleanField(
        "已启动应急响应", default=False, help_text="启动响应的灾害核报时需至少 3 张照片"
    )
    incidents = models.ManyToManyField(
        "incidents.Incident", verbose_name="关联事件", blank=True, related_name="disasters"
    )
    warnings = models.ManyToManyField("alerts.Warning", verbose_name="关联预警", blank=True, related_name="disasters")
    description = models.TextField("灾情概况", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Townships read the processes of their county (they report into them); only the county writes one.
    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = COUNTY_ROLES
    view_roles = DISASTER_READERS

    class Meta:
        verbose_name = "灾害过程"
        verbose_name_plural = "灾害过程"
        ordering = ["-started_at"]

    def __str__(self):
        return self.name


class DisasterReport(AnlanModel):
    """A report of the county to the level above: the cumulative figures of the townships it lists."""

    class Stage(models.TextChoices):
        INITIAL = "initial", "初报"
        UPDATE = "update", "续报"
        FINAL = "final", "核报"
        CORRECTION = "correction", "核报更正"

    process = models.ForeignKey(
        DisasterProcess, verbose_name="灾害过程", on_delete=models.CASCADE, related_name="reports"
    )
    stage = models.CharField("报送阶段", max_length=12, choices=Stage.choices)
    number = models.PositiveIntegerField("序号", help_text="同一灾害过程内的第几次报送")
    submitted_at = models.DateTimeField("报送时间", db_index=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    late = models.BooleanField("迟报", default=False)
    escalate = models.BooleanField("需同时报省厅和应急管理部", default=False)
    zero_report = models.BooleanField("零报告", default=False, help_text="续报时灾情无变化")
    reason = models.TextField("更正原因", blank=True)
    totals = models.JSONField("报送后累计", default=dict, help_text="报送时全县累计（各乡镇最新数之和）")

    scope_spec = ScopeSpec(region="process__region", ancestors_visible=True)
    write_roles = NOBODY  # written only by services.submit_report (validation, numbering, clocks, audit)
    view_roles = DISASTER_READERS

    class Meta:
        verbose_name = "灾情报告"
        verbose_name_plural = "灾情报告"
        ordering = ["process", "number"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="disasters_report_number_unique"),
            models.UniqueConstraint(
                fields=["process"], condition=Q(stage="initial"), name="disasters_one_initial_report"
            ),
            models.UniqueConstraint(fields=["process"], condition=Q(stage="final"), name="disasters_one_final_report"),
        ]

    def __str__(self):
        return f"{self.process} {self.get_stage_display()}（第 {self.number} 次）"


class ReportRow(IndicatorFields):
    """One township's cumulative figures in one report."""

    report = models.ForeignKey(DisasterReport, verbose_name="灾情报告", on_delete=models.CASCADE, related_name="rows")
    region = models.ForeignKey("geo.Region", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    scope_spec = ScopeSpec(region="report__process__region", ancestors_visible=True)
    write_roles = NOBODY  # written with its report by services.submit_report
    view_roles = DISASTER_READERS

    class Meta:
        verbose_name = "灾情报告乡镇数据"
        verbose_name_plural = "灾情报告乡镇数据"
        ordering = ["report", "region"]
        constraints = [models.UniqueConstraint(fields=["report", "region"], name="disasters_row_region_unique")]


class TownshipReturn(IndicatorFields, AnlanModel):
    """A township's current cumulative figures for a process: entered directly or summed from its
    villages' entries, reviewed (审核) by the township, approved (审定) by the county; the county's next
    report takes the approved figures."""

    class Status(models.TextChoices):
        DRAFT = "draft", "填报中"
        REVIEWED = "reviewed", "乡镇已审核"
        APPROVED = "approved", "县级已审定"
        RETURNED = "returned", "已退回"

    process = models.ForeignKey(
        DisasterProcess, verbose_name="灾害过程", on_delete=models.CASCADE, related_name="returns"
    )
    region = models.ForeignKey("geo.Region", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    from_villages = models.BooleanField("由村级填报汇总", default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审定人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)
    comment = models.TextField("意见", blank=True)

    scope_spec = ScopeSpec(region="region")
    write_roles = LOCAL_REGISTRY_ROLES
    view_roles = DISASTER_READERS

    class Meta:
        verbose_name = "乡镇灾情填报"
        verbose_name_plural = "乡镇灾情填报"
        ordering = ["process", "region"]
        constraints = [models.UniqueConstraint(fields=["process", "region"], name="disasters_return_region_unique")]

    def __str__(self):
        return f"{self.process} {self.region}"


class VillageEntry(IndicatorFields, AnlanModel):
    """A village's figures entered on the phone by its 灾害信息员 (网格员); the township sums them."""

    process = models.ForeignKey(
        DisasterProcess, verbose_name="灾害过程", on_delete=models.CASCADE, related_name="village_entries"
    )
    region = models.ForeignKey("geo.Region", verbose_name="村（社区）", on_delete=models.PROTECT, related_name="+")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField("情况说明", blank=True)

    scope_spec = ScopeSpec(region="region")
    write_roles = frozenset({*LOCAL_REGISTRY_ROLES, Role.VILLAGE_WORKER})
    view_roles = DISASTER_READERS

    class Meta:
        verbose_name = "村级灾情填报"
        verbose_name_plural = "村级灾情填报"
        ordering = ["process", "region"]
        constraints = [models.UniqueConstraint(fields=["process", "region"], name="disasters_village_entry_unique")]

    def __str__(self):
        return f"{self.process} {self.region}"
