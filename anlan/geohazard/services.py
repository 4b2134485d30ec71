"""Writes and reads of 地质灾害防治 (one transaction per write, audited):

- 三查 campaigns: create over the organiser's geological sites (one SiteCheck per site, its township set),
  assign inspectors per township, the workflow steps, progress per township in one aggregate query, the check
  record with photos and a finding, the county's decision on a finding (a draft site becomes 在册, a site is
  核销, the threatened households/people are updated), the reminder before the end date (daily job);
- 险情/灾情 of a site: an incident in intake (kind 地质灾害, graded there by incidents.grading_geo) and the
  GeoEvent linking it to the site; its 速报 deadline from incidents.clocks;
- the 避险明白卡's signed link (QR) and the household's transfer record it opens.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.audit import actor_name, audit_record, snapshot
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.regioncodes import region_prefix, township_of
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.core.services import objects_bulk_create
from anlan.core.uploads import CheckedUpload
from anlan.core.validators import location_errors
from anlan.disasters.models import TransferActivation, TransferMark
from anlan.geo.models import Region
from anlan.inbox.services import Message, notify_many
from anlan.incidents import clocks
from anlan.incidents.models import GEO_DANGER, GEO_DISASTER, Incident
from anlan.incidents.services import intake
from anlan.plans.models import IncidentKind
from anlan.sites.models import GEOLOGICAL, HazardSite, Household

from .models import Campaign, CheckPhoto, Finding, GeoEvent, SiteCheck
from .workflow import FLOW

GEO_KIND = "地质灾害"
CARD_SALT = "anlan.geohazard.card"
REMIND_CATEGORY = "geo_campaign"


def remind_days() -> tuple[int, ...]:
    """Days before a campaign's end date on which the unchecked get a reminder (setting
    ANLAN_GEO_CAMPAIGN_REMIND_DAYS, default 3 and 1; and on the day itself)."""
    return tuple(sorted(set(getattr(settings, "ANLAN_GEO_CAMPAIGN_REMIND_DAYS", (3, 1))), reverse=True))


def _county(actor) -> bool:
    return bool(actor.is_superuser or actor.role in COUNTY_ROLES)


# ---------------------------------------------------------------- campaigns


def sites_in_scope(actor, region_code: str):
    """The 在册 geological hazard sites of the organiser's area the actor may see."""
    return HazardSite.objects.restrict(actor).filter(
        status=HazardSite.Status.ACTIVE, kind__in=GEOLOGICAL, region__pk__startswith=region_prefix(region_code)
    )


@transaction.atomic
def campaign_create(*, actor, campaign: Campaign) -> Campaign:
    """编制: the campaign and one check record per geological site of its area, each assigned to its township."""
    if not Region.objects.restrict(actor).filter(code=campaign.region_id).exists():
        raise DomainError("geohazard.region_outside", "组织单位不在您的管辖范围内", field="region")
    campaign.status = Campaign.Status.DRAFT
    campaign.created_by = actor_name(actor)
    campaign.full_clean()
    campaign.save()
    sites = list(sites_in_scope(actor, campaign.region_id).only("pk", "region_id"))
    objects_bulk_create(
        actor=actor,
        model=SiteCheck,
        instances=[
            SiteCheck(campaign=campaign, site_id=s.pk, region_id=s.region_id, township_id=township_of(s.region_id))
            for s in sites
        ],
    )
    audit_record(
        action="geo_campaign_create", obj=campaign, actor=actor, after={**snapshot(campaign), "sites": len(sites)}
    )
    return campaign


@transaction.atomic
def campaign_step(*, actor, campaign: Campaign, action: str) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = campaign.status
    FLOW.apply(actor, campaign, action)
    campaign.save(update_fields=["status", "updated_at"])
    audit_record(
        action=f"geo_campaign_{action}",
        obj=campaign,
        actor=actor,
        before={"status": before},
        after={"status": campaign.status},
    )
    return campaign


