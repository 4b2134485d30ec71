"""12350 举报 and 举报奖励 (standards.md §25).

A `Tip` is the handling record of one public tip (the hidden-hazard report the tip page made, hazards app):
its query code and password for the reporter, the reward claim (real name, ID number, phone — encrypted,
masked), the handling clocks (受理, 核查), and the verification (outcome, the matter, the penalty cases it led
to, concealed deaths). A `Reward` is the one reward of a tip: computed (rules.py), approved by the county,
paid with its voucher. Both are written only through services.py (audited) and read only by the county and
the township that handles the tip: the reporter is never shown to anyone else (安全生产法 Art. 73).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from anlan.core.fields import EncryptedCharField
from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.core.scoping import ScopeSpec
from anlan.core.validators import validate_id_number, validate_phone

from . import clocks, rules

__all__ = ["HANDLERS", "READERS", "Reward", "StatusQuery", "Tip"]

# Who handles tips: the county and the township the tip is in (scope decides which township).
HANDLERS = frozenset({*COUNTY_ROLES, Role.TOWNSHIP_OPERATOR})
# Who reads them: the handlers only. Departments, enterprises, villages and read-only roles never see a
# reporter (an enterprise must not learn who reported it).
READERS = HANDLERS


class Tip(AnlanModel):
    class Status(models.TextChoices):
        RECEIVED = "received", "待受理"
        ACCEPTED = "accepted", "核查中"
        VERIFIED = "verified", "已核查"
        DECLINED = "declined", "不予受理"

    class Outcome(models.TextChoices):
        TRUE = rules.TRUE, "属实"
        PARTLY = rules.PARTLY, "部分属实"
        FALSE = rules.FALSE, "不属实"

    class Matter(models.TextChoices):
        MAJOR_HAZARD = rules.MAJOR_HAZARD, "重大事故隐患"
        ILLEGAL = rules.ILLEGAL, "违法生产经营建设行为"
        CONCEALED = rules.CONCEALED, "瞒报、谎报事故"
        OTHER = rules.OTHER, "其他（一般隐患等）"

    class Grade(models.TextChoices):
        GENERAL = "general", "一般事故"
        LARGER = "larger", "较大事故"
        MAJOR = "major", "重大事故"
        ESPECIALLY_MAJOR = "especially_major", "特别重大事故"

    hazard = models.OneToOneField(
        "hazards.HiddenHazard", verbose_name="举报隐患", on_delete=models.PROTECT, related_name="tip"
    )
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")
    code = models.CharField("查询码", max_length=16, unique=True)
    password = models.CharField("查询密码", max_length=128, blank=True, editable=False)  # a password hash
    claims_reward = models.BooleanField("申请奖励", default=False)
    real_name = EncryptedCharField("举报人姓名", sensitive_kind="name", max_length_plain=32, blank=True)
    id_number = EncryptedCharField(
        "身份证号", sensitive_kind="id_number", max_length_plain=18, blank=True, validators=[validate_id_number]
    )
    phone = EncryptedCharField(
        "联系电话", sensitive_kind="phone", max_length_plain=20, blank=True, validators=[validate_phone]
    )
    status = models.CharField("办理状态", max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    received_on = models.DateField("收到日期")
    accept_due = models.DateField("受理期限")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    verify_due = models.DateField("核查期限", null=True, blank=True)
    declined_reason = models.TextField("不予受理理由", blank=True)
    verified_on = models.DateField("核查日期", null=True, blank=True)
    outcome = models.CharField("核查结论", max_length=8, choices=Outcome.choices, blank=True)
    matter = models.CharField("举报事项类型", max_length=16, choices=Matter.choices, blank=True)
    findings = models.TextField("核查情况", blank=True)
    cases = models.ManyToManyField(
        "enforcement.PenaltyCase", verbose_name="关联处罚案件", blank=True, related_name="tips"
    )
    concealed_deaths = models.PositiveIntegerField("查实瞒报死亡人数", default=0)
    accident_grade = models.CharField("瞒报事故等级", max_length=20, choices=Grade.choices, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_spec = ScopeSpec(region="region")
    write_roles = HANDLERS
    view_roles = READERS
    undeletable = True  # a tip received is answered, never deleted (安全生产法 Art. 73: a written record)

    class Meta:
        verbose_name = "12350举报"
        verbose_name_plural = "12350举报"
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return f"举报 {self.code}"

    def clean(self):
        super().clean()
        if self.claims_reward:
            missing = {
                name: f"申请奖励须填写{label}"
                for name, label in (("real_name", "真实姓名"), ("id_number", "身份证号"), ("phone", "联系电话"))
                if not (getattr(self, name) or "").strip()
            }
            if not self.password:
                missing["password"] = "申请奖励须设置查询密码"
            if missing:
                raise ValidationError(missing)

    @property
    def deadline(self) -> str:
        """受理/核查 deadline of the open step, flagged when past (today by clocks.today())."""
        return clocks.deadline_text(self.status, self.accept_due, self.verify_due, clocks.today())

    @property
    def overdue(self) -> bool:
        on = clocks.today()
        if self.status == self.Status.RECEIVED:
            return self.accept_due < on
        return self.status == self.Status.ACCEPTED and self.verify_due is not None and self.verify_due < on

    @property
    def reward_status(self) -> str:
        """The reward's state as the list shows it (select_related("reward") keeps the list at fixed queries)."""
        if not self.claims_reward:
            return "未申请"
        try:
            reward = self.reward
        except Reward.DoesNotExist:
            return "已申请，待计算"
        return reward.get_status_display()

    def _reward(self):
        try:
            return self.reward
        except Reward.DoesNotExist:
            return None

    @property
    def reward_amount(self) -> str:
        """奖励金额 on the tip's record, once computed ("18,750 元，待审批")."""
        reward = self._reward()
        return f"{reward.amount_text}，{reward.get_status_display()}" if reward else ""

    @property
    def reward_decision(self) -> str:
        """奖励审批: the county's decision, its date and its opinion, once decided."""
        reward = self._reward()
        if reward is None or reward.decided_on is None:
            return ""
        verdict = "不予奖励" if reward.status == Reward.Status.REFUSED else "批准"
        return "，".join(x for x in (f"{reward.decided_on:%Y-%m-%d} {verdict}", reward.opinion) if x)

    @property
    def reward_payment(self) -> str:
        """奖励发放: when and how the reward was paid, once paid."""
        reward = self._reward()
        if reward is None or reward.status != Reward.Status.PAID:
            return ""
        parts = (f"{reward.paid_on:%Y-%m-%d} {reward.get_method_display()}", reward.payment_note)
        return "，".join(x for x in parts if x)


