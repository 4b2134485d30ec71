"""Users with a role and a scope, industry departments, login attempts and API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from anlan.core.models import AnlanModel
from anlan.core.roles import NOBODY, Role
from anlan.core.scoping import ScopedQuerySet, ScopeSpec

__all__ = ["ApiToken", "Department", "DepartmentKind", "LoginAttempt", "User"]


class DepartmentKind(models.TextChoices):
    EMERGENCY = "emergency", "应急管理"
    WATER = "water", "水利"
    NATURAL_RESOURCES = "natural_resources", "规划和自然资源"
    FORESTRY = "forestry", "林业"
    METEOROLOGY = "meteorology", "气象"
    TRANSPORT = "transport", "交通运输"
    HOUSING = "housing", "住房城乡建设"
    ECONOMY = "economy", "经济信息"
    MARKET = "market", "市场监管"
    TOURISM = "tourism", "文化旅游"
    EDUCATION = "education", "教育"
    HEALTH = "health", "卫生健康"
    PUBLIC_SECURITY = "public_security", "公安"
    FIRE_RESCUE = "fire_rescue", "消防救援"
    AGRICULTURE = "agriculture", "农业农村"
    ECOLOGY = "ecology", "生态环境"
    COMMERCE = "commerce", "商务"
    OTHER = "other", "其他"


class Department(AnlanModel):
    """An industry department (行业部门) of a county: it owns sectors, hazards and tasks."""

    code = models.CharField("部门编码", max_length=32, unique=True)
    name = models.CharField("部门名称", max_length=100)
    kind = models.CharField("行业类别", max_length=32, choices=DepartmentKind.choices)
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT)
    duty_phone = models.CharField("值班电话", max_length=32, blank=True)
    responsibilities = models.TextField("主要职责", blank=True)

    scope_spec = ScopeSpec(region="region", department="id", ancestors_visible=True)
    write_roles = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_OPERATOR})

    class Meta:
        verbose_name = "行业部门"
        verbose_name_plural = "行业部门"
        ordering = ["code"]

    def __str__(self):
        return self.name


class AnlanUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in. Role decides actions; region (+ department / enterprise) decides rows."""

    display_name = models.CharField("姓名", max_length=64, blank=True)
    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.VIEWER)
    region = models.ForeignKey(
        "geo.Region", verbose_name="管辖区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="所属企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    objects = AnlanUserManager()

    scope_spec = ScopeSpec(region="region", department="department", enterprise="enterprise")
    view_roles = frozenset({Role.COUNTY_ADMIN})
    write_roles = frozenset({Role.COUNTY_ADMIN})
    audit_fingerprint = ("password",)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username


class LoginAttempt(models.Model):
    """Every login attempt, kept for lockout decisions and for the security log."""

    username = models.CharField("用户名", max_length=150, db_index=True)
    at = models.DateTimeField("时间", db_index=True)
    success = models.BooleanField("成功")
    ip = models.GenericIPAddressField("IP", null=True, blank=True)

    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"
        indexes = [models.Index(fields=["username", "at"])]

    def __str__(self):
        return f"{self.username} {'成功' if self.success else '失败'} {self.at:%Y-%m-%d %H:%M:%S}"


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """An API token. Only its SHA-256 is stored; the key is shown once when created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="用户")
    name = models.CharField("用途", max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    revoked = models.BooleanField("已吊销", default=False)

    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def new_key() -> str:
        return secrets.token_hex(20)
