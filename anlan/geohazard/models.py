"""地质灾害防治: the 三查 campaigns (汛前排查, 汛中巡查, 汛后核查) over the geological hazard sites, a check
record per site with its photos and findings, and the 险情/灾情 of a site (an incident in intake graded by
incidents.grading_geo). Facts: standards §21; see docs/geohazard.md."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from anlan.core.labels import register_actions
from anlan.core.models import AnlanModel
from anlan.core.roles import LOCAL_REGISTRY_ROLES, NOBODY, SECTOR_REGISTRY_ROLES, Role
from anlan.core.scoping import ScopedManager, ScopeSpec
from anlan.incidents.models import GEO_STAGES

__all__ = ["Campaign", "CheckPhoto", "Finding", "GeoEvent", "SiteCheck"]

# Who checks a site in the field and records what he finds: the 群测群防员 or village worker, the township, the
# natural-resources department and the county (§21.3: townships organise 排查、核查和巡查).
CHECKERS = frozenset({*SECTOR_REGISTRY_ROLES, Role.VILLAGE_WORKER})


class Campaign(AnlanModel):
    """One round of the 三查 (§21.3) organised by the county or a township over the geological hazard sites of
    its area: each site gets a check record (SiteCheck), assigned to its township and an inspector."""

    class Kind(models.TextChoices):
        PRE = "pre", "汛前排查"
        DURING = "during", "汛中巡查"
        POST = "post", "汛后核查"

    class Status(models.TextChoices):
        DRAFT = "draft", "编制中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        ARCHIVED = "archived", "已归档"

    kind = models.CharField("类别", max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=100)
    region = models.ForeignKey(
        "geo.Region", verbose_name="组织单位（县或乡镇）", on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField("开始日期")
    end = models.DateField("截止日期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    notes = models.TextField("工作要求", blank=True)
    created_by = models.CharField("编制人", max_length=150, blank=True)

    scope_spec = ScopeSpec(region="region", ancestors_visible=True)  # a township reads the county's campaign
    write_roles = LOCAL_REGISTRY_ROLES

    class Meta:
        verbose_name = "三查工作"
        verbose_name_plural = "三查工作"
        ordering = ["-year", "-start", "-id"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "截止日期不能早于开始日期"})
        code = self.region_id or ""
        if code and code[9:] != "000":
            raise ValidationError({"region": "三查由县（区）或乡镇（街道）组织，请选择县或乡镇"})


class SiteCheck(AnlanModel):
    """One site in one campaign: its township and inspector, and once checked the date, state, measures,
    position and who checked (排查表 row)."""

    class State(models.TextChoices):
        STABLE = "stable", "稳定"
        DEFORMING = "deforming", "变形加剧"
        NEW_HAZARD = "new_hazard", "发现新增隐患"
        DANGER = "danger", "出现险情"
        ELIMINATED = "eliminated", "隐患已消除"

    campaign = models.ForeignKey(Campaign, verbose_name="三查工作", on_delete=models.CASCADE, related_name="checks")
    site = models.ForeignKey(
        "sites.HazardSite", verbose_name="隐患点", on_delete=models.PROTECT, related_name="geo_checks"
    )
    region = models.ForeignKey("geo.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("geo.Region", verbose_name="责任乡镇", on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="检查人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="geo_checks",
    )
    checked_on = models.DateField("检查日期", null=True, blank=True, db_index=True)
    state = models.CharField("检查结果", max_length=12, choices=State.choices, blank=True)
    measures = models.TextField("防范措施", blank=True)
    note = models.TextField("检查情况", blank=True)
    lon = models.FloatField("检查位置经度", null=True, blank=True)
    lat = models.FloatField("检查位置纬度", null=True, blank=True)
    checked_by = models.CharField("填报人", max_length=150, blank=True)

    scope_spec = ScopeSpec(region="region", department="site__department")
    write_roles = CHECKERS  # through services.check_record only (the kit list is read-only)

    class Meta:
        verbose_name = "三查记录"
        verbose_name_plural = "三查记录"
        ordering = ["campaign", "township", "site__code"]
        constraints = [models.UniqueConstraint(fields=["campaign", "site"], name="geohazard_one_check_per_site")]

    def __str__(self):
        return f"{self.campaign} · {self.site}"

    @property
    def result(self) -> str:
        """检查结果 as lists show it: the state, or 未检查 while the site waits for its check."""
        return self.get_state_display() if self.state else "未检查"


def photo_path(instance, filename: str) -> str:
    return f"geohazard/{instance.site_check_id}/{instance.uploaded_at:%Y%m%d%H%M%S%f}.{instance.extension}"


class CheckPhoto(models.Model):
    """A photo of the site taken at the check (type and size checked by core.uploads)."""

    site_check = models.ForeignKey(SiteCheck, verbose_name="三查记录", on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("照片", upload_to=photo_path)
    extension = models.CharField(max_length=4)
    uploaded_by = models.CharField("上传人", max_length=150)
    uploaded_at = models.DateTimeField("上传时间")

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="site_check__region", department="site_check__site__department")
    write_roles = NOBODY  # written only by services.check_record

    class Meta:
        verbose_name = "三查照片"
        verbose_name_plural = "三查照片"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return f"{self.site_check} 照片"


class GeoEvent(AnlanModel):
    """A 险情 or 灾情 of a hazard site (§21.1): the incident recorded in intake (graded there by
    incidents.grading_geo, with its 速报 clock) and what the site's page lists."""

    site = models.ForeignKey(
        "sites.HazardSite", verbose_name="隐患点", on_delete=models.PROTECT, related_name="geo_events"
    )
    region = models.ForeignKey("geo.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField("情形", max_length=10, choices=GEO_STAGES)
    incident = models.OneToOneField(
        "incidents.Incident", verbose_name="突发事件", on_delete=models.PROTECT, related_name="geo_event"
    )
    people_threatened = models.PositiveIntegerField("受威胁人数（人）", default=0)
    recorded_by = models.CharField("登记人", max_length=150, blank=True)

    scope_spec = ScopeSpec(region="region", department="site__department")
    write_roles = CHECKERS  # through services.event_record only

    class Meta:
        verbose_name = "地质灾害险情灾情"
        verbose_name_plural = "地质灾害险情灾情"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.site} {self.get_stage_display()[:2]}"


