"""专项整治 campaigns: create, select the target enterprises, assign them, start, follow coverage, close.

Targets: the enterprises whose region lies in the campaign's region and that match its GB/T 4754 大类
(`industry`) and/or its risk flag (`risk_flag`, a boolean of registry.Enterprise such as
`is_dust_explosive`) — one query. The list is kept (CampaignTarget) when the assignments are generated, so a
target count never drifts with later registry edits and coverage is measured against the same list.

Assignments (`Campaign.assign_by`):
- "department" (default): each enterprise goes to its supervising department (`Enterprise.department`,
  安全生产法 Art. 10 "管行业必须管安全": the department that supervises the sector inspects it); an
  enterprise with no department goes to its township (属地管理), so every target lands in exactly one
  assignment and the targets sum to the number of enterprises.
- "township": every enterprise goes to its township (a campaign run 属地, e.g. 有限空间 in small workshops
  that no sector department follows closely).
An enterprise registered at the county itself (no township in its code) falls to the county's own row
(township = the county's region, shown as 县直).

Coverage per assignment — inspected / target, findings, major findings, hazards closed — counts the
inspections with `campaign` = this campaign of the assignment's target enterprises (by whoever made them):
one aggregate query over the targets the user may see.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from anlan.core.audit import audit_changes, audit_record, snapshot
from anlan.core.errors import NotAllowed
from anlan.core.regioncodes import region_prefix, township_of
from anlan.core.roles import role_allows
from anlan.core.services import object_create, objects_bulk_create
from anlan.hazards import workflow as hazard_workflow
from anlan.registry.gbt4754 import divisions
from anlan.registry.models import Enterprise

from .campaign_workflow import FLOW
from .models import RISK_FLAG_CHOICES, Campaign, CampaignAssignment, CampaignTarget, Inspection

COUNTY_ROW = "县直（县级）"


# ---------------------------------------------------------------- create, targets, assignments


@transaction.atomic
def campaign_create(*, actor, campaign: Campaign) -> Campaign:
    if not role_allows(actor, "add", Campaign):
        raise NotAllowed("campaign.role_not_allowed", "专项整治由县级人员组织")
    campaign.status = Campaign.Status.DRAFT
    return object_create(actor=actor, instance=campaign)


def target_enterprises(campaign: Campaign):
    """The enterprises the campaign covers (one query when evaluated)."""
    qs = Enterprise.objects.filter(region__pk__startswith=region_prefix(campaign.region_id))
    if campaign.industry:
        qs = qs.filter(industry=campaign.industry)
    if campaign.risk_flag:
        qs = qs.filter(**{campaign.risk_flag: True})
    return qs.order_by("region_id", "pk")


def _assignment_key(campaign: Campaign, department_id, region_id: str) -> tuple:
    if campaign.assign_by == Campaign.AssignBy.DEPARTMENT and department_id:
        return ("department", department_id)
    return ("township", township_of(region_id))


@transaction.atomic
def campaign_assign(*, actor, campaign: Campaign) -> list[CampaignAssignment]:
    """Select the targets and (re)generate the assignments while the campaign is in draft."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    FLOW.apply(actor, campaign, "assign")
    old = campaign.assignments.count()
    CampaignTarget.objects.filter(campaign=campaign).delete()
    CampaignAssignment.objects.filter(campaign=campaign).delete()
    groups: dict[tuple, list[int]] = {}
    for pk, department_id, region_id in target_enterprises(campaign).values_list("pk", "department_id", "region_id"):
        groups.setdefault(_assignment_key(campaign, department_id, region_id), []).append(pk)
    # Departments first, then townships by code: the same order every time.
    keys = sorted(groups, key=lambda k: (k[0] != "department", str(k[1])))
    assignments = objects_bulk_create(
        actor=actor,
        model=CampaignAssignment,
        instances=[
            CampaignAssignment(
                campaign=campaign,
                department_id=key[1] if key[0] == "department" else None,
                township_id=key[1] if key[0] == "township" else None,
                target=len(groups[key]),
            )
            for key in keys
        ],
    )
    CampaignTarget.objects.bulk_create(
        [
            CampaignTarget(campaign=campaign, assignment=assignment, enterprise_id=pk)
            for key, assignment in zip(keys, assignments, strict=True)
            for pk in groups[key]
        ],
        batch_size=1000,
    )
    # The target rows are derived data (the query above, re-runnable): one entry names their count.
    audit_record(
        action="campaign_assign",
        obj=campaign,
        actor=actor,
        after={
            "assign_by": campaign.assign_by,
            "targets": sum(len(v) for v in groups.values()),
            "assignments": len(assignments),
            "replaced_assignments": old,
        },
    )
    return assignments


@transaction.atomic
def campaign_start(*, actor, campaign: Campaign) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = snapshot(campaign)
    FLOW.apply(actor, campaign, "start")
    campaign.save(update_fields=["status", "updated_at"])
    audit_changes(action="campaign_start", obj=campaign, actor=actor, before=before, after=snapshot(campaign))
    return campaign


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign, summary: str) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = snapshot(campaign)
    FLOW.apply(actor, campaign, "close", summary=summary)
    campaign.summary = summary.strip()
    campaign.closed_at = timezone.now()
    campaign.full_clean()
    campaign.save(update_fields=["status", "summary", "closed_at", "updated_at"])
    audit_changes(action="campaign_close", obj=campaign, actor=actor, before=before, after=snapshot(campaign))
    return campaign


# ---------------------------------------------------------------- coverage


