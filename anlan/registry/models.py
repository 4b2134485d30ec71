"""Responsible persons with their duty roles, and enterprises (辖企档案)."""

from django.db import models

from anlan.core.fields import EncryptedCharField
from anlan.core.models import AnlanModel
from anlan.core.scoping import ScopeSpec
from anlan.core.validators import validate_credit_code, validate_id_number, validate_phone

__all__ = ["DutyRole", "Enterprise", "Person"]


class DutyRole(models.Model):
    """A duty a person holds (防汛三个责任人, 群测群防员, 网格员 …): whom warnings and tasks reach."""

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "责任类型"
        verbose_name_plural = "责任类型"
        ordering = ["id"]

    def __str__(self):
        return self.name


class Enterprise(AnlanModel):
    """A production and business entity in the jurisdiction (辖区企业)."""

    name = models.CharField("企业名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code])
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT)
    department = models.ForeignKey(
        "accounts.Department", verbose_name="行业主管部门", null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.CharField("地址", max_length=200, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)

    scope_spec = ScopeSpec(region="region", department="department", enterprise="id")

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["region_id", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()


class Person(AnlanModel):
    """A responsible person linked to a region, optionally to a department or an enterprise."""

    name = models.CharField("姓名", max_length=64)
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT)
    department = models.ForeignKey(
        "accounts.Department", verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT
    )
    enterprise = models.ForeignKey(Enterprise, verbose_name="所属企业", null=True, blank=True, on_delete=models.PROTECT)
    organisation = models.CharField("工作单位", max_length=100, blank=True)
    position = models.CharField("职务", max_length=64, blank=True)
    duty_roles = models.ManyToManyField(DutyRole, verbose_name="责任类型", blank=True, related_name="persons")
    phone = EncryptedCharField("手机号码", sensitive_kind="phone", max_length_plain=20, validators=[validate_phone])
    id_number = EncryptedCharField(
        "身份证号码", sensitive_kind="id_number", max_length_plain=18, blank=True, validators=[validate_id_number]
    )
    confirmed_on = models.DateField("信息核实日期", null=True, blank=True, help_text="责任人信息最近一次核实的日期")
    notes = models.TextField("备注", blank=True)

    scope_spec = ScopeSpec(region="region", department="department", enterprise="enterprise")

    # The fields people fill in, in form order (used by the form, Excel and the API alike).
    EDITABLE_FIELDS = (
        "name",
        "region",
        "department",
        "enterprise",
        "organisation",
        "position",
        "duty_roles",
        "phone",
        "id_number",
        "confirmed_on",
        "notes",
    )

    class Meta:
        verbose_name = "责任人"
        verbose_name_plural = "责任人"
        ordering = ["region_id", "name", "id"]

    def __str__(self):
        return self.name