def inspectors_for(township_code: str):
    """Who may be named inspector of a township's sites: active township and village staff of it."""
    return User.objects.filter(
        is_active=True,
        role__in=[Role.TOWNSHIP_OPERATOR, Role.VILLAGE_WORKER],
        region__pk__startswith=region_prefix(township_code),
    ).order_by("role", "display_name", "username")


@transaction.atomic
def assign(*, actor, campaign: Campaign, township_code: str, inspector: User) -> int:
    """分配: the township's not yet checked sites of the campaign go to the inspector; how many."""
    if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.RUNNING):
        raise DomainError("geohazard.campaign_closed", f"三查工作“{campaign.get_status_display()}”，不能再分配")
    if not inspectors_for(township_code).filter(pk=inspector.pk).exists():
        raise DomainError("geohazard.inspector_outside", "检查人应为该乡镇或其村（社区）的在岗人员", field="inspector")
    rows = SiteCheck.objects.restrict(actor, "change").filter(
        campaign=campaign, township_id=township_code, checked_on__isnull=True
    )
    count = rows.update(inspector=inspector, updated_at=timezone.now())
    if not count:
        raise DomainError("geohazard.nothing_to_assign", "该乡镇没有待检查的隐患点")
    audit_record(
        action="geo_campaign_assign",
        obj=campaign,
        actor=actor,
        after={"township": township_code, "inspector": inspector.pk, "sites": count},
    )
    return count


def progress(campaign: Campaign, user) -> list[dict]:
    """Checked / total per township the user sees, with the findings, in one aggregate query."""
    rows = (
        SiteCheck.objects.restrict(user)
        .filter(campaign=campaign)
        .values("township_id", "township__name")
        .annotate(
            total=Count("pk", distinct=True),
            checked=Count("pk", filter=Q(checked_on__isnull=False), distinct=True),
            findings=Count("findings", distinct=True),
        )
        .order_by("township_id")
    )
    out = []
    for r in rows:
        out.append(
            {
                "code": r["township_id"],
                "name": r["township__name"],
                "total": r["total"],
                "checked": r["checked"],
                "findings": r["findings"],
                "percent": round(100 * r["checked"] / r["total"]) if r["total"] else 0,
            }
        )
    return out


def totals(rows: list[dict]) -> dict:
    total = sum(r["total"] for r in rows)
    checked = sum(r["checked"] for r in rows)
    return {
        "total": total,
        "checked": checked,
        "unchecked": total - checked,
        "percent": round(100 * checked / total) if total else 0,
    }


# ---------------------------------------------------------------- the check and its finding


def may_check(user, check: SiteCheck) -> bool:
    """The township, the natural-resources department and the county fill in any site of their scope (rows are
    restricted by the caller); a village worker his village's sites unless another inspector was named."""
    if (
        user.is_superuser
        or user.role in COUNTY_ROLES
        or user.role in (Role.TOWNSHIP_OPERATOR, Role.DEPARTMENT_OPERATOR)
    ):
        return True
    return user.role == Role.VILLAGE_WORKER and check.inspector_id in (None, user.pk)


def new_site_code(region_code: str, year: int) -> str:
    """The next free number after the highest taken (refused drafts are deleted: counting would reuse a code)."""
    prefix = f"{region_code[:6]}XZ{year}"
    taken = [
        int(tail)
        for code in HazardSite.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if (tail := code[len(prefix) :]).isdigit()
    ]
    return f"{prefix}{max(taken, default=0) + 1:03d}"


