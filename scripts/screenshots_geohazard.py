"""Screenshots of every 地质灾害防治 (geohazard) and 12350 举报奖励 (rewards) page, as each role that uses them, at
1440×900 and 390×844 — for the page review of issue 22 (what a role sees, Chinese labels, no overflow on the phone).

    .venv/bin/python scripts/screenshots_geohazard.py [--out DIR] [--data-dir DIR] [--only geo-campaign,…]

Same machinery as scripts/screenshots.py (its demo county, `anlan serve` on a loopback port, Debian's Chromium):
it logs in as the county administrator, the read-only county viewer, an operator of 县规划和自然资源局 (made here:
the personas' department operator sits in 水利局), a township officer and a village grid worker (the
群测群防员's seat), and opens the public 避险明白卡 page and the 举报办理进度查询 (form and result) without a login.

The demo county has a running 汛前排查 with findings and a 险情, and five tips with one paid reward. The reward's
middle steps (计算, 审批, 发放) need a tip at that point: the script makes one through the services (a new public
tip, accepted, verified against the demo's decided penalty case) and moves it a step after each picture.
Writes <name>-<width>.png into --out (default /tmp/geohazard-shots: the review copies a handful into docs/img/).
"""

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import DESK_ONLY, PHONE_ONLY, REVIEW_USERS, run

GEO_DEPT_USER = "geo_department"
DEMO_PASSWORD = "12350demo"
# A Chinese browser (as the bureau's): the date inputs and the dates Django formats follow the browser's
# language, so an English headless Chromium would show what no user of the county sees.
CHINESE_BROWSER = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


def geo_department_user():
    """A 行业部门人员 of 县规划和自然资源局 (the department of the geological sites), once per data directory."""
    from anlan.accounts.models import User
    from anlan.core.roles import Role
    from anlan.registry.models import Department
    from anlan.testing.personas import PASSWORD, persona

    user = User.objects.filter(username=GEO_DEPT_USER).first()
    if user is None:
        county = persona("county_admin").region
        department = Department.objects.get(code=f"{county.code[:6]}-GZ")
        user = User(
            username=GEO_DEPT_USER,
            display_name="自然资源局业务员",
            role=Role.DEPARTMENT_OPERATOR,
            region=county,
            department=department,
            must_change_password=False,
        )
        user.set_password(PASSWORD)
        user.save()
    return user


def staged_tip():
    """A claimed public tip, accepted and verified 属实 against the demo's decided penalty case (no reward yet):
    the one whose 计算 → 审批 → 发放 the pictures follow. Made through the services; reused on a later run."""
    from django.db import transaction
    from django.utils import timezone

    from anlan.core.services import objects_bulk_create
    from anlan.enforcement.models import PenaltyCase
    from anlan.hazards.models import HiddenHazard
    from anlan.rewards import services
    from anlan.rewards.models import Reward, Tip
    from anlan.testing.personas import persona

    tip = Tip.objects.filter(hazard__title="群众举报：采石场边坡（截图用）").first()
    if tip is not None:
        return tip
    admin = persona("county_admin")
    case = (
        PenaltyCase.objects.filter(status__in=services.DECIDED_CASE_STATES, fine_yuan__gt=0)
        .exclude(tips__reward__isnull=False)
        .order_by("pk")
        .first()
    ) or PenaltyCase.objects.filter(status__in=services.DECIDED_CASE_STATES, fine_yuan__gt=0).order_by("pk").first()
    with transaction.atomic():
        (hazard,) = objects_bulk_create(
            actor=None,
            model=HiddenHazard,
            instances=[
                HiddenHazard(
                    title="群众举报：采石场边坡（截图用）",
                    description="采石场边坡开采面过陡，雨后有落石，下方仍有车辆通行",
                    level=HiddenHazard.Level.GENERAL,
                    region=case.region,
                    deadline=timezone.localdate() + dt.timedelta(days=7),
                    source=HiddenHazard.Source.PUBLIC_TIP,
                    reporter_name="群众",
                    synthetic=True,
                )
            ],
        )
        tip = services.tip_register(
            hazard=hazard,
            claims_reward=True,
            real_name="周海燕",
            id_number=_id_number("50023719850315412"),
            phone="19900023456",
            password=DEMO_PASSWORD,
        )
    services.tip_accept(actor=admin, tip=tip)
    services.tip_verify(
        actor=admin,
        tip=Tip.objects.get(pk=tip.pk),
        outcome=Tip.Outcome.TRUE,
        matter=Tip.Matter.ILLEGAL,
        findings="现场核查属实，已立案处罚",
        cases=[case],
        concealed_deaths=0,
        accident_grade="",
    )
    assert not Reward.objects.filter(tip=tip).exists()
    return Tip.objects.get(pk=tip.pk)


