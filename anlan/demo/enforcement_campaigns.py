"""Demo 专项整治 (after the plan, draws, inspections, cases and credit demos): two county campaigns run through
the real services.

- 粉尘涉爆专项整治, last quarter, closed with the summary drafted from its figures;
- 有限空间作业专项整治, active (started 20 days ago for 90 days), assigned by township.

The inspections are the inspections demo's. Where some of them fall in a campaign's period on its target
enterprises, every second one (by id, not drawn from 双随机, so nothing a draw produced changes meaning) is
linked to the campaign (`campaign`, kind 专项整治); with no such inspections the coverage stays at zero.
Deterministic: no randomness, the same rows give the same links.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anlan.core.audit import audit_record
from anlan.core.roles import COUNTY_ROLES
from anlan.enforcement import services_campaigns as services
from anlan.enforcement.models import Campaign, CampaignAssignment, CampaignTarget, Checklist, Inspection, Inspector
from anlan.geo.models import Region

SHARE = 2  # every second matching inspection is linked


def last_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    first_this = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    end = first_this - dt.timedelta(days=1)
    return dt.date(end.year, (end.month - 1) // 3 * 3 + 1, 1), end


def _link(*, actor, campaign: Campaign) -> int:
    """Link every SHARE-th inspection of the campaign's targets within its period (not a draw's)."""
    candidates = list(
        Inspection.objects.filter(
            enterprise__campaign_targets__campaign=campaign,
            inspected_on__range=(campaign.starts_on, campaign.ends_on),
            campaign__isnull=True,
            draw_object__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = candidates[::SHARE]
    if chosen:
        Inspection.objects.filter(pk__in=chosen).update(campaign=campaign, kind=Inspection.Kind.CAMPAIGN)
        audit_record(action="campaign_link_inspections", obj=campaign, actor=actor, after={"inspections": chosen})
    return len(chosen)


def _run(*, actor, county: Region, checklist, **fields) -> tuple[Campaign, int]:
    campaign = services.campaign_create(
        actor=actor, campaign=Campaign(region=county, checklist=checklist, synthetic=True, **fields)
    )
    services.campaign_assign(actor=actor, campaign=campaign)
    CampaignAssignment.objects.filter(campaign=campaign).update(synthetic=True)
    CampaignTarget.objects.filter(campaign=campaign).update(synthetic=True)
    services.campaign_start(actor=actor, campaign=campaign)
    return campaign, _link(actor=actor, campaign=campaign)


@transaction.atomic
def load(*, actor, county: Region, townships=None, departments=None, today: dt.date | None = None) -> dict[str, int]:
    """`townships` and `departments` are not needed: the assignments follow the enterprises' own department
    and township (services_campaigns)."""
    today = today or timezone.localdate()
    if isinstance(actor, str):
        # The loader's actor is a name: a county officer (the draws part's officers) organises the campaigns,
        # as the services require a county role.
        officer = (
            Inspector.objects.filter(user__role__in=COUNTY_ROLES, region=county).select_related("user").order_by("pk")
        ).first()
        if officer is None:
            return {"campaigns": 0}
        actor = officer.user
    checklist = Checklist.objects.filter(kind=Checklist.Kind.CAMPAIGN, active=True).order_by("pk").first()
    starts, ends = last_quarter(today)
    dust, dust_linked = _run(
        actor=actor,
        county=county,
        checklist=checklist,
        name="粉尘涉爆专项整治",
        risk_flag="is_dust_explosive",
        starts_on=starts,
        ends_on=ends,
        assign_by=Campaign.AssignBy.DEPARTMENT,
    )
    lines, total = services.coverage(actor, dust)
    services.campaign_close(actor=actor, campaign=dust, summary=services.draft_summary(dust, lines, total, today=ends))
    confined, confined_linked = _run(
        actor=actor,
        county=county,
        checklist=checklist,
        name="有限空间作业专项整治",
        risk_flag="has_confined_space",
        starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=70),
        assign_by=Campaign.AssignBy.TOWNSHIP,
    )
    return {
        "campaigns": 2,
        "campaign_assignments": CampaignAssignment.objects.filter(campaign__in=[dust, confined]).count(),
        "campaign_targets": CampaignTarget.objects.filter(campaign__in=[dust, confined]).count(),
        "campaign_inspections": dust_linked + confined_linked,
    }