class Finding(AnlanModel):
    """What a check found that changes the register (§21.3: update the list of hazard sites): a new site
    proposed (a draft HazardSite the county confirms), a site to 核销, a change of the people it threatens,
    or a 险情 (recorded at once as a GeoEvent: Art. 28, report immediately)."""

    class Kind(models.TextChoices):
        NEW_SITE = "new_site", "新增隐患点"
        REMOVAL = "removal", "核销隐患点"
        THREAT = "threat", "威胁对象变化"
        DANGER = "danger", "险情"

    class Status(models.TextChoices):
        PENDING = "pending", "待县级确认"
        CONFIRMED = "confirmed", "已确认"
        REJECTED = "rejected", "不予确认"

    site_check = models.ForeignKey(
        SiteCheck, verbose_name="三查记录", on_delete=models.CASCADE, related_name="findings"
    )
    region = models.ForeignKey("geo.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("发现类型", max_length=10, choices=Kind.choices)
    description = models.TextField("情况说明")
    proposed_site = models.ForeignKey(
        "sites.HazardSite",
        verbose_name="新增隐患点（草稿）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    households = models.PositiveIntegerField("威胁户数（核实后）", null=True, blank=True)
    people = models.PositiveIntegerField("威胁人数（核实后）", null=True, blank=True)
    event = models.ForeignKey(
        GeoEvent, verbose_name="险情登记", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.CharField("确认人", max_length=150, blank=True)
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    decision_note = models.CharField("确认意见", max_length=300, blank=True)

    scope_spec = ScopeSpec(region="region", department="site_check__site__department")
    write_roles = NOBODY  # services.check_record and finding_decide only

    class Meta:
        verbose_name = "三查发现"
        verbose_name_plural = "三查发现"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.site_check.site}"


register_actions(
    {
        "geo_campaign_create": "三查工作编制",
        "geo_campaign_assign": "三查任务分配",
        "geo_check_record": "三查检查填报",
        "geo_finding_confirm": "三查发现确认",
        "geo_finding_reject": "三查发现不予确认",
        "geo_event_record": "地质灾害险情灾情登记",
        "geo_cards_print": "打印避险明白卡",
        "geo_cards_word": "导出避险明白卡（Word）",
    }
)