def _id_number(first17: str) -> str:
    from anlan.core.validators import id_number_check_char

    return first17 + id_number_check_char(first17)


def township_round():
    """The township officer's own 汛中巡查, started (through the services): in the demo county the persona's
    village has its sites checked already, and the 群测群防员's phone pages need one still to check."""
    from django.utils import timezone

    from anlan.geohazard import services
    from anlan.geohazard.models import Campaign
    from anlan.testing.personas import persona

    officer = persona("township_officer")
    campaign = Campaign.objects.filter(region_id=officer.region_id, kind=Campaign.Kind.DURING).first()
    if campaign is None:
        today = timezone.localdate()
        campaign = services.campaign_create(
            actor=officer,
            campaign=Campaign(
                kind=Campaign.Kind.DURING,
                year=today.year,
                title=f"{today.year}年{officer.region.name}汛中地质灾害巡查",
                region=officer.region,
                start=today - dt.timedelta(days=2),
                end=today + dt.timedelta(days=12),
                notes="强降雨后逐点巡查，发现险情立即报告。",
            ),
        )
        campaign = services.campaign_step(actor=officer, campaign=campaign, action="start")
    return campaign


def site_with_households(village: str):
    """A geological site of the village grid worker's village with households on its list (the demo county puts
    its households elsewhere): two are added, audited, to the first such site when it has none."""
    from anlan.core.services import objects_bulk_create
    from anlan.sites.models import GEOLOGICAL, HazardSite, Household
    from anlan.testing.personas import persona

    sites = HazardSite.objects.filter(kind__in=GEOLOGICAL, status=HazardSite.Status.ACTIVE, region_id=village)
    site = sites.filter(households__active=True).order_by("pk").first() or sites.order_by("pk").first()
    if site is None or site.households.filter(active=True).exists():
        return site
    guardian = persona("township_officer")
    objects_bulk_create(
        actor=None,
        model=Household,
        instances=[
            Household(
                site=site,
                region_id=village,
                head_name="王德田",
                phone="13900231001",
                people=4,
                vulnerable=1,
                vulnerable_note="八旬老人 1 人，行动不便",
                address=f"{site.region.name}坡脚 3 号",
                guardian=guardian,
            ),
            Household(
                site=site,
                region_id=village,
                head_name="李桂兰",
                phone="13900231002",
                people=2,
                address=f"{site.region.name}坡脚 5 号",
                guardian=guardian,
            ),
        ],
    )
    return site


def status_result(code: str):
    """Fill the public status form (the sum challenge read from its label) and show the result."""

    from django.conf import settings

    def prepare(page, width):
        import re

        label = page.locator("label[for=id_answer]").inner_text()
        a, op, b = re.search(r"(\d+)\s*([+＋\-−－×])\s*(\d+)", label).groups()
        answer = int(a) + int(b) if op in "+＋" else int(a) - int(b) if op in "-−－" else int(a) * int(b)
        page.fill("#id_code", code)
        page.fill("#id_password", DEMO_PASSWORD)
        page.fill("#id_answer", str(answer))
        page.wait_for_timeout(1000 * (settings.ANLAN_TIP_MIN_SECONDS + 1))  # a faster submission is refused
        page.click("#tip-status-form button[type=submit]")
        page.wait_for_load_state("networkidle")

    return prepare


def to_panel(selector: str):
    def prepare(page, width):
        page.locator(selector).scroll_into_view_if_needed()

    return prepare