class Reward(AnlanModel):
    class Status(models.TextChoices):
        COMPUTED = "computed", "待审批"
        APPROVED = "approved", "已批准，待发放"
        PAID = "paid", "已发放"
        REFUSED = "refused", "不予奖励"

    class Method(models.TextChoices):
        BANK = "bank", "银行转账"
        CASH = "cash", "现金（签收）"
        OTHER = "other", "其他"

    tip = models.OneToOneField(Tip, verbose_name="举报", on_delete=models.PROTECT, related_name="reward")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.COMPUTED, db_index=True)
    amount_yuan = models.DecimalField("奖励金额（元）", max_digits=12, decimal_places=2)
    fine_yuan = models.DecimalField("计奖罚款（元）", max_digits=14, decimal_places=2, default=0)
    explanation = models.TextField("计算说明")
    computed_on = models.DateField("计算日期")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="计算人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("审批日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opinion = models.TextField("审批意见", blank=True)
    paid_on = models.DateField("发放日期", null=True, blank=True)
    method = models.CharField("发放方式", max_length=8, choices=Method.choices, blank=True)
    voucher = models.FileField("发放凭证", upload_to="rewards/vouchers/%Y/", blank=True)
    payment_note = models.CharField("发放说明", max_length=200, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发放经办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_spec = ScopeSpec(region="tip__region")
    write_roles = COUNTY_ROLES
    view_roles = READERS
    undeletable = True  # a public payment's record

    class Meta:
        verbose_name = "举报奖励"
        verbose_name_plural = "举报奖励"
        ordering = ["-computed_on", "-id"]

    def __str__(self):
        return f"{self.tip} 奖励 {rules.yuan(self.amount_yuan)}"

    @property
    def amount_text(self) -> str:
        """奖励金额 as pages show it: "18,750 元", not the stored 18750.00."""
        return rules.yuan(self.amount_yuan)

    @property
    def fine_text(self) -> str:
        return rules.yuan(self.fine_yuan)

    @property
    def explanation_lines(self) -> list[str]:
        return [line for line in self.explanation.splitlines() if line.strip()]


class StatusQuery(models.Model):
    """One lookup on the public status page, kept an hour for its limits: per address (keyed hash) and per
    query code (keyed hash: wrong passwords on one code lock it for the hour whatever the address)."""

    submitted_from = models.CharField(max_length=64, db_index=True)
    code_key = models.CharField(max_length=64, db_index=True)
    found = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    view_roles = frozenset()  # nobody reads it: it only answers "too many?"
    write_roles = frozenset()  # written only by services.status_lookup

    class Meta:
        verbose_name = "举报进度查询记录"
        verbose_name_plural = "举报进度查询记录"

    def __str__(self):
        return f"查询 {self.at:%Y-%m-%d %H:%M}"
