from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

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
