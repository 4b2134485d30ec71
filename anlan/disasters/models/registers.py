"""The registers filed with the 核报 (§4.3 attachments): 因灾死亡失踪人员 and 倒损住房户, and photos.

Names and ID numbers are encrypted at rest and masked for roles without need (core.masking)."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from anlan.core.fields import EncryptedCharField
from anlan.core.models import AnlanModel
from anlan.core.regioncodes import township_of
from anlan.core.roles import LOCAL_REGISTRY_ROLES
from anlan.core.scoping import ScopeSpec
from anlan.core.validators import validate_id_number, validate_phone

from .statistics import DISASTER_READERS, REGISTER_READERS, DisasterProcess

__all__ = ["DamagedHouse", "DisasterPhoto", "Victim"]


def check_region_in_process(record) -> None:
    """A register row belongs to a township the process hit (its statistics are counted there, and the
    completeness check at 核报 compares the two): ValidationError on `region` otherwise.

    The townships are read once per process object (`_hit_townships`), so an import of many rows that
    share one process asks once."""
    if not record.process_id or not record.region_id:
        return
    process = record.process
    hit = getattr(process, "_hit_townships", None)
    if hit is None:
        hit = process._hit_townships = set(process.regions.values_list("code", flat=True))
    if township_of(record.region_id) not in hit:
        raise ValidationError({"region": f"所选区划不在本灾害过程的受灾乡镇（街道）内：{record.region_id}"})


class Victim(AnlanModel):
    """因灾死亡失踪人员 (应急统表 8): one person dead or missing as a direct result of the disaster."""

    class Outcome(models.TextChoices):
        DEAD = "dead", "死亡"
        MISSING = "missing", "失踪"

    class Sex(models.TextChoices):
        MALE = "male", "男"
        FEMALE = "female", "女"

    process = models.ForeignKey(
        DisasterProcess, verbose_name="灾害过程", on_delete=models.CASCADE, related_name="victims"
    )
    region = models.ForeignKey(
        "geo.Region", verbose_name="户籍或遇难地（村）", on_delete=models.PROTECT, related_name="+"
    )
    name = EncryptedCharField("姓名", sensitive_kind="name", max_length_plain=50)
    id_number = EncryptedCharField(
        "身份证号", sensitive_kind="id_number", max_length_plain=18, blank=True, validators=[validate_id_number]
    )
    sex = models.CharField("性别", max_length=8, choices=Sex.choices, blank=True)
    age = models.PositiveSmallIntegerField("年龄", null=True, blank=True)
    outcome = models.CharField("类别", max_length=8, choices=Outcome.choices)
    occurred_on = models.DateField("遇难（失踪）日期")
    place = models.CharField("遇难（失踪）地点", max_length=200)
    cause = models.CharField("致灾原因", max_length=200, help_text="如：山洪冲走、房屋倒塌、滑坡掩埋")
    resident = models.BooleanField("常住人口", default=True)
    note = models.TextField("备注", blank=True)

    scope_spec = ScopeSpec(region="region")
    write_roles = LOCAL_REGISTRY_ROLES
    view_roles = REGISTER_READERS

    class Meta:
        verbose_name = "因灾死亡失踪人员"
        verbose_name_plural = "因灾死亡失踪人员"
        ordering = ["process", "region", "occurred_on"]

    def __str__(self):
        return f"{self.get_outcome_display()}人员（{self.region}）"

    def clean(self):
        super().clean()
        check_region_in_process(self)


class DamagedHouse(AnlanModel):
    """因灾倒塌损坏住房户 (应急统表 9): one household's residential building, its rooms and degree (§15.2)."""

    class Degree(models.TextChoices):
        COLLAPSED = "collapsed", "倒塌"
        SEVERE = "severe", "严重损坏"
        GENERAL = "general", "一般损坏"

    class Structure(models.TextChoices):
        BRICK_CONCRETE = "brick_concrete", "砖混"
        BRICK_WOOD = "brick_wood", "砖木"
        FRAME = "frame", "框架"
        EARTH_WOOD = "earth_wood", "土木"
        OTHER = "other", "其他"

    process = models.ForeignKey(
        DisasterProcess, verbose_name="灾害过程", on_delete=models.CASCADE, related_name="damaged_houses"
    )
    region = models.ForeignKey("geo.Region", verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "sites.Household",
        verbose_name="受威胁户（花名册）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="damaged_houses",
    )
    head_name = EncryptedCharField("户主姓名", sensitive_kind="name", max_length_plain=50)
    head_id_number = EncryptedCharField(
        "户主身份证号", sensitive_kind="id_number", max_length_plain=18, blank=True, validators=[validate_id_number]
    )
    phone = EncryptedCharField(
        "联系电话", sensitive_kind="phone", max_length_plain=20, blank=True, validators=[validate_phone]
    )
    address = models.CharField("住址", max_length=200)
    members = models.PositiveSmallIntegerField(
        "家庭人口（人）", default=1, validators=[MinValueValidator(1, "家庭人口至少为 1 人")]
    )
    degree = models.CharField("损坏程度", max_length=10, choices=Degree.choices)
    rooms = models.PositiveSmallIntegerField("受损间数（间）", validators=[MinValueValidator(1, "受损间数至少为 1 间")])
    structure = models.CharField("结构", max_length=16, choices=Structure.choices, blank=True)
    note = models.TextField("备注", blank=True)

    scope_spec = ScopeSpec(region="region")
    write_roles = LOCAL_REGISTRY_ROLES
    view_roles = REGISTER_READERS

    class Meta:
        verbose_name = "因灾倒损住房户"
        verbose_name_plural = "因灾倒损住房户"
        ordering = ["process", "region", "degree"]

    def __str__(self):
        return f"{self.address}（{self.get_degree_display()} {self.rooms} 间）"

    def clean(self):
        super().clean()
        check_region_in_process(self)


class DisasterPhoto(AnlanModel):
    """A photo of the disaster (启动响应的灾害核报时至少 3 张, §4.3)."""

    process = models.ForeignKey(
        DisasterProcess, verbose_name="灾害过程", on_delete=models.CASCADE, related_name="photos"
    )
    region = models.ForeignKey(
        "geo.Region", verbose_name="拍摄地（乡镇或村）", on_delete=models.PROTECT, related_name="+"
    )
    image = models.FileField("照片", upload_to="disasters/%Y/%m/")
    caption = models.CharField("说明", max_length=200)
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)

    scope_spec = ScopeSpec(region="region")
    write_roles = frozenset({*LOCAL_REGISTRY_ROLES})
    view_roles = DISASTER_READERS

    class Meta:
        verbose_name = "灾情照片"
        verbose_name_plural = "灾情照片"
        ordering = ["process", "-taken_at"]

    def __str__(self):
        return self.caption

    def clean(self):
        super().clean()
        check_region_in_process(self)
