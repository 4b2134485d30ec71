import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views import View
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from anlan.core import safejson
from anlan.core.audit import audit_record
from anlan.core.errors import DomainError
from anlan.core.kit import ModelConfig, register
from anlan.core.roles import Role

from . import twofactor
from .forms import LOCKED_MESSAGE, LoginForm, OtpForm, PasswordChangeForm, TokenCreateForm, UserForm, request_address
from .models import ApiToken, User
from .passwords import password_expired
from .services import (
    address_throttled,
    is_locked_out,
    locked_addresses,
    login_attempt_record,
    login_unlock,
    map_layers_save,
    password_change_own,
    token_create,
    token_revoke,
)

PENDING_KEY = "anlan_2fa_pending"
PENDING_SECONDS = 300  # the code must follow the password within five minutes


def _safe_next(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse("home")


def _complete_login(request, user, backend: str, device=None):
    ip, key = request_address(request)
    auth_login(request, user, backend=backend)
    if device is not None:
        otp_login(request, device)
    login_attempt_record(username=user.username, success=True, ip=ip, address_key=key)


def _wrong_code_message(device) -> str:
    allowed, detail = device.verify_is_allowed()
    if not allowed and detail and detail.get("locked_until"):
        wait = max(1, int((detail["locked_until"] - timezone.now()).total_seconds()) + 1)
        return f"验证码错误，请 {wait} 秒后输入验证器上的最新验证码"
    return "验证码错误或已使用，请输入验证器上的最新验证码"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        device = twofactor.confirmed_device(user)
        if device is None:
            _complete_login(self.request, user, user.backend)
            return HttpResponseRedirect(self.get_success_url())
        # Password right: remember who, for five minutes, until the code is given. Not logged in yet.
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("accounts:login_otp")


class LoginOtpView(View):
    """Second step of the login: the code from the user's authenticator app."""

    def _pending(self, request):
        pending = request.session.get(PENDING_KEY)
        if not pending or time.time() - pending["at"] > PENDING_SECONDS:
            request.session.pop(PENDING_KEY, None)
            return None
        return pending

    def get(self, request):
        if self._pending(request) is None:
            messages.error(request, "请先输入用户名和密码")
            return redirect("accounts:login")
        return render(request, "accounts/login_otp.html", {"form": OtpForm()})

    def post(self, request):
        pending = self._pending(request)
        if pending is None:
            messages.error(request, "验证超时，请重新登录")
            return redirect("accounts:login")
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        device = twofactor.confirmed_device(user) if user else None
        if device is None:
            request.session.pop(PENDING_KEY, None)
            return redirect("accounts:login")
        form = OtpForm(request.POST)
        ip, key = request_address(request)
        if address_throttled(key) or is_locked_out(user.username, key):
            request.session.pop(PENDING_KEY, None)
            messages.error(request, LOCKED_MESSAGE)
            return redirect("accounts:login")
        if form.is_valid() and device.verify_token(form.cleaned_data["code"]):
            request.session.pop(PENDING_KEY, None)
            _complete_login(request, user, pending["backend"], device)
            return HttpResponseRedirect(_safe_next(request, pending.get("next", "")))
        # A wrong code counts as a failed login: the same lockout guards the second factor.
        login_attempt_record(username=user.username, success=False, ip=ip, address_key=key)
        if form.is_valid():
            form.add_error("code", _wrong_code_message(device))
        return render(request, "accounts/login_otp.html", {"form": form}, status=400)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            ip, _ = request_address(request)
            audit_record(action="logout", obj=request.user, actor=request.user, after={"ip": ip})
        return super().post(request, *args, **kwargs)


class SecurityView(LoginRequiredMixin, View):
    """My account: password, two-factor login, API tokens."""

    def get(self, request, token_form=None, new_key=None):
        user = request.user
        context = {
            "device": twofactor.confirmed_device(user),
            "two_factor_required": twofactor.two_factor_required(user),
            "tokens": user.api_tokens.order_by("-created_at"),
            "token_form": token_form or TokenCreateForm(),
            "new_key": new_key,
            "password_expired": password_expired(user),
        }
        return render(request, "accounts/security.html", context)

    def post(self, request):
        user = request.user
        if "revoke" in request.POST:
            token = get_object_or_404(ApiToken, pk=request.POST["revoke"], user=user)
            token_revoke(actor=user, token=token)
            messages.success(request, f"令牌 {token.prefix}… 已吊销")
            return redirect("accounts:security")
        form = TokenCreateForm(request.POST, user=user)
        if not form.is_valid():
            return self.get(request, token_form=form)
        key = token_create(actor=user, user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"])
        return self.get(request, new_key=key)


class PasswordChangeView(LoginRequiredMixin, View):
    def get(self, request):
        return render(request, "accounts/password_change.html", self._context(request, PasswordChangeForm()))

    def _context(self, request, form):
        user = request.user
        reason = ""
        if user.must_change_password:
            reason = "您正在使用管理员设置的初始密码或重置密码，请先修改密码。"
        elif password_expired(user):
            reason = "您的密码已过期，请修改密码后继续使用。"
        return {"form": form, "reason": reason, "max_age_days": settings.ANLAN_PASSWORD_MAX_AGE_DAYS}

    def post(self, request):
        form = PasswordChangeForm(request.POST)
        ip, key = request_address(request)
        # The current password is asked again: guessing it here is held to the login's limits.
        if address_throttled(key) or is_locked_out(request.user.username, key):
            form.add_error(None, LOCKED_MESSAGE)
        elif form.is_valid():
            try:
                password_change_own(
                    user=request.user,
                    old_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password"],
                )
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
                if exc.code == "account.wrong_password":
                    login_attempt_record(username=request.user.username, success=False, ip=ip, address_key=key)
            else:
                # Keep this session (the password hash is part of the session's auth hash).
                update_session_auth_hash(request, request.user)
                messages.success(request, "密码已修改")
                return redirect("home")
        return render(request, "accounts/password_change.html", self._context(request, form), status=400)


class OtpEnrolView(LoginRequiredMixin, View):
    def get(self, request, form=None, password_errors=()):
        device = twofactor.pending_device(request.user)
        context = {
            "form": form or OtpForm(),
            "password_errors": password_errors,
            "qr": mark_safe(twofactor.qr_svg(device)),  # segno output: path data from our own URI
            "secret": twofactor.secret_base32(device),
            "required": twofactor.two_factor_required(request.user),
            "existing": twofactor.confirmed_device(request.user),
        }
        return render(request, "accounts/otp_enrol.html", context, status=400 if form else 200)

    def post(self, request):
        form = OtpForm(request.POST)
        # Replacing a device takes the password: an open (or stolen) session alone cannot swap the owner's
        # authenticator for its own.
        if twofactor.confirmed_device(request.user) and not request.user.check_password(
            request.POST.get("password", "")
        ):
            return self.get(request, form=form, password_errors=["当前密码不正确"])
        if form.is_valid() and twofactor.enrol_confirm(user=request.user, code=form.cleaned_data["code"]):
            otp_login(request, twofactor.confirmed_device(request.user))
            messages.success(request, "两步验证已启用，今后登录时须输入验证器上的验证码")
            return redirect("accounts:security")
        if form.is_valid():
            form.add_error("code", _wrong_code_message(twofactor.pending_device(request.user)))
        return self.get(request, form=form)


class UserSecurityView(LoginRequiredMixin, View):
    """An administrator's view of one user's account security: locks, second factor, tokens."""

    def _user(self, request, pk):
        if request.user.role != Role.COUNTY_ADMIN and not request.user.is_superuser:
            raise PermissionDenied
        return get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)

    def get(self, request, pk):
        target = self._user(request, pk)
        context = {
            "target": target,
            "locked": locked_addresses(target.username),
            "device": twofactor.confirmed_device(target),
            "tokens": target.api_tokens.order_by("-created_at"),
            "detail_url": reverse("accounts:user_detail", args=[target.pk]),
        }
        return render(request, "accounts/user_security.html", context)

    def post(self, request, pk):
        target = self._user(request, pk)
        action = request.POST.get("action")
        if action == "unlock":
            login_unlock(actor=request.user, user=target)
            messages.success(request, f"已解除“{target}”的登录锁定")
        elif action == "reset_otp":
            twofactor.device_reset(actor=request.user, user=target)
            messages.success(request, f"已重置“{target}”的两步验证，其下次登录须重新绑定验证器")
        elif action == "revoke":
            token = get_object_or_404(ApiToken, pk=request.POST.get("token"), user=target)
            token_revoke(actor=request.user, token=token)
            messages.success(request, f"令牌 {token.prefix}… 已吊销")
        return redirect("accounts:user_security", pk=target.pk)


register(
    ModelConfig(
        model=User,
        list_columns=[
            "username",
            "display_name",
            "role",
            "region",
            "department",
            "enterprise",
            "is_active",
            "last_login",
        ],
        form_fields=["username", "display_name", "phone", "role", "region", "department", "enterprise", "is_active"],
        detail_fields=[
            *("username", "display_name", "phone", "role", "region", "department", "enterprise"),
            *("is_active", "must_change_password", "password_changed_at", "last_login", "date_joined"),
        ],
        form_class=UserForm,
        importable=False,  # accounts carry passwords: created one by one, never from a spreadsheet
        search_fields=["username", "display_name"],
        selector=lambda qs: qs.select_related("region", "department", "enterprise").defer("region__boundary"),
        sortable=["username", "role", "region", "last_login"],
        menu_group="系统",
        menu_label="用户管理",
        menu_order=90,
        detail_links=[("账户安全（锁定、两步验证、令牌）", "accounts:user_security")],
    )
)


@login_required
@require_http_methods(["GET", "PUT"])
def map_layers(request):
    """The 一张图 layers this user keeps on: GET → {"layers": [...]}; PUT {"layers": [...]} saves them
    (an empty list returns to the defaults). Bad input is a 400 with the reason in Chinese."""
    if request.method == "PUT":
        try:
            body = safejson.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"detail": "请求内容不是有效的 JSON"}, status=400)
        if not isinstance(body, dict):
            return JsonResponse({"detail": "请求内容应为 JSON 对象"}, status=400)
        try:
            map_layers_save(actor=request.user, layers=body.get("layers"))
        except DomainError as exc:
            return JsonResponse({"detail": exc.message}, status=400)
    return JsonResponse({"layers": list(request.user.map_layers or [])})