def _proposed_site(actor, check: SiteCheck, data: dict, year: int) -> HazardSite:
    errors = location_errors(data.get("lon"), data.get("lat"))
    if data.get("lon") is None or data.get("lat") is None:
        errors.setdefault("lon", "请在地图上标出新隐患点的位置")
    if not (data.get("name") or "").strip():
        errors["name"] = "请填写新隐患点名称"
    if data.get("kind") not in GEOLOGICAL:
        errors["kind"] = "请选择地质灾害类型（滑坡、崩塌、泥石流、地面塌陷、不稳定斜坡）"
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError("geohazard.proposal_invalid", message, field=field)
    households, people = int(data.get("households") or 0), int(data.get("people") or 0)
    site = HazardSite(
        code=new_site_code(check.region_id, year),
        name=data["name"].strip(),
        kind=data["kind"],
        region_id=check.region_id,
        department_id=check.site.department_id,
        lon=data["lon"],
        lat=data["lat"],
        threatened_households=households,
        threatened_people=people,
        status=HazardSite.Status.PROPOSED,
        notes=f"{check.campaign}发现，待县级确认",
    )
    site.full_clean()
    site.save()
    audit_record(action="create", obj=site, actor=actor, after=snapshot(site))
    return site


@transaction.atomic
def check_record(
    *,
    actor,
    check: SiteCheck,
    checked_on: dt.date,
    state: str,
    measures: str = "",
    note: str = "",
    lon=None,
    lat=None,
    photos: list[CheckedUpload] = (),
    finding: dict | None = None,
) -> SiteCheck:
    """填报: the site's check in a running campaign, its photos, and at most one finding. A 险情 finding is
    recorded at once as an incident (Art. 28: report immediately); the others wait for the county."""
    check = SiteCheck.objects.select_for_update(of=("self",)).select_related("campaign", "site").get(pk=check.pk)
    if check.campaign.status != Campaign.Status.RUNNING:
        raise DomainError(
            "geohazard.campaign_not_running", f"三查工作“{check.campaign.get_status_display()}”，不能填报"
        )
    if not may_check(actor, check):
        raise NotAllowed("geohazard.not_inspector", "该隐患点已分配给其他检查人")
    if checked_on > timezone.localdate():
        raise DomainError("geohazard.future_date", "检查日期不能晚于今天", field="checked_on")
    if checked_on < check.campaign.start:
        raise DomainError(
            "geohazard.before_start", f"检查日期不能早于三查开始日期 {check.campaign.start}", field="checked_on"
        )
    if state not in SiteCheck.State.values:
        raise DomainError("geohazard.state_invalid", "请选择检查结果", field="state")
    errors = location_errors(lon, lat)
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError("geohazard.position_invalid", message, field=field)
    kind = (finding or {}).get("kind") or ""
    if state == SiteCheck.State.DANGER and kind != Finding.Kind.DANGER:
        raise DomainError(
            "geohazard.danger_needs_facts", "检查结果为“出现险情”时，请填写险情情况", field="finding_kind"
        )
    if state == SiteCheck.State.NEW_HAZARD and kind != Finding.Kind.NEW_SITE:
        raise DomainError(
            "geohazard.new_needs_site", "检查结果为“发现新增隐患”时，请填写新隐患点", field="finding_kind"
        )
    before = snapshot(check)
    check.checked_on, check.state = checked_on, state
    check.measures, check.note = measures.strip(), note.strip()
    check.lon, check.lat = lon, lat
    check.checked_by = actor_name(actor)
    if check.inspector_id is None and actor.role in (Role.TOWNSHIP_OPERATOR, Role.VILLAGE_WORKER):
        check.inspector = actor
    check.full_clean()
    check.save()
    now = timezone.now()
    for upload in photos:
        CheckPhoto.objects.create(
            site_check=check,
            image=upload.as_file(),
            extension=upload.extension,
            uploaded_by=actor_name(actor),
            uploaded_at=now,
        )
    audit_record(
        action="geo_check_record",
        obj=check,
        actor=actor,
        before=before,
        after={**snapshot(check), "photos": len(photos)},
    )
    if kind:
        _finding_add(actor, check, finding)
    return check


