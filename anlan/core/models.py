"""Base models and the audit trail."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .roles import Role
from .scoping import ScopedManager, ScopedQuerySet, ScopeSpec
from .validators import LOCATION_FIELDS, deadline_errors, validate_instance_location

__all__ = ["AnlanModel", "AuditEntry", "AuditTamperError", "Generation", "ImportJob", "JobRun", "UsedChallenge"]


class AnlanModel(models.Model):
    """Base of every business record: timestamps, the synthetic flag and the scoped manager.

    Subclasses declare `scope_spec` (where the owning region is) and write through
    core.services so that every write is audited.
    """

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    synthetic = models.BooleanField("演示数据", default=False, help_text="由演示数据生成，非真实记录")

    objects = ScopedManager()

    scope_spec = ScopeSpec()
    # Date fields that may not be set to a day already past (整改期限 …): checked when the value is set or
    # changed, not when an old record is edited for another reason (core.validators.deadline_errors).
    deadline_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._remember_stored()  # what is stored now is the value a later edit compares with

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember_stored()
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._remember_stored()

    def _remember_stored(self) -> None:
        if self.deadline_fields:
            self._loaded_deadlines = self._deadlines_now()
        # A stored location is not re-judged when the record is edited for another reason: a warehouse or
        # a team base just over the county line, accepted before the extent rule, stays editable.
        located = [f for pair in LOCATION_FIELDS for f in pair if f in self.__dict__]
        if located:
            self._loaded_location = {f: self.__dict__[f] for f in located}

    def _deadlines_now(self) -> dict:
        # Only values loaded (a deferred field is not read here, which would query).
        return {f: self.__dict__[f] for f in self.deadline_fields if f in self.__dict__}

    def clean_fields(self, exclude=None):
        """Field validators, then the rules every located or dated record shares (core.validators): the
        location lies in the county, a deadline set now is not already past. full_clean runs this, so
        services, forms (ModelForm), the API (through the services) and Excel imports share one rule."""
        exclude = set(exclude or ())
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            validate_instance_location(self, exclude=exclude | set(errors))
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        loaded = getattr(self, "_loaded_deadlines", {})
        for name in self.deadline_fields:
            if name in exclude or name in errors:
                continue
            label = str(self._meta.get_field(name).verbose_name)
            for field, message in deadline_errors(
                getattr(self, name), loaded.get(name), field=name, label=label
            ).items():
                errors.setdefault(field, []).append(message)
        if errors:
            raise ValidationError(errors)


class AuditTamperError(Exception):
    pass


class AuditQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise AuditTamperError("审计记录只能追加，不能修改")

    def delete(self):
        raise AuditTamperError("审计记录只能追加，不能删除")


class AuditEntry(models.Model):
    """One link of the append-only, hash-chained audit trail.

    hash = HMAC(audit key, prev_hash + canonical JSON of this entry and its scheme); `scheme` says which
    MAC and key made it ("hmac-sha256:<key id>" or "hmac-sm3:<key id>"; "sha256" for entries written
    before the chain was keyed: a plain SHA-256). See core/audit.py. Changing, removing or reordering any
    entry breaks the chain at that point, and daily signed checkpoints kept outside the database catch
    truncation; `anlan audit-verify` reports both.
    """

    created_at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True)
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("动作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, db_index=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    region_code = models.CharField("所属区划", max_length=12, blank=True, db_index=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    scheme = models.CharField("校验算法", max_length=40, default="sha256")

    objects = AuditQuerySet.as_manager()

    scope_spec = ScopeSpec(region="region_code")
    view_roles = frozenset({"county_admin"})
    write_roles = frozenset()  # nobody writes through the UI or API: only services append

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-id"]

    def __str__(self):
        at = timezone.localtime(self.created_at)
        return f"{at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditTamperError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTamperError("审计记录只能追加，不能删除")


class JobRun(models.Model):
    """One run of a scheduled job in one period: the row is the claim. The unique (job, period) pair is
    what makes a job run once per period however many processes schedule it (core.schedule)."""

    job = models.CharField("任务", max_length=100)
    period = models.BigIntegerField("周期", help_text="周期编号：按秒计的任务为 Unix 秒数整除周期，每日任务为日期序号")
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    ok = models.BooleanField("成功", null=True)
    summary = models.TextField("结果", blank=True)

    view_roles = frozenset()  # operators read the log lines; the row is the scheduler's own claim
    write_roles = frozenset()  # written only by core.schedule

    class Meta:
        verbose_name = "定时任务运行"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="core_jobrun_once_per_period")]
        indexes = [models.Index(fields=["started_at"], name="core_jobrun_started")]

    def __str__(self):
        return f"{self.job} #{self.period}"


class Generation(models.Model):
    """A counter that a path writing rows in place WITHOUT an audit entry moves once per batch (core.kept):
    the monitoring ingest updates every reporting sensor's latest value and live status, many times a minute.
    The versions of kept values and map layers read it beside the audit chain's head, so such a change is seen
    on the next request while nothing is written per row. One row per name (`monitoring.live` …)."""

    name = models.CharField("名称", max_length=64, primary_key=True)
    value = models.BigIntegerField("代数", default=0)

    view_roles = frozenset()  # nobody reads it: only version queries do
    write_roles = frozenset()  # written only by core.kept.bump_generation

    class Meta:
        verbose_name = "数据代数"
        verbose_name_plural = "数据代数"

    def __str__(self):
        return f"{self.name} #{self.value}"


class UsedChallenge(models.Model):
    """A public form's signed challenge that has been sent once (core.public): kept, as a keyed hash
    only, until it would have expired anyway, so the same page cannot be submitted again (a penetration
    test sent 13 tips with one challenge)."""

    digest = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)

    view_roles = frozenset()  # nobody reads it: it only answers "used already?"
    write_roles = frozenset()  # written only by core.public

    class Meta:
        verbose_name = "已用验证"
        verbose_name_plural = "已用验证"

    def __str__(self):
        return self.digest[:12]


class ImportJobQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """A user's own jobs, and only to look at: jobs are written by core.imports alone."""
        if action != "view" or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(uploader_id=user.pk)


