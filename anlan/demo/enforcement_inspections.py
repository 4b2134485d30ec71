"""Demo 现场检查 of this year: the objects the 双随机 draws picked (anlan/demo/enforcement_draws.py, when it has
run), otherwise about 30 enterprises chosen by hand, each inspected by two officers on a day of this year.

About 60 % of the inspections find something (some of it 重大隐患, with 挂牌督办); everything goes through
the inspection services — checklist answers, findings, drawn signatures (one principal in ten refuses,
noted and reported), 签字确认 creating the hazards through the hazard service and numbering the documents
in date order — and most older hazards are then taken round the hazard loop to 销号, their inspections
closed with the 整改复查意见书. Deterministic (seeded).
"""

import base64
import datetime as dt
import io
import random

from django.utils import timezone
from PIL import Image, ImageDraw

from anlan.core.roles import COUNTY_ROLES
from anlan.enforcement import checklists
from anlan.enforcement import services_inspections as services
from anlan.enforcement.models import Checklist, ChecklistItem, DrawObject, Finding, Inspection, Inspector
from anlan.hazards import services as hazard_services
from anlan.registry.models import Enterprise

SEED = 1717
BY_HAND = 30
MAX_INSPECTIONS = 60
# By the inspection's place in date order (so the shares hold exactly, whatever the count): 3 in 5 find
# something, 1 in 5 a 重大隐患 too, 1 in 10 principals refuse to sign; inspections at least 45 days old are
# closed after 复查 except 1 in 7.
WITH_FINDINGS = (0, 1, 2)  # n % 5
WITH_MAJOR = (0,)  # n % 5
REFUSAL = 7  # n % 10
CLOSED_AFTER_DAYS = 45
STILL_OPEN = 3  # n % 7
EXTRA_TITLES = [
    ("消防通道堆放杂物", Finding.Measure.ON_SPOT),
    ("配电箱未上锁、无警示标志", Finding.Measure.DEADLINE),
    ("员工未按规定佩戴劳动防护用品", Finding.Measure.ON_SPOT),
    ("安全培训记录不全", Finding.Measure.DEADLINE),
    ("应急预案未按期演练", Finding.Measure.DEADLINE),
    ("有限空间作业未审批即作业", Finding.Measure.SUSPEND),
]