class CoverageRow:
    def __init__(
        self, label: str, target=0, inspected=0, inspections=0, findings=0, major=0, closed=0, assignment=None
    ):
        self.label = label
        self.assignment = assignment
        self.target = target
        self.inspected = inspected
        self.inspections = inspections
        self.findings = findings
        self.major = major
        self.closed = closed

    @property
    def rate(self) -> str:
        return f"{self.inspected / self.target:.1%}" if self.target else "—"

    @property
    def open(self) -> int:
        return self.findings - self.closed

    def cells(self) -> list:
        return [
            self.label,
            self.target,
            self.inspected,
            self.rate,
            self.inspections,
            self.findings,
            self.major,
            self.closed,
            self.open,
        ]


COVERAGE_HEADERS = [
    "任务单位",
    "应检查（家）",
    "已检查（家）",
    "覆盖率",
    "检查（次）",
    "发现问题（项）",
    "其中重大隐患（项）",
    "已整改销号（项）",
    "未销号（项）",
]


def assignment_label(assignment: CampaignAssignment) -> str:
    if assignment.department_id:
        return assignment.department.name
    if assignment.township_id and assignment.township_id.endswith("000000"):
        return COUNTY_ROW
    return assignment.township.name if assignment.township_id else COUNTY_ROW


def coverage(user, campaign: Campaign) -> tuple[list[CoverageRow], CoverageRow]:
    """Per assignment the user may see (its visible targets), the campaign's inspections of those targets:
    one aggregate query over the targets, one for the assignments' names."""
    ins = "enterprise__inspections"
    of_campaign = Q(**{f"{ins}__campaign": campaign})
    rows = (
        CampaignTarget.objects.restrict(user)
        .filter(campaign=campaign)
        .order_by()
        .values("assignment_id")
        .annotate(
            target=Count("pk", distinct=True),
            inspected=Count("enterprise_id", distinct=True, filter=of_campaign),
            inspections=Count(ins, distinct=True, filter=of_campaign),
            findings=Count(f"{ins}__findings", distinct=True, filter=of_campaign),
            major=Count(
                f"{ins}__findings", distinct=True, filter=of_campaign & Q(**{f"{ins}__findings__level": "major"})
            ),
            closed=Count(
                f"{ins}__findings",
                distinct=True,
                filter=of_campaign & Q(**{f"{ins}__findings__hazard__status": hazard_workflow.CLOSED}),
            ),
        )
    )
    figures = {row.pop("assignment_id"): row for row in rows}
    assignments = CampaignAssignment.objects.filter(pk__in=figures).select_related("department", "township")
    lines = [CoverageRow(assignment_label(a), assignment=a, **figures[a.pk]) for a in assignments]
    lines.sort(key=lambda line: (line.assignment.department_id is None, line.label))
    total = CoverageRow(
        "合计",
        **{
            k: sum(getattr(line, k) for line in lines)
            for k in ("target", "inspected", "inspections", "findings", "major", "closed")
        },
    )
    return lines, total


def uninspected(user, campaign: Campaign):
    """The targets the user may see that no inspection of this campaign has reached yet (one query)."""
    inspected = Inspection.objects.filter(campaign=campaign, enterprise_id=OuterRef("enterprise_id"))
    return (
        CampaignTarget.objects.restrict(user)
        .filter(campaign=campaign)
        .filter(~Exists(inspected))
        .select_related("enterprise__region", "assignment__department", "assignment__township")
        .order_by("enterprise__region_id", "enterprise__name")
    )


def my_assignments(user, campaigns) -> dict[int, CoverageRow]:
    """Per campaign, the targets the user may see and how many the campaign's inspections reached: the
    figures of 'my' share for a township or department operator on the campaign list (one query)."""
    ins = "enterprise__inspections"
    rows = (
        CampaignTarget.objects.restrict(user)
        .filter(campaign__in=campaigns)
        .order_by()
        .values("campaign_id")
        .annotate(
            target=Count("pk", distinct=True),
            inspected=Count("enterprise_id", distinct=True, filter=Q(**{f"{ins}__campaign_id": F("campaign_id")})),
        )
    )
    return {row["campaign_id"]: CoverageRow("", target=row["target"], inspected=row["inspected"]) for row in rows}


# ---------------------------------------------------------------- the summary draft


def criteria_text(campaign: Campaign) -> str:
    parts = []
    if campaign.industry:
        names = dict(divisions())
        parts.append(f"{names.get(campaign.industry, campaign.industry)}行业")
    if campaign.risk_flag:
        parts.append(RISK_FLAG_CHOICES.get(campaign.risk_flag, campaign.risk_flag))
    return "、".join(parts)


def draft_summary(
    campaign: Campaign, lines: list[CoverageRow], total: CoverageRow, *, today: dt.date | None = None
) -> str:
    """The summary's first draft, written from the figures (a template, no language model): the person who
    closes the campaign edits it."""
    today = today or timezone.localdate()
    closed_rate = f"{total.closed / total.findings:.1%}" if total.findings else "—"
    text = (
        f"{campaign.name}于{campaign.starts_on:%Y年%m月%d日}至{campaign.ends_on:%Y年%m月%d日}在"
        f"{campaign.region.name}开展，整治对象为{criteria_text(campaign)}企业共{total.target}家。"
        f"截至{today:%Y年%m月%d日}，已检查{total.inspected}家，覆盖率{total.rate}，共开展检查{total.inspections}次，"
        f"发现问题隐患{total.findings}项（其中重大事故隐患{total.major}项），已整改销号{total.closed}项，"
        f"整改率{closed_rate}。"
    )
    if lines:
        parts = [f"{line.label}应查{line.target}家、已查{line.inspected}家" for line in lines]
        text += "各单位完成情况：" + "；".join(parts) + "。"
    missing = total.target - total.inspected
    if missing:
        text += f"尚有{missing}家企业未检查，纳入日常监督检查继续跟进。"
    if total.open:
        text += f"未销号的{total.open}项隐患由属地和行业主管部门督促整改，逐项销号。"
    return text