def pictures(states: dict) -> dict:
    """name → (login state or None, path, prepare or None, sizes or None), for the pages the demo county has."""
    from django.urls import reverse

    from anlan.core.kit import config_for
    from anlan.geohazard import services as geo_services
    from anlan.geohazard.models import Campaign, Finding, GeoEvent, SiteCheck
    from anlan.hazards.models import HiddenHazard
    from anlan.rewards.models import Reward, Tip
    from anlan.sites.models import HazardSite, Household
    from anlan.testing.personas import persona

    admin, viewer, dept, town, village = (states[k] for k in ("admin", "viewer", "dept", "town", "village"))
    own_town = persona("township_officer").region_id
    own_village = persona("village_grid_worker").region_id
    kit = {m: config_for(m) for m in (Campaign, SiteCheck, Finding, GeoEvent, HazardSite, HiddenHazard, Tip, Reward)}
    shots = {
        "geo-campaigns": (admin, kit[Campaign].reverse("list"), None, None),
        "geo-campaigns-viewer": (viewer, kit[Campaign].reverse("list"), None, DESK_ONLY),
        "geo-campaign-add": (admin, reverse("geohazard:campaign_new"), None, None),
        "geo-campaign-add-town": (town, reverse("geohazard:campaign_new"), None, DESK_ONLY),
        "geo-checks": (admin, kit[SiteCheck].reverse("list"), None, None),
        "geo-checks-dept": (dept, kit[SiteCheck].reverse("list"), None, DESK_ONLY),
        "geo-my-checks-village": (village, reverse("geohazard:my_checks"), None, PHONE_ONLY),
        "geo-my-checks-town": (town, reverse("geohazard:my_checks"), None, None),
        "geo-findings": (admin, kit[Finding].reverse("list"), None, None),
        "geo-events": (admin, kit[GeoEvent].reverse("list"), None, None),
        "rw-tips": (admin, kit[Tip].reverse("list"), None, None),
        "rw-tips-town": (town, kit[Tip].reverse("list"), None, DESK_ONLY),
        "rw-tips-viewer": (viewer, kit[Tip].reverse("list"), None, DESK_ONLY),
        "rw-rewards": (admin, kit[Reward].reverse("list"), None, None),
        "rw-statistics": (admin, reverse("rewards:statistics"), None, None),
        "rw-statistics-town": (town, reverse("rewards:statistics"), None, DESK_ONLY),
        "rw-public-status-form": (None, reverse("rewards_public_status"), None, None),
        "rw-public-tip": (None, reverse("public_tip"), None, PHONE_ONLY),
    }
    running = Campaign.objects.filter(status=Campaign.Status.RUNNING)
    campaign = running.filter(region__level="county").order_by("-start").first()
    if campaign:
        page = reverse("geohazard:campaign", args=[campaign.pk])
        shots["geo-campaign"] = (admin, page, None, None)
        shots["geo-campaign-town"] = (town, page, None, None)
        shots["geo-campaign-viewer"] = (viewer, page, None, DESK_ONLY)
        shots["geo-campaign-dept"] = (dept, page, None, DESK_ONLY)
        shots["geo-campaign-detail"] = (admin, kit[Campaign].reverse("detail", campaign.pk), None, DESK_ONLY)
        todo = SiteCheck.objects.filter(campaign__status=Campaign.Status.RUNNING, checked_on__isnull=True)
        mine = todo.filter(region_id=own_village).order_by("pk").first()
        if mine:
            shots["geo-check-village"] = (village, reverse("geohazard:check", args=[mine.pk]), None, None)
            shots["geo-check-viewer"] = (viewer, reverse("geohazard:check", args=[mine.pk]), None, PHONE_ONLY)
        done = SiteCheck.objects.filter(campaign=campaign, checked_on__isnull=False).order_by("pk")
        done = done.filter(township_id=own_town).first() or done.first()
        if done:
            shots["geo-check-done-town"] = (town, reverse("geohazard:check", args=[done.pk]), None, None)
    township_round = Campaign.objects.filter(region_id=own_town, status=Campaign.Status.RUNNING).first()
    if township_round:
        shots["geo-campaign-round-town"] = (town, reverse("geohazard:campaign", args=[township_round.pk]), None, None)
    finding = Finding.objects.filter(status=Finding.Status.PENDING).order_by("pk").first()
    if finding:
        shots["geo-finding"] = (admin, reverse("geohazard:finding", args=[finding.pk]), None, None)
        shots["geo-finding-detail"] = (admin, kit[Finding].reverse("detail", finding.pk), None, DESK_ONLY)
    event = GeoEvent.objects.order_by("-pk").first()
    if event:
        shots["geo-event"] = (admin, reverse("geohazard:event", args=[event.pk]), None, None)
        if event.region_id.startswith(own_town[:9]):
            shots["geo-event-town"] = (town, reverse("geohazard:event", args=[event.pk]), None, DESK_ONLY)
        shots["geo-event-detail"] = (admin, kit[GeoEvent].reverse("detail", event.pk), None, DESK_ONLY)
    # A geological site of the township officer's township that has households: the site page with the panel,
    # its 险情 form, the cards (full and masked phones) and the public page of one household's card.
    site = site_with_households(own_village)
    if site:
        detail = kit[HazardSite].reverse("detail", site.pk)
        panel = to_panel("#geohazard-site-panel")
        shots["geo-site-panel"] = (admin, detail, panel, None)
        shots["geo-site-panel-dept"] = (dept, detail, panel, DESK_ONLY)
        shots["geo-site-panel-village"] = (village, detail, panel, PHONE_ONLY)
        shots["geo-site-panel-viewer"] = (viewer, detail, panel, DESK_ONLY)
        shots["geo-site-event"] = (town, reverse("geohazard:site_event", args=[site.pk]), None, None)
        shots["geo-cards"] = (admin, reverse("geohazard:site_cards", args=[site.pk]), None, None)
        shots["geo-cards-village"] = (village, reverse("geohazard:site_cards", args=[site.pk]), None, None)
        household = Household.objects.filter(site=site, active=True).order_by("pk").first()
        shots["geo-card-public"] = (None, geo_services.card_path(household), None, None)
    proposed = HazardSite.objects.filter(status=HazardSite.Status.PROPOSED).order_by("pk").first()
    if proposed:
        shots["geo-proposed-site"] = (admin, kit[HazardSite].reverse("detail", proposed.pk), None, DESK_ONLY)

    received = Tip.objects.filter(status=Tip.Status.RECEIVED, claims_reward=True).order_by("-received_on").first()
    if received:
        detail = kit[Tip].reverse("detail", received.pk)
        shots["rw-tip-received"] = (admin, detail, None, None)
        shots["rw-tip-received-town"] = (town, detail, None, DESK_ONLY)
        shots["rw-tip-accept"] = (town, reverse("rewards:tip_accept", args=[received.pk]), None, DESK_ONLY)
        shots["rw-tip-decline"] = (town, reverse("rewards:tip_decline", args=[received.pk]), None, DESK_ONLY)
        shots["rw-public-status-received"] = (
            None,
            reverse("rewards_public_status"),
            status_result(received.code),
            PHONE_ONLY,
        )
        shots["rw-hazard-panel"] = (admin, kit[HiddenHazard].reverse("detail", received.hazard_id), None, DESK_ONLY)
    accepted = Tip.objects.filter(status=Tip.Status.ACCEPTED).exclude(hazard__title__contains="截图用").first()
    if accepted:
        shots["rw-tip-verify"] = (admin, reverse("rewards:tip_verify", args=[accepted.pk]), None, None)
    paid = Reward.objects.filter(status=Reward.Status.PAID).order_by("pk").first()
    if paid:
        shots["rw-reward-paid"] = (admin, kit[Reward].reverse("detail", paid.pk), None, None)
        shots["rw-tip-paid"] = (admin, kit[Tip].reverse("detail", paid.tip_id), None, None)
        shots["rw-public-status-paid"] = (None, reverse("rewards_public_status"), status_result(paid.tip.code), None)
    declined = Tip.objects.filter(status=Tip.Status.DECLINED).first()
    if declined:
        shots["rw-tip-declined-town"] = (town, kit[Tip].reverse("detail", declined.pk), None, DESK_ONLY)
    return shots


