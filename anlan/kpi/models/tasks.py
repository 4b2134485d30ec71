"""重点任务分工 (seed 003's appendix "核心绩效指标责任及重点任务分工"): each task of the plan with its lead unit
(a department or the county itself), cooperating departments, the townships it falls to, milestones, a deadline
and the evidence it needs; the units report progress with attachments, and reminders go out before and after
the deadlines (kpi.reminders, a daily job on the notification layer)."""

from django.conf import settings
from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, NOBODY
from anlan.core.scoping import ScopedManager, ScopeSpec

__all__ = ["KeyTask", "TaskMilestone", "TaskReport"]

# The division table is the county's: every unit inside it reads the whole table (who leads what is public
# within the government); the county writes it; progress is reported by the units named (kpi.services).
TASK_SCOPE = ScopeSpec(region="region", ancestors_visible=True)
TASK_CHILD_SCOPE = ScopeSpec(region="task__region", ancestors_visible=True)


class KeyTask(AnlanModel):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未启动"
        IN_PROGRESS = "in_progress", "推进中"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已取消"

    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    number = models.CharField("序号", max_length=20, help_text="分工表中的编号，如 3.2")
    title = models.CharField("任务", max_length=300)
    description = models.TextField("具体要求", blank=True)
    source = models.CharField("出处", max_length=200, blank=True, help_text="如《县“十四五”应急体系规划》")
    lead_department = models.ForeignKey(
        "registry.Department",
        verbose_name="牵头单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kpi_tasks_led",
    )
    lead_text = models.CharField("牵头单位（其他）", max_length=120, blank=True)
    cooperating = models.ManyToManyField(
        "registry.Department", verbose_name="配合单位", blank=True, related_name="kpi_tasks_joined"
    )
    townships = models.ManyToManyField(
        "geo.Region", verbose_name="责任乡镇", blank=True, related_name="kpi_tasks", help_text="落实到的乡镇（街道）"
    )
    deadline = models.DateField("完成时限")
    evidence_required = models.CharField("佐证材料要求", max_length=300, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.NOT_STARTED, db_index=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    completed_on = models.DateField("完成日期", null=True, blank=True)

    scope_spec = TASK_SCOPE
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"
        ordering = ["year", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "number"], name="kpi_task_number_per_year"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="kpi_task_progress_le_100"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class TaskMilestone(models.Model):
    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="milestones", verbose_name="任务")
    title = models.CharField("节点", max_length=200)
    due_on = models.DateField("节点时限")
    done_on = models.DateField("完成日期", null=True, blank=True)

    objects = ScopedManager()
    scope_spec = TASK_CHILD_SCOPE
    write_roles = NOBODY  # edited with the task (kpi.services)

    class Meta:
        verbose_name = "任务节点"
        verbose_name_plural = "任务节点"
        ordering = ["task", "due_on", "id"]

    def __str__(self):
        return self.title


class TaskReport(models.Model):
    """A unit's progress report on a task: what was done, the progress it claims, its attachment."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="reports", verbose_name="任务")
    milestone = models.ForeignKey(
        TaskMilestone, verbose_name="对应节点", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    reported_at = models.DateTimeField("报送时间")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField("报送单位", max_length=120)
    department = models.ForeignKey(
        "registry.Department", verbose_name="部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "geo.Region", verbose_name="乡镇", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    progress = models.PositiveSmallIntegerField("进度（%）")
    text = models.TextField("进展情况")
    attachment = models.FileField("附件", upload_to="kpi/tasks/%Y/", blank=True)
    attachment_name = models.CharField("附件名", max_length=200, blank=True)

    objects = ScopedManager()
    scope_spec = TASK_CHILD_SCOPE
    write_roles = NOBODY  # kpi.services.task_report checks the reporter is a unit the task names

    class Meta:
        verbose_name = "任务进展"
        verbose_name_plural = "任务进展"
        ordering = ["task", "-reported_at", "-id"]

    def __str__(self):
        return f"{self.unit_name} {self.reported_at:%Y-%m-%d}"
