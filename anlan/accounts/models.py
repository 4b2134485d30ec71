"""Users with a role and a scope (region, department, enterprise), login attempts and API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from anlan.core.fields import BlindIndexField, EncryptedCharField
from anlan.core.labels import register_actions
from anlan.core.roles import NOBODY, Role
from anlan.core.scoping import ScopedQuerySet, ScopeSpec
from anlan.core.validators import validate_phone

__all__ = ["ApiToken", "LoginAttempt", "PasswordHistory", "User"]


class AnlanUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in. Role decides actions; region (+ department / enterprise) decides rows."""

    display_name = models.CharField("姓名", max_length=64, blank=True)
    # Reached by SMS and voice when on duty (值班值守); read only by the notify lookup and PHONE_FULL_ROLES.
    phone = EncryptedCharField(
        "手机号码", sensitive_kind="phone", max_length_plain=20, blank=True, validators=[validate_phone]
    )
    phone_index = BlindIndexField("手机号码检索索引", source="phone")
    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.VIEWER)
    region = models.ForeignKey(
        "geo.Region", verbose_name="管辖区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="所属企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # An initial or reset password must be changed at the next login (create-user --keep-password exempts).
    must_change_password = models.BooleanField("须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    # The 一张图 layers this person chose (layer keys), so the map opens the same on any browser; empty =
    # the layers' defaults. On the user row, which every request loads anyway: no extra query, no table.
    map_layers = models.JSONField("一张图图层", default=list, blank=True, editable=False)

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
    # Keyed hash of the client address (core.public.address_key): per-address throttling and lockout.
    address_key = models.CharField("地址指纹", max_length=64, blank=True, default="")
    # Set when an administrator unlocks the account: cleared failures no longer count towards a lock.
    cleared = models.BooleanField("已解除", default=False)

    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["address_key", "at"])]

    def __str__(self):
        return f"{self.username} {'成功' if self.success else '失败'} {timezone.localtime(self.at):%Y-%m-%d %H:%M:%S}"


class PasswordHistory(models.Model):
    """A user's earlier password hashes (Django's salted hashes, never the password): no reuse of the last N."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history", verbose_name="用户")
    password = models.CharField("密码哈希", max_length=128)
    created_at = models.DateTimeField("时间", default=timezone.now)

    view_roles = NOBODY  # password hashes: read only by the password policy
    write_roles = NOBODY  # written only by its services

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} {timezone.localtime(self.created_at):%Y-%m-%d}"


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

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @staticmethod
    def new_key() -> str:
        return secrets.token_hex(20)


register_actions({"map_layers_save": "保存一张图图层"})
