"""Accounts: creating users and tokens, login lockout. Every write is audited."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from anlan.core.audit import audit_record, snapshot
from anlan.core.errors import DomainError
from anlan.core.regioncodes import is_region_code
from anlan.core.roles import Role
from anlan.registry.models import Department

from .models import ApiToken, LoginAttempt, User, hash_token


def _window_start():
    return timezone.now() - dt.timedelta(minutes=settings.ANLAN_LOGIN_WINDOW_MINUTES)


def is_locked_out(username: str) -> bool:
    """Locked when the last N attempts in the window all failed (a success resets the count)."""
    recent = list(
        LoginAttempt.objects.filter(username=username, at__gte=_window_start())
        .order_by("-at")
        .values_list("success", flat=True)[: settings.ANLAN_LOGIN_MAX_FAILURES]
    )
    return len(recent) >= settings.ANLAN_LOGIN_MAX_FAILURES and not any(recent)


def login_attempt_record(*, username: str, success: bool, ip: str | None) -> None:
    LoginAttempt.objects.create(username=username, at=timezone.now(), success=success, ip=ip)
    if not success:
        failures = LoginAttempt.objects.filter(username=username, at__gte=_window_start(), success=False).count()
        if failures == settings.ANLAN_LOGIN_MAX_FAILURES:
            user = User.objects.filter(username=username).first()
            if user is not None:
                audit_record(action="login_locked", obj=user, actor=username, after={"ip": ip})


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    region_code: str,
    department_code: str | None = None,
    enterprise_id: int | None = None,
    display_name: str = "",
) -> User:
    from anlan.geo.models import Region
    from anlan.registry.models import Enterprise

    if role not in Role.values:
        raise DomainError("account.unknown_role", f"未知角色：{role}（可用：{', '.join(Role.values)}）")
    if not is_region_code(region_code):
        raise DomainError("account.bad_region_code", f"区划代码应为12位数字：{region_code}")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise DomainError("account.region_missing", f"区划不存在：{region_code}（请先运行 anlan load-demo 或导入区划）")
    if User.objects.filter(username=username).exists():
        raise DomainError("account.username_taken", f"用户名已存在：{username}")
    department = None
    if department_code:
        department = Department.objects.filter(code=department_code).first()
        if department is None:
            raise DomainError("account.department_missing", f"部门不存在：{department_code}")
    elif role == Role.DEPARTMENT_OPERATOR:
        raise DomainError("account.department_required", "行业部门人员须指定所属部门（--department）")
    enterprise = None
    if enterprise_id is not None:
        enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
        if enterprise is None:
            raise DomainError("account.enterprise_missing", f"企业不存在：{enterprise_id}")
        if role == Role.ENTERPRISE_USER and enterprise.region_id != region.code:
            # Scope is region AND enterprise: elsewhere the user would see nothing of their own enterprise
            # and the shared records of a region that is not theirs (issue 12, finding 13).
            raise DomainError(
                "account.enterprise_region_mismatch",
                f"企业用户的区划应为其企业所在区划：{enterprise.name} 位于 {enterprise.region_id}，"
                f"而不是 {region.code}（--region {enterprise.region_id}）",
            )
    elif role == Role.ENTERPRISE_USER:
        raise DomainError("account.enterprise_required", "企业用户须指定所属企业（--enterprise）")
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        region=region,
        department=department,
        enterprise=enterprise,
    )
    try:
        # Command-line callers run without a request locale: speak the site language.
        with translation.override(settings.LANGUAGE_CODE):
            validate_password(password, user)
            messages = None
    except ValidationError as exc:
        with translation.override(settings.LANGUAGE_CODE):
            messages = [str(m) for m in exc.messages]
    if messages:
        raise DomainError("account.weak_password", "密码不符合要求：" + "；".join(messages))
    user.set_password(password)
    user.save()
    audit_record(action="create", obj=user, actor=actor, after=snapshot(user))
    return user


@transaction.atomic
def token_create(*, actor, user: User, name: str = "", days: int | None = None) -> str:
    """Create a token and return its key (shown once; only the hash is kept)."""
    key = ApiToken.new_key()
    expires = timezone.now() + dt.timedelta(days=days) if days else None
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(key), prefix=key[:8], expires_at=expires)
    audit_record(action="token_create", obj=user, actor=actor, after={"token": token.prefix, "name": name})
    return key
