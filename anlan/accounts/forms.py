import ipaddress

from django import forms
from django.core.exceptions import ValidationError

from anlan.core.kit import ScopedModelForm
from anlan.core.public import address_key, client_ip
from anlan.core.roles import Role

from .models import User
from .services import address_throttled, is_locked_out, login_attempt_record, validated_password_messages

LOCKED_MESSAGE = "登录失败次数过多，账户已锁定15分钟，请稍后再试"
WRONG_MESSAGE = "用户名或密码错误"
THROTTLED_MESSAGE = "本地址登录失败次数过多，请15分钟后再试"


def request_address(request) -> tuple[str | None, str]:
    """(the client's address, its keyed hash) for the login record and the per-address limits.

    The address is stored only when it is one (a forwarded header could carry anything); the keyed hash
    is taken of whatever was given, so limits still hold."""
    ip = (client_ip(request) if request is not None else "") or ""
    try:
        stored = str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        stored = None
    return stored, address_key(ip) if ip else ""


class LoginForm(forms.Form):
    """Password step of the login, with per-address throttling and per-account-and-address lockout.

    Order matters for finding 12: the address throttle and the lock are decided by indexed counts BEFORE
    the password hash runs, so a flood of wrong passwords costs the server a query, not a PBKDF2."""

    username = forms.CharField(label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label="密码", max_length=256, strip=False, widget=forms.PasswordInput)

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        from django.contrib.auth import authenticate

        username = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        if not username or not password:
            raise ValidationError("请输入用户名和密码")
        ip, key = request_address(self.request)
        if address_throttled(key):
            raise ValidationError(THROTTLED_MESSAGE, code="throttled")
        if is_locked_out(username, key):
            login_attempt_record(username=username, success=False, ip=ip, address_key=key)
            raise ValidationError(LOCKED_MESSAGE, code="locked")
        user = authenticate(self.request, username=username, password=password)
        if user is None or not user.is_active:
            login_attempt_record(username=username, success=False, ip=ip, address_key=key)
            if is_locked_out(username, key):
                raise ValidationError(LOCKED_MESSAGE, code="locked")
            raise ValidationError(WRONG_MESSAGE, code="invalid_login")
        self.user_cache = user
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class OtpForm(forms.Form):
    code = forms.CharField(
        label="动态验证码",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip().replace(" ", "")
        if not code.isdigit():
            raise ValidationError("请输入验证器上显示的6位数字")
        return code


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="当前密码", strip=False, max_length=256, widget=forms.PasswordInput)
    new_password = forms.CharField(label="新密码", strip=False, max_length=256, widget=forms.PasswordInput)
    confirm_password = forms.CharField(label="确认新密码", strip=False, max_length=256, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("confirm_password"):
            self.add_error("confirm_password", "两次输入的密码不一致")
        return data


class TokenCreateForm(forms.Form):
    """A token outlives the session and skips the second factor, so creating one asks for the password
    again: a session left open (or stolen) cannot mint lasting API access by itself."""

    name = forms.CharField(label="用途", max_length=100)
    days = forms.IntegerField(label="有效天数", min_value=1, max_value=365, initial=90)
    password = forms.CharField(label="当前密码", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.user is None or not self.user.check_password(password):
            raise forms.ValidationError("当前密码不正确")
        return password


class UserForm(ScopedModelForm):
    """Create or edit a user. A new user needs a password; on edit a password given resets it.

    Either way the password was chosen by the administrator: the user must change it at first login,
    and a reset revokes the user's API tokens (see services.after_admin_reset)."""

    new_password = forms.CharField(label="密码", required=False, strip=False, widget=forms.PasswordInput)
    confirm_password = forms.CharField(label="确认密码", required=False, strip=False, widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ["username", "display_name", "phone", "role", "region", "department", "enterprise", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].required = True
        if self.instance.pk is None:
            self.fields["new_password"].required = True
            self.fields["confirm_password"].required = True
        else:
            self.fields["new_password"].help_text = "留空则不修改密码；重置后用户须在下次登录时修改，其API令牌全部吊销"

    def clean(self):
        data = super().clean()
        password, confirm = data.get("new_password"), data.get("confirm_password")
        if password or confirm:
            if password != confirm:
                self.add_error("confirm_password", "两次输入的密码不一致")
            else:
                # Validate against the user as edited (the new user name counts too).
                candidate = self.instance
                candidate.username = data.get("username") or candidate.username
                candidate.display_name = data.get("display_name") or candidate.display_name
                for message in validated_password_messages(password, candidate):
                    self.add_error("new_password", message)
        role = data.get("role")
        if role == Role.DEPARTMENT_OPERATOR and not data.get("department"):
            self.add_error("department", "行业部门人员须指定所属部门")
        if role == Role.ENTERPRISE_USER and not data.get("enterprise"):
            self.add_error("enterprise", "企业用户须指定所属企业")
        return data

    def save(self, commit=True):
        from .services import after_admin_reset, password_set

        old_hash = User.objects.filter(pk=self.instance.pk).values_list("password", flat=True).first() or ""
        user = super().save(commit=False)
        password = self.cleaned_data.get("new_password")
        if password:
            password_set(user, password, must_change=True)
            save_m2m = self.save_m2m

            def save_m2m_and_reset():
                save_m2m()
                after_admin_reset(actor=self.user, user=user, old_hash=old_hash)

            self.save_m2m = save_m2m_and_reset
        if commit:
            user.save()
            self.save_m2m()
        return user