class ImportJob(models.Model):
    """An Excel import run in the background (core.imports): the uploaded file, who sent it (their scope
    applies when it runs), its progress and, when it fails, the row-by-row error report."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    # The user's id, not a foreign key: core sits below accounts (tests/core/test_layers.py), as AuditEntry.
    uploader_id = models.BigIntegerField("导入人ID", db_index=True)
    model_label = models.CharField("台账", max_length=100, help_text="app_label.model_name")
    file = models.FileField("文件", upload_to="imports/", blank=True)
    file_name = models.CharField("原文件名", max_length=100, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField("阶段", max_length=10, blank=True)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("修改", default=0)
    errors = models.JSONField("错误", default=list, blank=True, help_text="[[行, 列, 原因], …]（最多前 1000 处）")
    error_count = models.PositiveIntegerField("错误数", default=0)
    worker = models.CharField("执行进程", max_length=64, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    view_roles = None  # every role sees its own jobs (ImportJobQuerySet.restrict)
    write_roles = frozenset()  # written only by core.imports

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"], name="core_importjob_status")]

    def __str__(self):
        return f"{self.file_name or self.model_label} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)


class Exercise(models.Model):
    """A drill's sandbox (演练模式): warnings, alarms, incidents and notices created inside a tabletop drill
    carry it, so every page labels them 演练, statistics leave them out and notify delivers them only to the
    drill's participants through no real gateway. It lives in core, below everything it marks: the drill
    itself (its plan, participants and evaluation) sits in the `drills` app, above the apps it plays."""

    name = models.CharField("演练名称", max_length=200)
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    # The facilitator's clock: scenario minute 0 is `clock_started_at`; injects fire at their offsets from it.
    clock_started_at = models.DateTimeField("推演时钟起点", null=True, blank=True)

    view_roles = None  # read through the drill that owns it
    write_roles = frozenset()  # written only by the drills app's services

    class Meta:
        verbose_name = "演练沙箱"
        verbose_name_plural = "演练沙箱"
        ordering = ["-started_at"]

    def __str__(self):
        return f"演练：{self.name}"

    @property
    def active(self) -> bool:
        return self.ended_at is None


class CalendarDay(models.Model):
    """An exception to the Monday–Friday working week: a public holiday (法定节假日) on a weekday or a 调休
    working weekend day. Statutory working-day clocks (行政处罚法 Art. 85, 预案备案 20 working days, 核报)
    read them through core.workdays; without rows the week is Monday to Friday."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日（休息）"
        WORKDAY = "workday", "调休上班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类别", max_length=8, choices=Kind.choices)
    name = models.CharField("名称", max_length=40, blank=True, help_text="如 春节、国庆节")

    view_roles = None  # every signed-in role reads the calendar
    write_roles = frozenset({Role.COUNTY_ADMIN})
    # One calendar for the whole platform (the State Council's arrangement): no owning region. The scoped
    # manager gives it the registry kit's pages (list, form, Excel import of the year's arrangement).
    objects = ScopedManager()
    scope_spec = ScopeSpec(region=None)

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"
