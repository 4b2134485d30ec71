"""避险转移到户到人: a transfer activation (转移行动) of a hazard site and the marks of its households.

An activation opens a site's transfer list — on a warning issued over the site's region, on an incident, or
by hand — and stays open until the danger is over. Each household of the site's roster
(`sites.Household`) is marked 已转移 / 拒绝转移 / 外出 / 已返回 by its 包保责任人 on the phone, with time
and position; the marks are kept (append-only), and the latest one is the household's state.
"""

from django.conf import settings
from django.db import models

from anlan.core.labels import register_actions
from anlan.core.models import AnlanModel
from anlan.core.roles import NOBODY, SECTOR_REGISTRY_ROLES, Role
from anlan.core.scoping import ScopedManager, ScopeSpec

__all__ = ["TRANSFER_READERS", "TransferActivation", "TransferMark"]

# Families' names, phones and whereabouts: the roles that hold the roster (sites.Household.view_roles).
TRANSFER_READERS = frozenset({*SECTOR_REGISTRY_ROLES, Role.VILLAGE_WORKER, Role.VIEWER})


class TransferActivation(AnlanModel):
    """One opening of a site's transfer list (转移行动), from a warning, an incident or by hand."""

    class Status(models.TextChoices):
        OPEN = "open", "转移中"
        CLOSED = "closed", "已结束"

    class Source(models.TextChoices):
        WARNING = "warning", "预警"
        INCIDENT = "incident", "突发事件"
        MANUAL = "manual", "人工启动"
        ALARM = "alarm", "监测报警"

    site = models.ForeignKey(
        "sites.HazardSite", verbose_name="隐患点", on_delete=models.PROTECT, related_name="transfer_activations"
    )
    source = models.CharField("启动来源", max_length=10, choices=Source.choices)
    warning = models.ForeignKey(
        "alerts.Warning",
        verbose_name="预警",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfer_activations",
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name="突发事件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfer_activations",
    )
    # A 山洪 zone's 立即转移 rainfall alarm (flood's thresholds as monitoring rules).
    alarm = models.ForeignKey(
        "monitoring.Alarm",
        verbose_name="监测报警",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfer_activations",
    )
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    opened_at = models.DateTimeField("启动时间", db_index=True)
    opened_by = models.CharField("启动人", max_length=150, blank=True)
    reason = models.CharField("启动原因", max_length=300, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closed_by = models.CharField("结束人", max_length=150, blank=True)

    scope_spec = ScopeSpec(region="site__region", department="site__department")
    write_roles = NOBODY  # opened and closed by disasters.transfer only
    view_roles = TRANSFER_READERS

    class Meta:
        verbose_name = "转移行动"
        verbose_name_plural = "转移行动"
        ordering = ["-opened_at", "-id"]
        constraints = [
            # A site has one transfer list at a time: a second warning over it joins the open one.
            models.UniqueConstraint(
                fields=["site"], condition=models.Q(status="open"), name="disasters_one_open_transfer_per_site"
            )
        ]

    def __str__(self):
        return f"{self.site} 转移（{self.opened_at:%m-%d %H:%M}）" if self.opened_at else f"{self.site} 转移"


class TransferMark(models.Model):
    """A household's state in an activation at a moment, recorded by whom and where (append-only)."""

    class State(models.TextChoices):
        TRANSFERRED = "transferred", "已转移"
        REFUSED = "refused", "拒绝转移"
        AWAY = "away", "外出"
        RETURNED = "returned", "已返回"

    activation = models.ForeignKey(
        TransferActivation, verbose_name="转移行动", on_delete=models.CASCADE, related_name="marks"
    )
    household = models.ForeignKey(
        "sites.Household", verbose_name="受威胁户", on_delete=models.PROTECT, related_name="transfer_marks"
    )
    state = models.CharField("状态", max_length=12, choices=State.choices)
    at = models.DateTimeField("时间", db_index=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="标记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_name = models.CharField("标记人姓名", max_length=150, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    # The household's check-in at a shelter (resources sits below sites and cannot name a household: the
    # link lives here, on the mark that moved the family).
    shelter_check = models.ForeignKey(
        "resources.ShelterCheck",
        verbose_name="入住登记",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfer_marks",
    )
    # The check-out that ended `shelter_check` (外出, 拒绝转移, 已返回, a move to another shelter, the list
    # closed), set on every mark carrying that check-in: a check-in with none is still occupying places.
    shelter_check_out = models.ForeignKey(
        "resources.ShelterCheck",
        verbose_name="离开登记",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="household__region", department="activation__site__department")
    write_roles = NOBODY  # written only by disasters.transfer.mark
    view_roles = TRANSFER_READERS

    class Meta:
        verbose_name = "转移标记"
        verbose_name_plural = "转移标记"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["activation", "household", "at"], name="disasters_mark_latest")]

    def __str__(self):
        return f"{self.household} {self.get_state_display()}"


register_actions(
    {
        "transfer_open": "启动避险转移",
        "transfer_close": "结束避险转移",
        "transfer_mark": "标记转移状态",
        "transfer_check_in": "转移户入住避难场所",
        "view_phone": "查看完整电话",
    }
)