def _finding_add(actor, check: SiteCheck, data: dict) -> Finding:
    kind = data["kind"]
    if kind not in Finding.Kind.values:
        raise DomainError("geohazard.finding_kind", "请选择发现类型", field="finding_kind")
    description = (data.get("description") or "").strip()
    if not description:
        raise DomainError("geohazard.finding_empty", "请写明发现的情况", field="finding_description")
    finding = Finding(site_check=check, region_id=check.region_id, kind=kind, description=description)
    if kind == Finding.Kind.NEW_SITE:
        finding.proposed_site = _proposed_site(actor, check, data.get("site") or {}, check.campaign.year)
    elif kind == Finding.Kind.THREAT:
        households, people = data.get("households"), data.get("people")
        if households is None or people is None:
            raise DomainError("geohazard.threat_numbers", "请填写核实后的威胁户数和人数", field="households")
        if people < households:
            raise DomainError("geohazard.threat_people", "威胁人数不应少于威胁户数", field="people")
        finding.households, finding.people = households, people
    elif kind == Finding.Kind.DANGER:
        facts = data.get("event") or {}
        finding.event = event_record(
            actor=actor,
            site=check.site,
            stage=GEO_DANGER,
            description=f"{check.campaign}检查发现：{description}",
            occurred_at=facts.get("occurred_at") or timezone.now(),
            people_threatened=facts.get("people_threatened") or 0,
            people_to_relocate=facts.get("people_to_relocate") or 0,
            potential_loss_10k_yuan=facts.get("potential_loss_10k_yuan") or 0,
        )
        finding.status = Finding.Status.CONFIRMED
        finding.decided_by, finding.decided_at = actor_name(actor), timezone.now()
        finding.decision_note = f"已立即登记为突发事件 {finding.event.incident.number}"
    finding.full_clean()
    finding.save()
    audit_record(action="create", obj=finding, actor=actor, after=snapshot(finding))
    return finding


@transaction.atomic
def finding_decide(*, actor, finding: Finding, confirm: bool, note: str = "") -> Finding:
    """县级确认: a new site becomes 在册 (or is deleted when refused), a removal 核销 the site, a threat change
    updates the site's households and people. Refusing needs a reason."""
    if not _county(actor):
        raise NotAllowed("geohazard.county_only", "三查发现由县级确认（隐患点名录由县级更新）")
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("site_check__site", "proposed_site")
        .get(pk=finding.pk)
    )
    if finding.status != Finding.Status.PENDING:
        raise DomainError("geohazard.finding_decided", f"该发现已{finding.get_status_display()}")
    if not confirm and not note.strip():
        raise DomainError("geohazard.reason_required", "不予确认时请写明理由", field="note")
    site = finding.site_check.site
    if confirm:
        if finding.kind == Finding.Kind.NEW_SITE:
            proposed = finding.proposed_site
            before = snapshot(proposed)
            proposed.status = HazardSite.Status.ACTIVE
            proposed.notes = proposed.notes.replace("，待县级确认", "，县级已确认")
            proposed.save(update_fields=["status", "notes", "updated_at"])
            audit_record(action="update", obj=proposed, actor=actor, before=before, after=snapshot(proposed))
        elif finding.kind == Finding.Kind.REMOVAL:
            before = snapshot(site)
            site.status = HazardSite.Status.REMOVED
            site.save(update_fields=["status", "updated_at"])
            audit_record(action="update", obj=site, actor=actor, before=before, after=snapshot(site))
        elif finding.kind == Finding.Kind.THREAT:
            before = snapshot(site)
            site.threatened_households, site.threatened_people = finding.households, finding.people
            site.full_clean()
            site.save(update_fields=["threatened_households", "threatened_people", "updated_at"])
            audit_record(action="update", obj=site, actor=actor, before=before, after=snapshot(site))
    finding.status = Finding.Status.CONFIRMED if confirm else Finding.Status.REJECTED
    finding.decided_by, finding.decided_at = actor_name(actor), timezone.now()
    finding.decision_note = note.strip()[:300]
    finding.save()
    audit_record(
        action=f"geo_finding_{'confirm' if confirm else 'reject'}", obj=finding, actor=actor, after=snapshot(finding)
    )
    if not confirm and finding.kind == Finding.Kind.NEW_SITE and finding.proposed_site_id:
        draft = finding.proposed_site
        finding.proposed_site = None
        finding.save(update_fields=["proposed_site", "updated_at"])
        audit_record(action="delete", obj=draft, actor=actor, before=snapshot(draft))
        draft.delete()
    return finding


