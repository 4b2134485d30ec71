"""Accounts: creating users and tokens, login lockout. Every write is audited."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from anlan.core.audit import audit_record, snapshot
from anlan.core.errors import DomainError
from anlan.core.regioncodes import is_region_code
from anlan.core.roles import Role
from anlan.registry.models import Department

from .models import ApiToken, LoginAttempt, PasswordHistory, User, hash_token


def _window_start():
    return timezone.now() - dt.timedelta(minutes=settings.ANLAN_LOGIN_WINDOW_MINUTES)


def _recent_failures():
    return LoginAttempt.objects.filter(at__gte=_window_start(), success=False, cleared=False)


def address_throttled(address_key: str) -> bool:
    """Too many failed logins from this address in the window: refuse before any password hash runs.

    One indexed count; the hash (hundreds of milliseconds of CPU by design) is what an attacker wants us
    to run, so an address that keeps failing stops getting it."""
    if not address_key:
        return False
    limit = settings.ANLAN_LOGIN_ADDRESS_MAX_FAILURES
    return _recent_failures().filter(address_key=address_key).count() >= limit


def is_locked_out(username: str, address_key: str = "") -> bool:
    """Locked for this address when its last N attempts on the account in the window all failed.

    The lock is per account and address: a stranger's failures lock the account for the stranger only,
    so nobody can keep the owner out. A success resets the count; an administrator's unlock clears it."""
    recent = list(
        LoginAttempt.objects.filter(username=username, address_key=address_key, at__gte=_window_start(), cleared=False)
        .order_by("-at", "-id")
        .values_list("success", flat=True)[: settings.ANLAN_LOGIN_MAX_FAILURES]
    )
    return len(recent) >= settings.ANLAN_LOGIN_MAX_FAILURES and not any(recent)


def locked_addresses(username: str) -> int:
    """How many addresses this account is currently locked for (shown on the administrator's page)."""
    keys = _recent_failures().filter(username=username).values_list("address_key", flat=True).distinct()
    return sum(1 for key in keys if is_locked_out(username, key))


def login_attempt_record(*, username: str, success: bool, ip: str | None, address_key: str = "") -> None:
    LoginAttempt.objects.create(
        username=username[:150], at=timezone.now(), success=success, ip=ip or None, address_key=address_key
    )
    user = User.objects.filter(username=username).first()
    if success:
        audit_record(action="login", obj=user, actor=user, after={"ip": ip})
        return
    # Failed logins go to the audit chain too (等保: security events), named by the user name tried.
    target = {"obj": user} if user is not None else {"model": User}
    audit_record(action="login_failed", actor="未登录", after={"username": username[:150], "ip": ip}, **target)
    failures = _recent_failures().filter(username=username, address_key=address_key).count()
    if failures == settings.ANLAN_LOGIN_MAX_FAILURES and user is not None:
        audit_record(action="login_locked", obj=user, actor=username, after={"ip": ip})


@transaction.atomic
def login_unlock(*, actor, user: User) -> int:
    """An administrator lifts every lock on the account (all addresses). Returns the failures cleared."""
    cleared = _recent_failures().filter(username=user.username).update(cleared=True)
    audit_record(action="login_unlock", obj=user, actor=actor, after={"cleared_failures": cleared})
    return cleared


def _remember_password(user: User, old_hash: str) -> None:
    """Keep the replaced password's hash (for the no-reuse rule) and trim the history to what the rule needs:
    the current password plus count - 1 earlier ones make the last `count`."""
    if not old_hash or not is_password_usable(old_hash):
        return
    PasswordHistory.objects.create(user=user, password=old_hash)
    keep = list(user.password_history.values_list("pk", flat=True)[: _history_count() - 1])
    user.password_history.exclude(pk__in=keep).delete()


def _history_count() -> int:
    for spec in settings.AUTH_PASSWORD_VALIDATORS:
        if spec["NAME"].endswith("HistoryValidator"):
            return spec.get("OPTIONS", {}).get("count", 5)
    return 5


