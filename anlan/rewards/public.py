"""The public side of 12350 举报奖励 (no account).

1. On the hazards tip page, through the extension hazards offers (`hazards.public.register_tip_extension`,
   registered in apps.py): 是否申请奖励 with the real name, ID number (GB 11643 check digit) and phone, and a
   query password. Why an extension and not fields on the hidden hazard: the reporter's identity for payment is
   the reward's business, kept encrypted in rewards' own table and read by the tip's handlers only; hazards
   stays unaware of rewards (it sits below) and its report keeps only what the loop needs.
2. The status page (/p/tip/status/): the query code and password show the handling progress and the reward's
   state; protected as every public form (core.public: signed sum challenge, honeypot, one use per page) and
   limited per address and per code (services.status_lookup).
"""

from django import forms

from anlan.core.public import ChallengeForm
from anlan.core.public import new_challenge as _new_challenge
from anlan.core.validators import validate_id_number, validate_phone

from . import services

SALT = "anlan.tip-status"
MIN_PASSWORD = 6


class TipRewardExtension:
    """Adds the claim and the query password to the tip form and makes the tip's 12350 record."""

    def add_fields(self, form):
        form.fields["claims_reward"] = forms.BooleanField(
            label="申请举报奖励（须实名：经核查属实的，按《安全生产领域举报奖励办法》给予奖励）", required=False
        )
        form.fields["real_name"] = forms.CharField(label="真实姓名（申请奖励时必填）", max_length=32, required=False)
        form.fields["id_number"] = forms.CharField(
            label="身份证号（申请奖励时必填）", max_length=18, required=False, validators=[validate_id_number]
        )
        form.fields["reward_phone"] = forms.CharField(
            label="奖励联系电话（申请奖励时必填）", max_length=20, required=False, validators=[validate_phone]
        )
        form.fields["query_password"] = forms.CharField(
            label="查询密码（可选，6–32位；申请奖励时必填，凭查询码和密码查询办理进度）",
            min_length=MIN_PASSWORD,
            max_length=32,
            required=False,
            widget=forms.PasswordInput,  # never sent back in the page after an error
        )
        form.fields["query_password"].error_messages["min_length"] = f"查询密码至少 {MIN_PASSWORD} 位"

    def clean(self, form, data):
        if data.get("id_number"):
            data["id_number"] = data["id_number"].strip().upper()
        if not data.get("claims_reward"):
            return
        for name, label in (("real_name", "真实姓名"), ("id_number", "身份证号"), ("reward_phone", "联系电话")):
            if not (data.get(name) or "").strip() and name not in form.errors:
                form.add_error(name, f"申请奖励须填写{label}")
        if not data.get("query_password") and "query_password" not in form.errors:
            form.add_error("query_password", "申请奖励须设置查询密码，以便查询办理进度和奖励")

    def save(self, form, hazard):
        d = form.cleaned_data
        tip = services.tip_register(
            hazard=hazard,
            claims_reward=bool(d.get("claims_reward")),
            real_name=d.get("real_name", ""),
            id_number=d.get("id_number", ""),
            phone=d.get("reward_phone", ""),
            password=d.get("query_password", ""),
        )
        return "rewards/public_tip_code.html", {"tip": tip, "has_password": bool(tip.password)}


EXTENSION = TipRewardExtension()


def new_challenge(now: float | None = None) -> tuple[str, str]:
    return _new_challenge(SALT, now)


class StatusForm(ChallengeForm):
    salt = SALT

    code = forms.CharField(label="查询码", max_length=16)
    password = forms.CharField(label="查询密码", max_length=32, widget=forms.PasswordInput)
