"""Demo 灾情统计: the storm scenario's disaster process and a finished one of last year (history).

- `storm_process` (a step of the storm scenario, through the real services): the county opens a process for
  the storm's townships linked to the incident and the warning; two villages' 灾害信息员 enter figures, the
  township sums, reviews and the county approves; the 初报 is compiled from the approved return plus a
  direct row for a second township, and a 续报 follows with the figures grown.
- `load_history` (part of load-demo): last July's flood, finished with its 核报, written as demo data
  (synthetic, audited in bulk like the other demo loaders): three reports over four townships.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from anlan.core.services import objects_bulk_create
from anlan.disasters import indicators, services
from anlan.disasters.models import DisasterProcess, DisasterReport, ReportRow, TownshipReturn
from anlan.geo.models import Region, RegionLevel


def storm_process(*, actor, incident, warning, evacuated: int, say=print) -> DisasterProcess:
    """The storm's process with approved returns, village entries, an 初报 and a 续报 (real services)."""
    township = incident.region.parent if incident.region.level == RegionLevel.VILLAGE else incident.region
    neighbour = (
        Region.objects.filter(parent_id=township.parent_id, level=RegionLevel.TOWNSHIP)
        .exclude(code=township.code)
        .order_by("code")
        .first()
    )
    townships = [township, *([neighbour] if neighbour else [])]
    started = min(incident.occurred_at, timezone.now()) - dt.timedelta(minutes=30)
    process = services.create_process(
        actor=actor,
        name=f"{timezone.localtime(started):%-m·%-d} 暴雨洪涝及次生地质灾害",
        hazard="flood",
        started_at=started,
        regions=[t.code for t in townships],
        description=incident.description,
        response_started=True,
        incidents=[incident],
        warnings=[warning] if warning else [],
    )
    villages = list(Region.objects.filter(parent=township).order_by("code")[:3])
    figures = [
        {"affected_people": 420, "evacuated": evacuated, "injured": 2, "collapsed_rooms": 3,
         "collapsed_residential_rooms": 3, "collapsed_households": 1, "generally_damaged_rooms": 11,
         "crop_affected_ha": "36.5", "crop_failed_ha": "12", "direct_loss_10k_yuan": "186.4",
         "loss_housing_10k_yuan": "62.0", "loss_agriculture_10k_yuan": "54.4"},
        {"affected_people": 160, "severely_damaged_rooms": 4, "generally_damaged_rooms": 6, "crop_affected_ha": "18",
         "damaged_roads_km": "2.4", "direct_loss_10k_yuan": "73.5"},
    ]  # fmt: skip
    for village, values in zip(villages, figures, strict=False):
        note = "灾害信息员现场核查"
        services.village_entry_save(actor=actor, process=process, village=village, raw=values, note=note)
    ret = services.return_sum_villages(actor=actor, process=process, township=township)
    services.return_step(actor=actor, ret=ret, action="review")
    services.return_step(actor=actor, ret=ret, action="approve")
    rows = services.compile_rows(process)
    if neighbour:
        rows.append({"region": neighbour.code, "affected_people": 95, "generally_damaged_rooms": 2,
                     "crop_affected_ha": "8.2", "direct_loss_10k_yuan": "21.6"})  # fmt: skip
    # The county's 初报 went in within its 2 hours (the storm began before the exercise was played).
    on_time = min(started + dt.timedelta(minutes=100), timezone.now())
    initial = services.submit_report(actor=actor, process=process, stage="initial", rows=rows, now=on_time)
    grown = {**rows[0], "affected_people": rows[0]["affected_people"] + 130, "injured": 3}
    update = services.submit_report(actor=actor, process=process, stage="update", rows=[grown])
    if len(villages) > 2:  # a third village enters after the 续报: the township's next return is still open
        services.village_entry_save(actor=actor, process=process, village=villages[2], raw={"affected_people": 40})
    say(f"8. 灾情报送：{process.name}，初报（第 {initial.number} 次）、续报（第 {update.number} 次），"
        f"受灾 {update.totals['affected_people']} 人")  # fmt: skip
    return process


def _row(rng: random.Random, scale: float) -> dict:
    people = int(800 * scale) + rng.randint(0, 200)
    crops = Decimal(rng.randint(200, 900)) * Decimal(str(scale))
    loss = Decimal(rng.randint(150, 600)) * Decimal(str(scale))
    return {
        "affected_people": people,
        "evacuated": people // 5,
        "relocated": people // 20,
        "relocated_dispersed": people // 20,
        "collapsed_rooms": rng.randint(0, 6),
        "severely_damaged_rooms": rng.randint(2, 12),
        "generally_damaged_rooms": rng.randint(10, 40),
        "crop_affected_ha": crops.quantize(Decimal("0.01")),
        "crop_failed_ha": (crops * Decimal("0.4")).quantize(Decimal("0.01")),
        "crop_lost_ha": (crops * Decimal("0.1")).quantize(Decimal("0.01")),
        "direct_loss_10k_yuan": loss.quantize(Decimal("0.01")),
    }


def history_name() -> str:
    """The name of last July's flood (load_history)."""
    return f"{timezone.localdate().year - 1}年“7·12”强降雨洪涝灾害"


def load_history(*, actor, county: Region, townships: list[Region], seed: int = 42) -> dict[str, int]:
    """Last July's flood, finished: 初报, 续报 and 核报 over four townships, approved returns (demo data)."""
    rng = random.Random(seed + 1600)
    hit = townships[1:5] if len(townships) > 4 else townships
    year = timezone.localdate().year - 1
    started = dt.datetime(year, 7, 12, 3, 40, tzinfo=timezone.get_current_timezone())
    process = objects_bulk_create(
        actor=actor,
        model=DisasterProcess,
        instances=[
            DisasterProcess(
                name=history_name(),
                hazard="flood",
                started_at=started,
                initial_due=started + dt.timedelta(hours=2),
                region=county,
                status=DisasterProcess.Status.FINAL,
                stable_at=started + dt.timedelta(days=3),
                description="7 月 11 日夜间至 12 日凌晨全县普降暴雨，局地大暴雨，多条溪河涨水。",
                synthetic=True,
            )
        ],
    )[0]
    process.regions.set(hit)
    stages = [
        ("initial", started + dt.timedelta(hours=1, minutes=45), 0.5, hit[:2]),
        ("update", started + dt.timedelta(days=1, hours=5), 0.8, hit),
        ("final", started + dt.timedelta(days=5), 1.0, hit),
    ]
    latest: dict[str, dict] = {}
    reports, rows = [], []
    for number, (stage, at, scale, listed) in enumerate(stages, start=1):
        values = {t.code: _row(rng, scale) for t in listed}
        latest.update(values)
        total = indicators.add_rows(latest.values())
        report = DisasterReport(
            process=process, stage=stage, number=number, submitted_at=at, late=False, synthetic=True,
            escalate=services._escalates(total), totals=indicators.as_json(total),
        )  # fmt: skip
        reports.append(report)
        rows.append(values)
    reports = objects_bulk_create(actor=actor, model=DisasterReport, instances=reports)
    row_objects = [
        ReportRow(report=report, region_id=code, **values)
        for report, values in zip(reports, rows, strict=True)
        for code, values in values.items()
    ]
    ReportRow.objects.bulk_create(row_objects)
    returns = objects_bulk_create(
        actor=actor,
        model=TownshipReturn,
        instances=[
            TownshipReturn(process=process, region_id=code, status="approved", synthetic=True, **values)
            for code, values in latest.items()
        ],
    )
    return {"disaster_processes": 1, "disaster_reports": len(reports), "disaster_returns": len(returns)}
