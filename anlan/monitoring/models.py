"""Sensors, their rules, readings (raw and hourly), and alarms with their history."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from anlan.core.labels import register_actions
from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, NOBODY, SECTOR_REGISTRY_ROLES, Role
from anlan.core.scoping import ScopedManager, ScopeSpec

from .formatting import DEFAULT_UNITS, measured

__all__ = ["LEVELS", "Alarm", "AlarmEvent", "Reading", "ReadingHourly", "Rule", "Sensor"]

# Alarm levels in rising order (index = severity), the colours of the warning system.
LEVELS = ["blue", "yellow", "orange", "red"]
LEVEL_LABELS = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
LEVEL_CHOICES = [(k, LEVEL_LABELS[k]) for k in LEVELS]
# The ingest path (and the offline watch) change sensors, alarms and rollups in place without an audit entry,
# once per batch (storage.update_sensors, storage.mark_offline): the models they write name this generation
# so that kept values and map layers over them are versioned by it too (core.kept).
LIVE_GENERATION = "monitoring.live"


class Sensor(AnlanModel):
    """A monitoring point: what it measures, where, who owns it and what it watches."""

    class Kind(models.TextChoices):
        RAIN_GAUGE = "rain_gauge", "雨量计"
        WATER_LEVEL = "water_level", "水位计"
        GNSS = "gnss", "GNSS 位移"
        CRACK = "crack", "裂缝计"
        SOIL_MOISTURE = "soil_moisture", "土壤含水率"
        GAS = "gas", "气体浓度"
        TANK_LEVEL = "tank_level", "储罐液位"
        TEMPERATURE = "temperature", "温度"
        PRESSURE = "pressure", "压力"
        SMOKE = "smoke", "烟感"
        VIDEO = "video", "视频"

    class LiveStatus(models.TextChoices):
        NORMAL = "normal", "正常"
        BLUE = "blue", "蓝色报警"
        YELLOW = "yellow", "黄色报警"
        ORANGE = "orange", "橙色报警"
        RED = "red", "红色报警"
        OFFLINE = "offline", "离线"
        UNKNOWN = "unknown", "无数据"

    DEFAULT_UNITS = DEFAULT_UNITS

    code = models.CharField("设备编码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    unit = models.CharField("单位", max_length=16, blank=True)
    region = models.ForeignKey("geo.Region", verbose_name="所在区划", on_delete=models.PROTECT)
    department = models.ForeignKey(
        "registry.Department", verbose_name="权属部门", null=True, blank=True, on_delete=models.PROTECT
    )
    station = models.CharField("所属监测站", max_length=100, blank=True)
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    hazard_site = models.ForeignKey(
        "sites.HazardSite",
        verbose_name="监测的隐患点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sensors",
    )
    risk_point = models.ForeignKey(
        "risk.RiskPoint",
        verbose_name="监测的风险点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sensors",
    )
    major_hazard = models.ForeignKey(
        "risk.MajorHazardSource",
        verbose_name="监测的重大危险源",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sensors",
    )
    video_url = models.CharField("视频地址", max_length=300, blank=True, help_text="视频设备的内网播放地址")
    active = models.BooleanField("启用", default=True)
    # Kept current by the ingest path and the alarm engine. Not indexed on purpose: PostgreSQL then
    # updates these rows in place (HOT), which keeps the per-batch status update cheap.
    last_ts = models.DateTimeField("最新数据时间", null=True, blank=True, editable=False)
    last_value = models.FloatField("最新值", null=True, blank=True, editable=False)
    live_status = models.CharField(
        "实时状态", max_length=8, choices=LiveStatus.choices, default=LiveStatus.UNKNOWN, editable=False
    )
    # Incremented by every ingest that stores readings of this sensor (see window_cache).
    revision = models.PositiveBigIntegerField(default=0, editable=False)

    scope_spec = ScopeSpec(region="region", department="department")
    kept_generation = LIVE_GENERATION  # last_ts, last_value, live_status: written by ingest, not audited

    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "监测设备"
        verbose_name_plural = "监测设备"
        # region_id, not region: the same order without joining the regions to sort (the index gives it)
        ordering = ["region_id", "code"]
        indexes = [models.Index(fields=["region_id", "code"])]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def save(self, *args, **kwargs):
        if not self.unit:
            self.unit = self.DEFAULT_UNITS.get(self.kind, "")
        super().save(*args, **kwargs)

    @property
    def last_value_text(self) -> str:
        """最新值 with the sensor's resolution and unit ("150.67 mm")."""
        return measured(self.last_value, self) if self.last_ts else ""


