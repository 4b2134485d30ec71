"""Hidden hazards (隐患), their event history and evidence photos."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from anlan.core.fields import BlindIndexField, EncryptedCharField
from anlan.core.labels import register_actions
from anlan.core.models import AnlanModel
from anlan.core.roles import NOBODY
from anlan.core.scoping import ScopedManager, ScopeSpec
from anlan.core.validators import validate_phone

from . import workflow

__all__ = ["HazardEvent", "HazardPhoto", "HiddenHazard"]


class HiddenHazard(AnlanModel):
    """A hidden hazard found by patrol, self-check, inspection or a public tip, until it is closed (销号)."""

    class Level(models.TextChoices):
        GENERAL = "general", "一般隐患"
        MAJOR = "major", "重大隐患"

    class Status(models.TextChoices):
        REPORTED = workflow.REPORTED, "已上报"
        RECTIFYING = workflow.RECTIFYING, "整改中"
        AWAITING = workflow.AWAITING, "待验收"
        CLOSED = workflow.CLOSED, "已销号"

    class Source(models.TextChoices):
        PATROL = "patrol", "日常巡查"
        SELF_CHECK = "self_check", "企业自查"
        INSPECTION = "inspection", "执法检查"
        PUBLIC_TIP = "public_tip", "群众举报"

    title = models.CharField("隐患名称", max_length=200)
    description = models.TextField("隐患描述")
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT)
    level = models.CharField("隐患等级", max_length=8, choices=Level.choices)
    status = models.CharField("状态", max_length=24, choices=Status.choices, default=Status.REPORTED, db_index=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.PATROL)
    deadline = models.DateField("整改期限")
    pending_deadline = models.DateField("申请延期至", null=True, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="所属企业", null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "registry.Department", verbose_name="行业主管部门", null=True, blank=True, on_delete=models.PROTECT
    )
    responsible = models.CharField("整改责任人", max_length=64, blank=True)
    measures = models.TextField("整改措施", blank=True)
    supervising_unit = models.CharField("挂牌督办单位", max_length=100, blank=True)
    supervising_leader = models.CharField("督办领导", max_length=64, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reporter_name = models.CharField("上报人姓名", max_length=64, blank=True)
    reporter_phone = EncryptedCharField(
        "上报人电话", sensitive_kind="phone", max_length_plain=20, blank=True, validators=[validate_phone]
    )
    reporter_phone_index = BlindIndexField("上报人电话检索索引", source="reporter_phone")
    # A keyed hash of a public tipper's address, so the tip page can limit submissions per address
    # across all server processes without storing the address itself.
    submitted_from = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)

    scope_spec = ScopeSpec(region="region", department="department", enterprise="enterprise")
    # Anyone who may hold a hazard may report one; after that it changes only through workflow services.
    write_roles = workflow.HOLDERS
    deadline_fields = ("deadline", "pending_deadline")

    class Meta:
        verbose_name = "隐患"
        verbose_name_plural = "隐患台账"
        ordering = ["-created_at", "-id"]
        # (created_at, id) serves the list's order: the newest page is read off the index instead of sorting
        # every row in scope; (status, deadline, region) answers the open and overdue counts of the 工作台 and
        # the situation API from the index alone (a large county has 100,000 hazards, benchmarks/README.md).
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["created_at", "id"]),
            models.Index(fields=["status", "deadline", "region"]),
        ]

    def __str__(self):
        return self.title

    @property
    def overdue(self) -> bool:
        return self.status != workflow.CLOSED and self.deadline < timezone.localdate()


class HazardEvent(models.Model):
    """One step of a hazard's history: who did what, when, and the deadline before and after."""

    hazard = models.ForeignKey(HiddenHazard, on_delete=models.CASCADE, related_name="events", verbose_name="隐患")
    action = models.CharField("操作", max_length=32)
    from_status = models.CharField("原状态", max_length=24, blank=True)
    to_status = models.CharField("新状态", max_length=24, blank=True)
    actor_name = models.CharField("操作人", max_length=150)
    comment = models.TextField("意见", blank=True)
    deadline_before = models.DateField("原期限", null=True, blank=True)
    deadline_after = models.DateField("新期限", null=True, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="hazard__region", department="hazard__department", enterprise="hazard__enterprise")

    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "隐患处理记录"
        verbose_name_plural = "隐患处理记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.hazard} {self.action}"


def photo_path(instance, filename: str) -> str:
    return f"hazards/{instance.hazard_id}/{instance.stage}-{timezone.now():%Y%m%d%H%M%S%f}.{instance.extension}"


class HazardPhoto(models.Model):
    """An evidence photo before or after rectification (type and size checked on upload)."""

    class Stage(models.TextChoices):
        BEFORE = "before", "整改前"
        AFTER = "after", "整改后"

    hazard = models.ForeignKey(HiddenHazard, on_delete=models.CASCADE, related_name="photos", verbose_name="隐患")
    stage = models.CharField("阶段", max_length=8, choices=Stage.choices)
    image = models.FileField("照片", upload_to=photo_path)
    extension = models.CharField(max_length=4)
    uploaded_by = models.CharField("上传人", max_length=150)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="hazard__region", department="hazard__department", enterprise="hazard__enterprise")

    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "隐患照片"
        verbose_name_plural = "隐患照片"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return f"{self.hazard} {self.get_stage_display()}"


# Names of the history steps and audit actions this app writes beyond its workflow table.
register_actions(
    {
        "hazard_report": "上报隐患",
        "hazard_photo": "上传照片",
        "hazard_notice": "生成整改通知书",
        "hazard_overdue": "逾期",
    }
)
