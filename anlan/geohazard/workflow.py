"""A 三查 campaign's way (pure; core.workflow):

    draft ─start→ running ─finish→ done ─archive→ archived

A finished round is not reopened: the next round is a new campaign (the 排查表 stays as handed in).

Only the organiser's level takes the steps: a campaign of the county by county roles, a township's by that
township (or the county above it).
"""

from anlan.core.regioncodes import region_prefix
from anlan.core.roles import LOCAL_REGISTRY_ROLES
from anlan.core.workflow import Requires, Transition, Workflow

from .models import Campaign

S = Campaign.Status
STATUS_LABELS = dict(S.choices)


def _organiser(actor, campaign) -> bool:
    if getattr(actor, "is_superuser", False):
        return True
    code = getattr(actor, "region_id", None) or ""
    return bool(code) and campaign.region_id.startswith(region_prefix(code))


HAS_SITES = Requires(
    lambda c, data: c.checks.exists(), "范围内没有地质灾害隐患点，不能启动", "no_sites", on_record=True
)

FLOW = Workflow(
    "geo_campaign",
    STATUS_LABELS,
    [
        Transition(
            "start",
            "启动",
            {S.DRAFT},
            S.RUNNING,
            roles=LOCAL_REGISTRY_ROLES,
            when=_organiser,
            who="组织单位",
            requires=(HAS_SITES,),
        ),
        Transition("finish", "完成", {S.RUNNING}, S.DONE, roles=LOCAL_REGISTRY_ROLES, when=_organiser, who="组织单位"),
        Transition(
            "archive", "归档", {S.DONE}, S.ARCHIVED, roles=LOCAL_REGISTRY_ROLES, when=_organiser, who="组织单位"
        ),
    ],
    model="geohazard.Campaign",
)