class Rule(models.Model):
    """When a sensor's readings raise an alarm, at which level, and when it clears."""

    class Kind(models.TextChoices):
        THRESHOLD = "threshold", "阈值"
        ACCUMULATION = "accumulation", "滑动窗口累计"
        RATE = "rate", "变化速率（每小时）"
        OFFLINE = "offline", "离线"

    class Direction(models.TextChoices):
        ABOVE = "above", "高于"
        BELOW = "below", "低于"

    sensor = models.ForeignKey(Sensor, verbose_name="设备", on_delete=models.CASCADE, related_name="rules")
    name = models.CharField("名称", max_length=100, blank=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.THRESHOLD)
    direction = models.CharField("方向", max_length=8, choices=Direction.choices, default=Direction.ABOVE)
    window_minutes = models.PositiveIntegerField(
        "窗口（分钟）", null=True, blank=True, help_text="累计与速率的时间窗口；离线规则为无数据的分钟数"
    )
    blue = models.FloatField("蓝色", null=True, blank=True)
    yellow = models.FloatField("黄色", null=True, blank=True)
    orange = models.FloatField("橙色", null=True, blank=True)
    red = models.FloatField("红色", null=True, blank=True)
    hysteresis = models.FloatField(
        "回差", null=True, blank=True, help_text="报警后，指标须回到最低一级阈值以内这么多才解除；缺省为该阈值的 5%"
    )
    active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField(auto_now=True)  # with count and max id, the version of the rule cache

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="sensor__region", department="sensor__department")

    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "报警规则"
        verbose_name_plural = "报警规则"
        ordering = ["sensor", "id"]

    def __str__(self):
        return self.name or f"{self.sensor.code} {self.get_kind_display()}"

    def levels(self) -> list[tuple[int, float]]:
        """(level index, threshold) for the levels set, in rising severity."""
        return [(i, getattr(self, name)) for i, name in enumerate(LEVELS) if getattr(self, name) is not None]

    def clean(self):
        levels = self.levels()
        if self.kind == self.Kind.OFFLINE:
            if not self.window_minutes:
                raise ValidationError({"window_minutes": "离线规则须给出无数据的分钟数"})
            if len(levels) != 1:
                raise ValidationError("离线规则只设一个报警级别（在对应级别填写任意数值，如 1）")
            return
        if not levels:
            raise ValidationError("至少设置一个级别的阈值")
        if self.kind in (self.Kind.ACCUMULATION, self.Kind.RATE) and not self.window_minutes:
            raise ValidationError({"window_minutes": "累计与速率规则须给出时间窗口（分钟）"})
        values = [t for _, t in levels]
        rising = self.direction == self.Direction.ABOVE
        if values != sorted(values, reverse=not rising) or len(set(values)) != len(values):
            order = "逐级升高" if rising else "逐级降低"
            raise ValidationError(f"“{self.get_direction_display()}”报警的阈值应按蓝、黄、橙、红{order}")
        if self.hysteresis is not None and self.hysteresis < 0:
            raise ValidationError({"hysteresis": "回差不能为负数"})

    def effective_hysteresis(self) -> float:
        if self.hysteresis is not None:
            return self.hysteresis
        lowest = self.levels()[0][1] if self.levels() else 0
        return abs(lowest) * 0.05


class Reading(models.Model):
    """One raw reading. Unique on (sensor, ts): the index serves time-range queries and makes ingest
    idempotent."""

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="readings", db_index=False)
    ts = models.DateTimeField("时间")
    value = models.FloatField("数值")

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="sensor__region", department="sensor__department")

    write_roles = SECTOR_REGISTRY_ROLES  # readings posted by the gateways of sensors in the poster's scope
    kept_generation = LIVE_GENERATION

    class Meta:
        verbose_name = "监测数据"
        verbose_name_plural = "监测数据"
        constraints = [models.UniqueConstraint(fields=["sensor", "ts"], name="one_reading_per_sensor_time")]

    def __str__(self):
        return f"{self.sensor_id} {timezone.localtime(self.ts):%Y-%m-%d %H:%M:%S} {self.value:g}"


