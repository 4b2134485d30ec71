"""What 地质灾害防治 draws on a hazard site's page (sites sits below and cannot import it): the site's 险情/灾情
with their grade, the steps 登记险情灾情 and 避险明白卡, and the 工作台 notice of findings awaiting the county."""

from django.urls import reverse

from anlan.core.roles import COUNTY_ROLES, role_allows
from anlan.sites.models import GEOLOGICAL, HazardSite, Household

from . import services
from .models import Finding, GeoEvent


def site_panel(request, site):
    if site.kind not in GEOLOGICAL:
        return None
    user = request.user
    events = list(services.site_events(user, site)[:20])
    # A site a 三查 proposed: the way to the county's decision, from the draft's own page.
    proposal = None
    if site.status == HazardSite.Status.PROPOSED:
        proposal = Finding.objects.restrict(user).filter(proposed_site=site, status=Finding.Status.PENDING).first()
    return (
        "geohazard/site_panel.html",
        {
            "events": events,
            "proposal": proposal,
            "may_decide": user.is_superuser or user.role in COUNTY_ROLES,
            "may_record": role_allows(user, "add", GeoEvent),
            "may_cards": role_allows(user, "view", Household),
        },
    )


def home_notices(user) -> list[tuple[str, str]]:
    if not (user.is_superuser or user.role in COUNTY_ROLES):
        return []
    count = Finding.objects.restrict(user).filter(status=Finding.Status.PENDING).count()
    if not count:
        return []
    url = reverse("geohazard:finding_list")
    return [(f"三查发现 {count} 项待县级确认（新增隐患点、核销、威胁对象变化）", url)]
