"""会商研判 sessions: who met, the situation when they met (a snapshot, kept as it was), what they concluded
and what they decided — warnings, responses and tasks, each linked to the record it produced."""

from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, NOBODY, Role
from anlan.core.scoping import ScopedManager, ScopeSpec


class Consultation(AnlanModel):
    class Kind(models.TextChoices):
        FLOOD = "flood", "汛期会商"
        GEOLOGICAL = "geological", "地质灾害会商"
        FOREST_FIRE = "forest_fire", "森林防火会商"
        SAFETY = "safety", "安全生产会商"
        COMPREHENSIVE = "comprehensive", "综合会商"

    class Status(models.TextChoices):
        OPEN = "open", "会商中"
        CLOSED = "closed", "已结束"

    title = models.CharField("会商主题", max_length=200)
    kind = models.CharField("会商类别", max_length=14, choices=Kind.choices)
    region = models.ForeignKey("geo.Region", verbose_name="组织区划", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField("开始时间")
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    chair = models.CharField("主持人", max_length=64)
    place = models.CharField("会商地点", max_length=100, blank=True)
    departments = models.ManyToManyField("registry.Department", verbose_name="参会部门", related_name="consultations")
    attendees = models.TextField("参会人员", blank=True)
    # Taken when the session starts and never recomputed: open alarms, rainfall, forecasts entered, warnings
    # in force, open incidents — what the meeting saw.
    snapshot = models.JSONField("会商时态势", default=dict, blank=True)
    forecast = models.TextField("气象水文预报（会商录入）", blank=True)
    conclusions = models.TextField("研判结论", blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.CharField("记录人", max_length=150)
    # 会商纪要〔年〕N号, given when the session closes: N counts the organising region's minutes of the year
    # without gaps (the close takes max+1 in its transaction; the unique triple refuses a concurrent close
    # of the same number). Each county bureau numbers its own minutes.
    minutes_year = models.PositiveSmallIntegerField("纪要年份", null=True, blank=True, editable=False)
    minutes_seq = models.PositiveIntegerField("纪要序号", null=True, blank=True, editable=False)
    minutes_number = models.CharField("纪要编号", max_length=40, blank=True, editable=False)
    exercise = models.ForeignKey(
        "core.Exercise", verbose_name="演练", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # A county session is read by the townships and departments of the county (they take part in the "1+7+N"
    # mechanism and carry its decisions out): the session's region is an ancestor of theirs.
    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    view_roles = frozenset({*COUNTY_ROLES, Role.DEPARTMENT_OPERATOR, Role.TOWNSHIP_OPERATOR, Role.VIEWER})
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "会商研判"
        verbose_name_plural = "会商研判"
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "minutes_year", "minutes_seq"], name="one_minutes_number_per_region_year"
            )
        ]

    def __str__(self):
        return self.title


class Decision(models.Model):
    """One thing the session decided, linked to what carried it out."""

    class Kind(models.TextChoices):
        WARNING = "warning", "发布/调整预警"
        RESPONSE = "response", "启动/调整响应"
        TASK = "task", "部署任务"
        OTHER = "other", "其他"

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="decisions", verbose_name="会商"
    )
    kind = models.CharField("决定类别", max_length=10, choices=Kind.choices)
    text = models.TextField("决定事项")
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="牵头部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_at = models.DateTimeField("完成时限", null=True, blank=True)
    warning = models.ForeignKey(
        "alerts.Warning", verbose_name="预警", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name="事件响应",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    task = models.ForeignKey(
        "incidents.ResponseTask",
        verbose_name="响应任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("记录时间")
    recorded_by = models.CharField("记录人", max_length=150)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="consultation__region", ancestors_visible=True)
    view_roles = Consultation.view_roles
    write_roles = NOBODY

    class Meta:
        verbose_name = "会商决定"
        verbose_name_plural = "会商决定"
        ordering = ["consultation", "created_at", "id"]

    def __str__(self):
        return self.text[:40]