class ReadingHourly(models.Model):
    """Hourly rollup kept by the ingest path; charts of long ranges and retention rely on it."""

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="hourly", db_index=False)
    hour = models.DateTimeField("小时")
    count = models.PositiveIntegerField("条数")
    min = models.FloatField("最小值")
    max = models.FloatField("最大值")
    sum = models.FloatField("合计")

    write_roles = NOBODY  # written only by its services
    kept_generation = LIVE_GENERATION  # merged in place by every ingest batch

    class Meta:
        verbose_name = "小时统计"
        verbose_name_plural = "小时统计"
        constraints = [models.UniqueConstraint(fields=["sensor", "hour"], name="one_rollup_per_sensor_hour")]

    def __str__(self):
        return f"{self.sensor_id} {timezone.localtime(self.hour):%Y-%m-%d %H}时 ×{self.count}"

    @property
    def avg(self) -> float:
        return self.sum / self.count if self.count else 0.0


class Alarm(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "报警中"
        ACKNOWLEDGED = "acknowledged", "已确认"
        CLOSED = "closed", "已解除"

    sensor = models.ForeignKey(Sensor, verbose_name="设备", on_delete=models.CASCADE, related_name="alarms")
    rule = models.ForeignKey(Rule, verbose_name="规则", on_delete=models.CASCADE, related_name="alarms")
    level = models.CharField("级别", max_length=8, choices=LEVEL_CHOICES)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    value = models.FloatField("触发值", null=True, blank=True)
    peak_value = models.FloatField("峰值", null=True, blank=True)
    opened_at = models.DateTimeField("报警时间")
    raised_at = models.DateTimeField("升级时间", null=True, blank=True)
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    acknowledged_by = models.CharField("确认人", max_length=150, blank=True)
    closed_at = models.DateTimeField("解除时间", null=True, blank=True)
    # Set for records made inside a drill (演练模式, core.Exercise): labelled 演练, kept out of statistics.
    exercise = models.ForeignKey(
        "core.Exercise", verbose_name="演练", null=True, blank=True, on_delete=models.PROTECT, related_name="alarms"
    )

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="sensor__region", department="sensor__department")
    write_roles = NOBODY  # alarms change only through the engine and the acknowledge action
    kept_generation = LIVE_GENERATION  # the engine's steps are audited; an open alarm's peak is not
    # Who may acknowledge (已知悉、正在处置) an alarm in their scope: those on duty for the area, not the
    # people who may change the sensor.
    acknowledge_roles = frozenset(
        {*COUNTY_ROLES, Role.DEPARTMENT_OPERATOR, Role.TOWNSHIP_OPERATOR, Role.VILLAGE_WORKER}
    )

    class Meta:
        verbose_name = "报警"
        verbose_name_plural = "报警"
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "sensor"]), models.Index(fields=["rule", "status"])]

    def __str__(self):
        return f"{self.sensor.name} {self.get_level_display()}报警"

    @property
    def value_text(self) -> str:
        """触发值 as people read it: rounded to the sensor's resolution, with the unit ("5.59 mm")."""
        return measured(self.value, self.sensor, self.rule)

    @property
    def peak_text(self) -> str:
        return measured(self.peak_value, self.sensor, self.rule)


class AlarmEvent(models.Model):
    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="events", verbose_name="报警")
    action = models.CharField("动作", max_length=16)
    level = models.CharField("级别", max_length=8, blank=True)
    value = models.FloatField("数值", null=True, blank=True)
    at = models.DateTimeField("时间")
    actor = models.CharField("操作人", max_length=150, blank=True)
    notified = models.TextField("通知对象", blank=True)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="alarm__sensor__region", department="alarm__sensor__department")

    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "报警记录"
        verbose_name_plural = "报警记录"
        ordering = ["id"]  # the order the steps were recorded in (`at` is when the condition occurred)

    def __str__(self):
        return f"{self.alarm_id} {self.action} {self.level}"


# Names of the history steps and audit actions this app writes beyond its workflow table.
register_actions({"alarm_open": "报警", "reading_retention": "清理过期监测原始数据"})