def reward_pictures(states: dict):
    """计算 → 审批 → 发放 of the staged tip: (name, picture) pairs, the tip moved on a step once the picture
    before the step is taken, each path read after the step before it."""
    from django.urls import reverse

    from anlan.core.kit import config_for
    from anlan.rewards import services
    from anlan.rewards.models import Reward, Tip
    from anlan.testing.personas import persona

    admin = states["admin"]
    tip = staged_tip()
    reward = Reward.objects.filter(tip=tip).first()
    if reward is None:
        yield "rw-tip-verified", (admin, config_for(Tip).reverse("detail", tip.pk), None, None)
        yield "rw-compute", (admin, reverse("rewards:tip_compute", args=[tip.pk]), None, None)
        reward = services.reward_compute(actor=persona("county_admin"), tip=Tip.objects.get(pk=tip.pk))
    if reward.status == Reward.Status.COMPUTED:
        yield "rw-reward-computed", (admin, config_for(Reward).reverse("detail", reward.pk), None, DESK_ONLY)
        yield "rw-decide", (admin, reverse("rewards:reward_decide", args=[reward.pk]), None, None)
        reward = services.reward_decide(
            actor=persona("county_admin"), reward=Reward.objects.get(pk=reward.pk), approve=True, opinion="同意"
        )
    if reward.status == Reward.Status.APPROVED:
        yield "rw-pay", (admin, reverse("rewards:reward_pay", args=[reward.pk]), None, None)


def all_pictures(states: dict):
    yield from pictures(states).items()
    yield from reward_pictures(states)


def setup():
    geo_department_user()
    township_round()


def main(argv: list[str] | None = None) -> int:
    users = {**REVIEW_USERS, "dept": GEO_DEPT_USER}
    return run(
        all_pictures,
        doc=__doc__,
        out=Path("/tmp/geohazard-shots"),
        users=users,
        setup=setup,
        browser_options=CHINESE_BROWSER,
        argv=argv,
    )


if __name__ == "__main__":
    sys.exit(main())