def pending_findings(user):
    return (
        Finding.objects.restrict(user)
        .filter(status=Finding.Status.PENDING)
        .select_related("site_check__site", "site_check__campaign", "proposed_site", "region")
    )


# ---------------------------------------------------------------- 险情 and 灾情


def event_title(site: HazardSite, word: str) -> str:
    """马家村五组滑坡险情, not 马家村五组滑坡滑坡险情: the kind only where the site's name does not end with it
    (崩塌（危岩） counts as said by a name ending in 危岩 or 崩塌)."""
    kind = site.get_kind_display()
    said = {kind, *kind.replace("）", "").split("（")}
    middle = "" if any(site.name.endswith(k) for k in said if k) else kind
    return f"{site.name}{middle}{word}"[:200]


@transaction.atomic
def event_record(
    *,
    actor,
    site: HazardSite,
    stage: str,
    description: str,
    occurred_at: dt.datetime | None = None,
    people_threatened: int = 0,
    people_to_relocate: int = 0,
    potential_loss_10k_yuan=0,
    deaths: int = 0,
    missing: int = 0,
    injured: int = 0,
    direct_loss_10k_yuan=0,
) -> GeoEvent:
    """A 险情 (people to relocate, potential loss) or 灾情 (deaths, missing, direct loss) of the site: an incident
    of kind 地质灾害 through intake, which grades it by incidents.grading_geo and tells the duty desks."""
    if stage not in (GEO_DANGER, GEO_DISASTER):
        raise DomainError("geohazard.stage_invalid", "请选择险情或灾情", field="stage")
    if not description.strip():
        raise DomainError(
            "geohazard.event_empty",
            "请描述险情或灾情（时间、地点、规模、诱发因素、发展趋势、已采取措施）",
            field="description",
        )
    if site.kind not in GEOLOGICAL:
        raise DomainError("geohazard.not_geological", "只有地质灾害隐患点可登记地质灾害险情或灾情")
    if stage == GEO_DANGER and people_threatened and people_to_relocate > people_threatened:
        raise DomainError("geohazard.relocate_more", "需转移人数不应多于受威胁人数", field="people_to_relocate")
    now = timezone.now()
    occurred_at = occurred_at or now
    word = "险情" if stage == GEO_DANGER else "灾情"
    incident = Incident(
        title=event_title(site, word),
        kind=IncidentKind.objects.get(name=GEO_KIND),
        region_id=site.region_id,
        place=site.name,
        lon=site.lon,
        lat=site.lat,
        occurred_at=occurred_at,
        received_at=now,
        source=Incident.Source.REPORT,
        caller_name=actor_name(actor)[:64],
        caller_unit="地质灾害群测群防",
        description=description.strip(),
        geo_stage=stage,
        people_to_relocate=people_to_relocate if stage == GEO_DANGER else 0,
        potential_loss_10k_yuan=Decimal(potential_loss_10k_yuan or 0) if stage == GEO_DANGER else 0,
        deaths=deaths if stage == GEO_DISASTER else 0,
        missing=missing if stage == GEO_DISASTER else 0,
        injured=injured if stage == GEO_DISASTER else 0,
        direct_loss_10k_yuan=Decimal(direct_loss_10k_yuan or 0) if stage == GEO_DISASTER else 0,
    )
    incident = intake.incident_create(actor=actor, incident=incident)
    event = GeoEvent(
        site=site,
        region_id=site.region_id,
        stage=stage,
        incident=incident,
        people_threatened=people_threatened or 0,
        recorded_by=actor_name(actor),
    )
    event.full_clean()
    event.save()
    audit_record(action="geo_event_record", obj=event, actor=actor, after={**snapshot(event), "level": incident.level})
    return event