def validated_password_messages(password: str, user: User) -> list[str]:
    """The policy's complaints about `password` for `user`, in the site language (empty when acceptable)."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            validate_password(password, user)
        except ValidationError as exc:
            return [str(m) for m in exc.messages]
    return []


def password_set(user: User, password: str, *, must_change: bool) -> None:
    """Set a new password (the caller validated it and saves the user): history, age, forced change."""
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change


@transaction.atomic
def password_change_own(*, user: User, old_password: str, new_password: str) -> None:
    """The user changes their own password (also how a forced or expired change is completed)."""
    if not user.check_password(old_password):
        raise DomainError("account.wrong_password", "当前密码不正确", field="old_password")
    if old_password == new_password:
        raise DomainError("account.same_password", "新密码不能与当前密码相同", field="new_password")
    messages = validated_password_messages(new_password, user)
    if messages:
        raise DomainError("account.weak_password", "；".join(messages), field="new_password")
    old_hash = user.password
    password_set(user, new_password, must_change=False)
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    _remember_password(user, old_hash)
    audit_record(action="password_change", obj=user, actor=user, after={"password": "已修改"})
    # Changing one's password is what a user does after a suspected compromise: tokens made with the old
    # one (which skip the second factor) stop working too.
    tokens_revoke_all(actor=user, user=user, reason="password_change")


def after_admin_reset(*, actor, user: User, old_hash: str) -> int:
    """After an administrator set a user's password: remember the old one, revoke the user's API tokens
    (whoever knew the old password may have made one). Returns the number of tokens revoked."""
    _remember_password(user, old_hash)
    return tokens_revoke_all(actor=actor, user=user, reason="password_reset")


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
    keep_password: bool = False,
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
    # Command-line callers run without a request locale: the site language is used.
    messages = validated_password_messages(password, user)
    if messages:
        raise DomainError("account.weak_password", "密码不符合要求：" + "；".join(messages))
    # An initial password is known to whoever set it: changed at first login unless kept on purpose
    # (service accounts and scripts: create-user --keep-password).
    password_set(user, password, must_change=not keep_password)
    user.save()
    audit_record(action="create", obj=user, actor=actor, after=snapshot(user))
    return user


@transaction.atomic
def token_create(*, actor, user: User, name: str = "", days: int | None = None) -> str:
    """Create a token and return its key (shown once; only the hash is kept).

    Tokens expire after ANLAN_API_TOKEN_DAYS unless `days` says otherwise (0: never, for a documented
    service account)."""
    key = ApiToken.new_key()
    days = settings.ANLAN_API_TOKEN_DAYS if days is None else days
    expires = timezone.now() + dt.timedelta(days=days) if days else None
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(key), prefix=key[:8], expires_at=expires)
    audit_record(action="token_create", obj=user, actor=actor, after={"token": token.prefix, "name": name})
    return key


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> None:
    if token.revoked:
        return
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit_record(action="token_revoke", obj=token.user, actor=actor, after={"token": token.prefix, "name": token.name})


def tokens_revoke_all(*, actor, user: User, reason: str) -> int:
    prefixes = list(user.api_tokens.filter(revoked=False).values_list("prefix", flat=True))
    if prefixes:
        user.api_tokens.filter(revoked=False).update(revoked=True)
        audit_record(action="token_revoke", obj=user, actor=actor, after={"tokens": prefixes, "reason": reason})
    return len(prefixes)


MAP_LAYERS_MAX = 60


def map_layers_save(*, actor: User, layers) -> list[str]:
    """Remember the 一张图 layers `actor` has on (layer keys), for every browser they log in from.

    The list must name registered layers only; anything else is refused with nothing written. An empty
    list means "the default layers". Audited as a change of the user's own record."""
    from anlan.geo.layers import all_layers

    known = {layer.key for layer in all_layers()}
    if not isinstance(layers, list) or len(layers) > MAP_LAYERS_MAX or not all(isinstance(k, str) for k in layers):
        raise DomainError("map_layers.invalid", f"图层应为图层标识的列表（最多 {MAP_LAYERS_MAX} 个）", field="layers")
    unknown = [k for k in layers if k not in known]
    if unknown:
        raise DomainError("map_layers.unknown", f"没有这些图层：{'、'.join(unknown[:5])}", field="layers")
    chosen = list(dict.fromkeys(layers))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        before = list(user.map_layers or [])
        if before != chosen:
            User.objects.filter(pk=user.pk).update(map_layers=chosen)
            audit_record(
                action="map_layers_save",
                obj=user,
                actor=actor,
                before={"map_layers": before},
                after={"map_layers": chosen},
            )
    actor.map_layers = chosen
    return chosen
