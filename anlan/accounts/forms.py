from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import translation

from anlan.core.kit import ScopedModelForm
from anlan.core.roles import Role

from .models import User
from .services import is_locked_out, login_attempt_record

LOCKED_MESSAGE = "登录失败次数过多，账户已锁定15分钟，请稍后再试"
WRONG_MESSAGE = "用户名或密码错误"


class LoginForm(AuthenticationForm):
    """Login with lockout: 5 failures within 15 minutes lock the account for the window."""

    username = forms.CharField(label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        if not username or not password:
            raise ValidationError("请输入用户名和密码")
        ip = self.request.META.get("REMOTE_ADDR") if self.request else None
        if is_locked_out(username):
            login_attempt_record(username=username, success=False, ip=ip)
            raise ValidationError(LOCKED_MESSAGE, code="locked")
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None or not self.user_cache.is_active:
            login_attempt_record(username=username, success=False, ip=ip)
            if is_locked_out(username):
                raise ValidationError(LOCKED_MESSAGE, code="locked")
            raise ValidationError(WRONG_MESSAGE, code="invalid_login")
        login_attempt_record(username=username, success=True, ip=ip)
        return self.cleaned_data


class UserForm(ScopedModelForm):
    """Create or edit a user. A new user needs a password; on edit a password given resets it."""

    new_password = forms.CharField(label="密码", required=False, strip=False, widget=forms.PasswordInput)
    confirm_password = forms.CharField(label="确认密码", required=False, strip=False, widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ["username", "display_name", "role", "region", "department", "enterprise", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].required = True
        if self.instance.pk is None:
            self.fields["new_password"].required = True
            self.fields["confirm_password"].required = True
        else:
            self.fields["new_password"].help_text = "留空则不修改密码"

    def clean(self):
        data = super().clean()
        password, confirm = data.get("new_password"), data.get("confirm_password")
        if password or confirm:
            if password != confirm:
                self.add_error("confirm_password", "两次输入的密码不一致")
            else:
                try:
                    with translation.override(settings.LANGUAGE_CODE):
                        password_validation.validate_password(password, self.instance)
                except ValidationError as exc:
                    self.add_error("new_password", exc)
        role = data.get("role")
        if role == Role.DEPARTMENT_OPERATOR and not data.get("department"):
            self.add_error("department", "行业部门人员须指定所属部门")
        if role == Role.ENTERPRISE_USER and not data.get("enterprise"):
            self.add_error("enterprise", "企业用户须指定所属企业")
        return data

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("new_password"):
            user.set_password(self.cleaned_data["new_password"])
        if commit:
            user.save()
            self.save_m2m()
        return user