def report_deadlines(event: GeoEvent, now=None) -> list[clocks.Deadline]:
    """The 速报 deadline(s) the incident's grade sets (incidents.clocks; the hours are SECONDARY settings)."""
    return clocks.deadlines(event.incident, now or timezone.now())


def site_events(user, site: HazardSite):
    return GeoEvent.objects.restrict(user).filter(site=site).select_related("incident").order_by("-created_at")


# ---------------------------------------------------------------- 避险明白卡 and its QR link


def card_token(household: Household) -> str:
    """The household card's QR credential: its id, signed (stable: a reprinted card keeps working)."""
    return signing.Signer(salt=CARD_SALT).sign(str(household.pk))


def read_card_token(token: str) -> int | None:
    try:
        return int(signing.Signer(salt=CARD_SALT).unsign(token))
    except (signing.BadSignature, ValueError, TypeError):
        return None


def card_path(household: Household) -> str:
    return reverse("geohazard_card_public", kwargs={"token": card_token(household)})


def transfer_record(household: Household) -> dict:
    """What the card's QR opens: the site's open transfer activation and this household's marks in it, or
    none (then the page shows the route and the shelter)."""
    activation = (
        TransferActivation.objects.filter(site_id=household.site_id, status=TransferActivation.Status.OPEN)
        .order_by("-opened_at")
        .first()
    )
    marks = []
    if activation:
        marks = list(
            TransferMark.objects.filter(activation=activation, household=household)
            .select_related("shelter_check__shelter")
            .order_by("at", "id")
        )
    return {"activation": activation, "marks": marks, "latest": marks[-1] if marks else None}


# ---------------------------------------------------------------- reminders (daily job)


def reminder_job(today: dt.date) -> str:
    """Before a running campaign's end date (ANLAN_GEO_CAMPAIGN_REMIND_DAYS, and on the day): the named
    inspectors of sites not yet checked, and the township staff of townships with such sites, get an in-app
    message (once per campaign, township and day: dedupe key)."""
    days = remind_days()
    horizon = today + dt.timedelta(days=max(days, default=0))
    campaigns = {
        c.pk: c
        for c in Campaign.objects.filter(status=Campaign.Status.RUNNING, end__gte=today, end__lte=horizon)
        if (c.end - today).days in (*days, 0)
    }
    if not campaigns:
        return "无需提醒"
    open_rows = (
        SiteCheck.objects.filter(campaign_id__in=list(campaigns), checked_on__isnull=True)
        .values("campaign_id", "township_id", "inspector_id")
        .annotate(n=Count("pk"))
    )
    left: dict[tuple[int, str], int] = defaultdict(int)
    inspectors: dict[tuple[int, str], set[int]] = defaultdict(set)
    for r in open_rows:
        key = (r["campaign_id"], r["township_id"])
        left[key] += r["n"]
        if r["inspector_id"]:
            inspectors[key].add(r["inspector_id"])
    townships = {t for _, t in left}
    staff: dict[str, set[int]] = defaultdict(set)
    for pk, region in User.objects.filter(
        is_active=True, role=Role.TOWNSHIP_OPERATOR, region_id__in=list(townships)
    ).values_list("pk", "region_id"):
        staff[region].add(pk)
    pairs = []
    for (campaign_id, township), n in left.items():
        c = campaigns[campaign_id]
        delta = (c.end - today).days
        when = "今天截止" if delta == 0 else f"还有 {delta} 天截止（{c.end:%m月%d日}）"
        message = Message(
            category=REMIND_CATEGORY,
            title=f"三查提醒：{c.title}{when}"[:200],
            body=f"本乡镇尚有 {n} 处地质灾害隐患点未检查，请按时完成检查并填报。",
            link=reverse("geohazard:campaign", kwargs={"pk": c.pk}),
            dedupe_key=f"geo-campaign:{c.pk}:{township}:{today.isoformat()}",
        )
        pairs += [(user_id, message) for user_id in sorted(inspectors[(campaign_id, township)] | staff[township])]
    sent = notify_many(pairs)
    return f"已发送 {sent} 条三查提醒"