def _signature(rng: random.Random) -> str:
    """A scribble drawn like a finger on the phone's canvas, as the page sends it (PNG data URL)."""
    image = Image.new("RGB", (300, 120), "white")
    pen = ImageDraw.Draw(image)
    points = [(20 + i * 26, 60 + rng.randint(-35, 35)) for i in range(11)]
    pen.line(points, fill="black", width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _targets(rng: random.Random, county, officers: list[Inspector]):
    """(enterprise, officers, drawn object or None) for each inspection to record."""
    drawn = list(
        DrawObject.objects.filter(draw__region__code__startswith=county.code[:6], inspection__isnull=True)
        .select_related("enterprise", "draw")
        .prefetch_related("inspectors")
        .order_by("draw_id", "position")[:MAX_INSPECTIONS]
    )
    if drawn:
        return [(d.enterprise, list(d.inspectors.all()), d) for d in drawn]
    enterprises = list(Enterprise.objects.filter(region__code__startswith=county.code[:6]).order_by("pk"))
    picked = rng.sample(enterprises, min(BY_HAND, len(enterprises)))
    return [(e, rng.sample(officers, 2), None) for e in picked]


def _day(rng: random.Random, today: dt.date, drawn=None) -> dt.date:
    """A day of this year up to today; a drawn object is inspected on or after the day of its draw."""
    start = dt.date(today.year, 1, 1)
    if drawn is not None:
        start = min(today, max(start, timezone.localtime(drawn.draw.created_at).date()))
    return start + dt.timedelta(days=rng.randint(0, max((today - start).days, 0)))


def _findings(rng, actor, inspection: Inspection, n: int) -> int:
    """Answer the checklist (mostly 符合); some 不符合 propose findings, plus a few the officers wrote."""
    if n % 5 not in WITH_FINDINGS:
        items = services.checklist_items(inspection)
        services.answers_save(actor=actor, inspection=inspection, results={i.pk: ("ok", "") for i in items})
        return 0
    items = services.checklist_items(inspection)
    majors = [i for i in items if i.major]
    results = {i.pk: ("ok", "") for i in items}
    if majors and n % 5 in WITH_MAJOR:
        results[rng.choice(majors).pk] = ("problem", "现场检查发现")
    services.answers_save(actor=actor, inspection=inspection, results=results)
    if not majors and n % 5 in WITH_MAJOR:  # no sector criteria for this enterprise: the officers judged it
        services.finding_save(
            actor=actor,
            inspection=inspection,
            title="安全监控报警装置失效",
            description=f"{inspection.enterprise}：可燃气体检测报警装置失效，责令停止相关作业",
            level=Finding.Level.MAJOR,
            measure=Finding.Measure.SUSPEND,
            deadline=inspection.inspected_on + dt.timedelta(days=services.PROPOSED_DAYS[Finding.Level.MAJOR]),
        )
    for title, measure in rng.sample(EXTRA_TITLES, rng.randint(1, 2)):
        services.finding_save(
            actor=actor,
            inspection=inspection,
            title=title,
            description=f"{inspection.enterprise}：{title}",
            level=Finding.Level.GENERAL,
            measure=measure,
            deadline=inspection.inspected_on + dt.timedelta(days=15),
        )
    # The proposed deadlines count from the inspection day (as the officer set them then).
    for finding in inspection.findings.filter(checklist_item__isnull=False):
        days = services.PROPOSED_DAYS[finding.level]
        services.finding_save(
            actor=actor,
            inspection=inspection,
            finding=finding,
            deadline=inspection.inspected_on + dt.timedelta(days=days),
        )
    return inspection.findings.count()


def _sign(rng, actor, inspection: Inspection, officers: list[Inspector], n: int) -> None:
    for officer in officers[:2]:
        services.sign(
            actor=actor, inspection=inspection, signer="inspector", inspector=officer, image_data=_signature(rng)
        )
    if n % 10 == REFUSAL:
        services.principal_refuse(actor=actor, inspection=inspection, note="负责人拒绝签字，经两名执法人员见证记录在案")
    else:
        name = inspection.principal_name or inspection.enterprise.principal or "企业负责人"
        services.sign(actor=actor, inspection=inspection, signer="principal", name=name, image_data=_signature(rng))


def _close(actor, inspection: Inspection, today: dt.date, county_actor=None) -> bool:
    """Take every hazard of the inspection to 销号, then close the inspection with the 复查 opinion. The hazard
    steps are taken by a county officer (a major hazard is verified only by a county role), the 复查 by the
    inspection's own officer."""
    officer, actor = actor, county_actor or actor
    last = inspection.inspected_on
    for finding in inspection.findings.select_related("hazard", "inspection__enterprise"):
        hazard = finding.hazard
        responsible = inspection.enterprise.safety_manager or inspection.enterprise.principal or "企业安全负责人"
        hazard = hazard_services.hazard_transition(actor=actor, hazard=hazard, action="assign", responsible=responsible)
        hazard = hazard_services.hazard_transition(
            actor=actor, hazard=hazard, action="submit", measures=f"已按要求整改：{finding.title}"
        )
        hazard_services.hazard_transition(actor=actor, hazard=hazard, action="verify", comment="复查合格，予以销号")
        last = max(last, finding.deadline)
    services.inspection_close(
        actor=officer,
        inspection=inspection,
        opinion="经复查，责令整改的问题已全部整改完毕，隐患已销号。",
        on=min(today, last + dt.timedelta(days=3)),
    )
    return True


def load(*, actor, county, townships=None, departments=None) -> dict[str, int]:
    checklists.install(Checklist, ChecklistItem)  # after a flush the migration's rows are gone
    rng = random.Random(SEED)
    today = timezone.localdate()
    officers = list(
        Inspector.objects.filter(active=True, region__code__startswith=county.code[:6])
        .select_related("user")
        .order_by("pk")
    )
    if len(officers) < 2:
        return {"inspections": 0, "findings": 0, "closed": 0}
    county_actor = next((o.user for o in officers if o.user.role in COUNTY_ROLES), None)
    planned = [(e, o, d, _day(rng, today, d)) for e, o, d in _targets(rng, county, officers) if len(o) >= 2]
    planned.sort(key=lambda row: (row[3], row[0].pk))  # documents numbered in date order
    counts = {"inspections": 0, "findings": 0, "closed": 0}
    for n, (enterprise, inspectors, drawn, day) in enumerate(planned):
        # The loader's actor is a name, not a person: the first officer of the pair takes the steps, as the
        # services require an officer's role.
        actor = inspectors[0].user
        inspection = services.inspection_start(
            actor=actor,
            enterprise=enterprise,
            inspectors=inspectors,
            inspected_on=day,
            kind=Inspection.Kind.PLANNED,
            draw_object=drawn,
        )
        counts["findings"] += _findings(rng, actor, inspection, n)
        _sign(rng, actor, inspection, inspectors, n)
        services.inspection_complete(actor=actor, inspection=inspection, backdated=True)
        counts["inspections"] += 1
        inspection.refresh_from_db()
        old = (today - day).days >= CLOSED_AFTER_DAYS
        if inspection.status == "signed" and old and n % 7 != STILL_OPEN:
            counts["closed"] += _close(actor, inspection, today, county_actor=county_actor)
    return counts
