"""救灾救助 (§15.4/§15.5): relief programmes, their recipient households (户报、村评、乡审、县定), the
public notice (公示) and its objections, and what was paid out (cash, or goods through the supplies ledger).

Each household appears once in a programme and is paid at most once in cash and once in goods: both are
database constraints on the programme and the household key (the blind index of the head's ID number, or
the roster / register row it was drawn from), so neither a double click nor two clerks at once can pay twice.
"""

from django.conf import settings
from django.db import models

from anlan.core.fields import EncryptedCharField
from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, LOCAL_REGISTRY_ROLES, NOBODY, Role
from anlan.core.scoping import ScopeSpec

from .registers import DamagedHouse
from .statistics import DISASTER_READERS, REGISTER_READERS, DisasterProcess

__all__ = [
    "RELIEF_WRITERS",
    "ReliefObjection",
    "ReliefPayment",
    "ReliefProgramme",
    "ReliefRecipient",
]

# Programmes are set up by the county or a township for its own area; 县定 (approval) is the county's.
RELIEF_WRITERS = LOCAL_REGISTRY_ROLES


class ReliefProgramme(AnlanModel):
    """One relief programme: a kind, an area, a period, a rate and the 公示 days."""

    class Kind(models.TextChoices):
        EMERGENCY = "emergency", "应急救助"
        TRANSITION = "transition", "过渡期生活救助"
        WINTER = "winter", "冬春救助"
        REBUILD = "rebuild", "倒损住房恢复重建"

    class Status(models.TextChoices):
        DRAFT = "draft", "草拟"
        NOTICE = "notice", "公示中"
        APPROVED = "approved", "已审批"
        DISBURSING = "disbursing", "发放中"
        CLOSED = "closed", "已结束"

    name = models.CharField("项目名称", max_length=200)
    kind = models.CharField("救助类别", max_length=12, choices=Kind.choices)
    process = models.ForeignKey(
        DisasterProcess,
        verbose_name="灾害过程",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relief_programmes",
    )
    region = models.ForeignKey(
        "geo.Region", verbose_name="实施区域（县或乡镇）", on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField("救助期开始")
    ends_on = models.DateField("救助期结束")
    rate = models.DecimalField(
        "救助标准（元）",
        max_digits=10,
        decimal_places=2,
        help_text="应急救助、过渡期生活救助：元/人/天；冬春救助：元/人；恢复重建：元/间",
    )
    days = models.PositiveSmallIntegerField(
        "救助天数", default=0, help_text="应急救助、过渡期生活救助按天计发；其余类别填 0"
    )
    cap_per_household = models.DecimalField(
        "每户上限（元）", max_digits=10, decimal_places=2, null=True, blank=True, help_text="恢复重建每户补助上限"
    )
    notice_days = models.PositiveSmallIntegerField("公示天数", default=7)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    notice_started_at = models.DateTimeField("公示开始", null=True, blank=True)
    notice_ends_at = models.DateTimeField("公示截止", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    note = models.TextField("说明", blank=True)

    # A township reads the county's programmes (it reviews its own households in them).
    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = RELIEF_WRITERS
    view_roles = DISASTER_READERS

    class Meta:
        verbose_name = "救助项目"
        verbose_name_plural = "救助项目"
        ordering = ["-starts_on", "-pk"]

    def __str__(self):
        return self.name


class ReliefRecipient(AnlanModel):
    """A household in a programme (应急统表10 fields D03001–D03007), its amount and its review."""

    class Source(models.TextChoices):
        REGISTER = "register", "倒损住房户"
        ROSTER = "roster", "受威胁户花名册"
        MANUAL = "manual", "户报"

    class HouseholdType(models.TextChoices):
        ORDINARY = "ordinary", "一般家庭"
        LOW_INCOME = "low_income", "低保家庭"
        EXTREME_POOR = "extreme_poor", "特困供养家庭"
        MONITORED = "monitored", "防止返贫监测户"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "待村评"
        VILLAGE_PASSED = "village_passed", "村评通过"
        CHECKED = "checked", "乡审通过"
        REJECTED = "rejected", "未通过"
        REMOVED = "removed", "公示异议成立已移除"

    programme = models.ForeignKey(
        ReliefProgramme, verbose_name="救助项目", on_delete=models.CASCADE, related_name="recipients"
    )
    region = models.ForeignKey("geo.Region", verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+")
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.MANUAL)
    damaged_house = models.ForeignKey(
        DamagedHouse, verbose_name="倒损住房户", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "sites.Household",
        verbose_name="受威胁户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relief_entries",
    )
    # The blind index of the head's ID number, else "roster:<pk>" / "house:<pk>": one household, one key.
    household_key = models.CharField("户标识", max_length=80, editable=False)
    head_name = EncryptedCharField("户主姓名", sensitive_kind="name", max_length_plain=50)
    id_number = EncryptedCharField("户主身份证号", sensitive_kind="id_number", max_length_plain=18, blank=True)
    phone = EncryptedCharField("户主联系方式", sensitive_kind="phone", max_length_plain=20, blank=True)
    household_type = models.CharField(
        "家庭类型", max_length=14, choices=HouseholdType.choices, default=HouseholdType.ORDINARY
    )
    members = models.PositiveSmallIntegerField("家庭人口（人）", default=1)
    people = models.PositiveSmallIntegerField("需救助人口（人）", default=1)
    address = models.CharField("家庭住址", max_length=200)
    rooms = models.PositiveSmallIntegerField("倒损间数（间）", default=0)
    computed_amount = models.DecimalField("按标准计算（元）", max_digits=12, decimal_places=2, default=0)
    amount = models.DecimalField("救助金额（元）", max_digits=12, decimal_places=2, default=0)
    amount_reason = models.CharField("金额调整原因", max_length=200, blank=True)
    status = models.CharField("审核状态", max_length=16, choices=Status.choices, default=Status.PROPOSED)
    village_review_on = models.DateField("村评日期", null=True, blank=True)
    village_review_note = models.CharField("村评意见", max_length=200, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="乡审人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField("乡审时间", null=True, blank=True)
    check_note = models.CharField("乡审意见", max_length=200, blank=True)

    scope_spec = ScopeSpec(region="region")
    write_roles = RELIEF_WRITERS
    view_roles = REGISTER_READERS

    class Meta:
        verbose_name = "救助对象"
        verbose_name_plural = "救助对象"
        ordering = ["programme", "region", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "household_key"], name="disasters_relief_household_once"),
            # The key prefers the ID number, so one roster household or register row could otherwise come in
            # twice: once keyed by the ID typed in by hand, once as roster:/house: (the roster has no ID).
            models.UniqueConstraint(
                fields=["programme", "household"],
                condition=models.Q(household__isnull=False),
                name="disasters_relief_roster_once",
            ),
            models.UniqueConstraint(
                fields=["programme", "damaged_house"],
                condition=models.Q(damaged_house__isnull=False),
                name="disasters_relief_house_once",
            ),
            models.CheckConstraint(
                condition=models.Q(people__lte=models.F("members")), name="relief_people_le_members"
            ),
        ]

    def __str__(self):
        return f"{self.programme} · {self.address}"


class ReliefObjection(AnlanModel):
    """An objection to a listed household, sent from the public 公示 page and resolved by the township."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        UPHELD = "upheld", "异议成立"
        REJECTED = "rejected", "异议不成立"

    programme = models.ForeignKey(
        ReliefProgramme, verbose_name="救助项目", on_delete=models.CASCADE, related_name="objections"
    )
    recipient = models.ForeignKey(
        ReliefRecipient, verbose_name="被异议户", on_delete=models.CASCADE, related_name="objections"
    )
    name = EncryptedCharField("异议人", sensitive_kind="name", max_length_plain=50)
    phone = EncryptedCharField("联系电话", sensitive_kind="phone", max_length_plain=20)
    text = models.TextField("异议内容")
    submitted_from = models.CharField("来源标识", max_length=64, blank=True, editable=False)
    status = models.CharField("处理状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    resolution = models.TextField("处理意见", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    scope_spec = ScopeSpec(region="recipient__region")
    write_roles = NOBODY  # sent through the public page, resolved through relief.objection_resolve
    view_roles = REGISTER_READERS

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["programme", "-created_at"]

    def __str__(self):
        return f"对{self.recipient.address}的异议"


class ReliefPayment(AnlanModel):
    """What a household was given: cash (bank transfer or cash) or goods issued from a warehouse."""

    class Means(models.TextChoices):
        CASH = "cash", "救助款"
        GOODS = "goods", "救助物资"

    class Method(models.TextChoices):
        BANK = "bank", "银行转账（一卡通）"
        CASH = "cash", "现金"
        GOODS = "goods", "实物"

    programme = models.ForeignKey(
        ReliefProgramme, verbose_name="救助项目", on_delete=models.PROTECT, related_name="payments"
    )
    recipient = models.ForeignKey(
        ReliefRecipient, verbose_name="救助对象", on_delete=models.PROTECT, related_name="payments"
    )
    household_key = models.CharField("户标识", max_length=80, editable=False)
    means = models.CharField("发放内容", max_length=8, choices=Means.choices)
    method = models.CharField("发放形式", max_length=8, choices=Method.choices)
    amount = models.DecimalField("金额或折款（元）", max_digits=12, decimal_places=2)
    paid_on = models.DateField("发放日期")
    reference = models.CharField("凭证号", max_length=100, blank=True, help_text="银行流水号或领物凭证号")
    item = models.ForeignKey(
        "supplies.SupplyItem", verbose_name="物资", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey(
        "supplies.Warehouse", verbose_name="出库仓库", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField("数量", max_digits=14, decimal_places=2, null=True, blank=True)
    unit_price = models.DecimalField("单价（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    movement = models.ForeignKey(
        "supplies.Movement", verbose_name="出库记录", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_spec = ScopeSpec(region="recipient__region")
    write_roles = NOBODY  # written by relief.pay_cash / relief.give_goods (checks, ledger, audit)
    view_roles = REGISTER_READERS

    class Meta:
        verbose_name = "救助发放记录"
        verbose_name_plural = "救助发放记录"
        ordering = ["programme", "-paid_on", "-pk"]
        constraints = [
            # No household paid twice in one programme (once in cash, once in goods at most).
            models.UniqueConstraint(fields=["programme", "household_key", "means"], name="disasters_relief_paid_once"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="disasters_relief_amount_positive"),
        ]

    def __str__(self):
        return f"{self.get_means_display()} {self.amount} 元"


# Who takes which review step (户报、村评、乡审、县定).
VILLAGE_REVIEWERS = frozenset({*LOCAL_REGISTRY_ROLES, Role.VILLAGE_WORKER})
TOWNSHIP_CHECKERS = frozenset({Role.TOWNSHIP_OPERATOR})
COUNTY_DECIDERS = COUNTY_ROLES
