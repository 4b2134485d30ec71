"""Password policy (等保 2.0 三级 identity): length, character classes, not the user name, not guessable
(zxcvbn, a maintained estimator of common words, keyboard runs, dates and names), no reuse of the last N,
and a maximum age. Every message is Chinese: the same validators serve the forms and the command line."""

import datetime as dt
import re
import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

CLASSES = (
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("数字", str.isdigit),
    ("特殊字符", lambda c: not c.isalnum()),
)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(1 for _, test in CLASSES if any(test(c) for c in password))
        if present < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、特殊字符中的至少 {self.min_classes} 类",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、特殊字符中的至少 {self.min_classes} 类"


class MinimumLengthValidator:
    """At least `min_length` characters (Chinese message; Django 5.2's new wording is not yet translated)."""

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码长度至少为 {self.min_length} 个字符", code="password_too_short")

    def get_help_text(self):
        return f"密码长度至少为 {self.min_length} 个字符"


def _letters_and_digits(text: str) -> str:
    return re.sub(r"[\W_]+", "", text or "").lower()


class UsernameValidator:
    """The password may not contain the user name, even with separators or case changed (Zhang-San for zhangsan)."""

    def validate(self, password, user=None):
        name = _letters_and_digits(getattr(user, "username", ""))
        if len(name) >= 3 and name in _letters_and_digits(password):
            raise ValidationError("密码不能包含用户名", code="password_contains_username")

    def get_help_text(self):
        return "密码不能包含用户名"


class GuessabilityValidator:
    """zxcvbn score at least `min_score` (0–4): refuses common words, keyboard runs, repeats, dates, l33t."""

    def __init__(self, min_score: int = 3):
        self.min_score = min_score

    def validate(self, password, user=None):
        from zxcvbn import zxcvbn

        inputs = [v for v in (getattr(user, "username", ""), getattr(user, "display_name", "")) if v]
        # zxcvbn's cost grows with length; the length cap of the form keeps this bounded.
        if zxcvbn(password[:100], user_inputs=inputs)["score"] < self.min_score:
            raise ValidationError(
                "密码过于常见或容易猜测（如常用单词、键盘序列、重复字符、日期），请换一个更不易猜到的密码",
                code="password_guessable",
            )

    def get_help_text(self):
        return "不能使用常见单词、键盘序列、重复字符或日期等容易猜到的密码"


class HistoryValidator:
    """No reuse of the current password or the last `count` ones (compared against stored salted hashes)."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        # The current password and the count - 1 before it.
        hashes = list(user.password_history.values_list("password", flat=True)[: self.count - 1])
        if user.password:
            hashes.append(user.password)
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(f"新密码不能与最近 {self.count} 次使用过的密码相同", code="password_reused")

    def get_help_text(self):
        return f"不能与最近 {self.count} 次使用过的密码相同"


def password_expired(user, now=None) -> bool:
    """Older than ANLAN_PASSWORD_MAX_AGE_DAYS (0 turns expiry off)."""
    days = settings.ANLAN_PASSWORD_MAX_AGE_DAYS
    if not days or user.password_changed_at is None:
        return False
    return (now or timezone.now()) - user.password_changed_at > dt.timedelta(days=days)


def password_change_required(user) -> bool:
    return bool(user.must_change_password or password_expired(user))
