"""Read paths of the statistics shared by pages, API, duty items and the 工作台 (each a fixed number of queries:
nothing here runs a query per process, report or township)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from anlan.core import workdays
from anlan.core.labels import register_actions
from anlan.core.models import AuditEntry

from . import clocks, indicators, workflow
from .models import DamagedHouse, DisasterPhoto, DisasterProcess, DisasterReport, TownshipReturn, Victim, VillageEntry
from .services import latest_rows

register_actions(
    {
        "disaster_process_create": "新建灾害过程",
        "disaster_process_stable": "确认灾情稳定",
        "disaster_report_initial": "报送初报",
        "disaster_report_update": "报送续报",
        "disaster_report_final": "报送核报",
        "disaster_report_correction": "核报更正",
        "disaster_village_entry_create": "村级填报",
        "disaster_village_entry_update": "村级填报修改",
        "disaster_return_save": "乡镇填报",
        "disaster_return_sum_villages": "汇总村级数据",
    }
)


def processes(user, action: str = "view"):
    """The processes `user` may read (or take `action` on), with their townships and reports (for clocks and badges)."""
    return (
        DisasterProcess.objects.restrict(user, action)
        .select_related("region")
        .prefetch_related(
            "regions",
            Prefetch(
                "reports",
                queryset=DisasterReport.objects.only(
                    "id", "process_id", "stage", "number", "submitted_at", "late", "escalate", "zero_report", "totals"
                ).order_by("number"),
            ),
        )
    )


def clock_of(process, now: dt.datetime) -> clocks.Clock | None:
    """The report `process` owes next (its reports prefetched, see `processes`)."""
    return clocks.next_report(
        initial_due=process.initial_due,
        final=process.status == DisasterProcess.Status.FINAL,
        stable_at=process.stable_at,
        submitted=[(r.stage, r.submitted_at) for r in process.reports.all()],
        now=now,
    )


@workdays.remembered()  # the 核报 clocks of all the rows read the holiday calendar once
def with_clocks(queryset, now: dt.datetime) -> list[tuple[DisasterProcess, clocks.Clock | None]]:
    rows = queryset.prefetch_related(
        Prefetch("reports", queryset=DisasterReport.objects.only("id", "process_id", "stage", "submitted_at"))
    )
    return [(process, clock_of(process, now)) for process in rows]


def reports_owed(user, now: dt.datetime | None = None) -> list[tuple[DisasterProcess, clocks.Clock]]:
    """Open processes of `user`'s scope that owe a report now (初报 due or overdue, today's 续报, 核报)."""
    now = now or timezone.now()
    found = with_clocks(DisasterProcess.objects.restrict(user, "view").filter(status=DisasterProcess.Status.OPEN), now)
    return sorted(((p, c) for p, c in found if c is not None), key=lambda pair: pair[1].due)


def reports_owed_count(user) -> int:
    return len(reports_owed(user))


@dataclass
class TownshipFigures:
    code: str
    name: str
    values: dict | None  # the latest reported figures (None: not reported yet)
    report_number: int | None
    ret: TownshipReturn | None
    villages: int  # village entries made


def township_table(process) -> list[TownshipFigures]:
    """Per township of the process: its latest reported figures, its return and the village entries."""
    latest = {row.region_id: row for row in latest_rows(process).select_related("report")}
    returns = {r.region_id: r for r in TownshipReturn.objects.filter(process=process)}
    entries: dict[str, int] = {}
    for code in VillageEntry.objects.filter(process=process).values_list("region_id", flat=True):
        township = code[:9].ljust(12, "0")
        entries[township] = entries.get(township, 0) + 1
    table = []
    for region in process.regions.all().order_by("code"):
        row = latest.get(region.code)
        table.append(
            TownshipFigures(
                region.code,
                region.name,
                indicators.add_rows([row]) if row else None,
                row.report.number if row else None,
                returns.get(region.code),
                entries.get(region.code, 0),
            )
        )
    return table


def grouped(values: dict) -> list[tuple[str, list[tuple[indicators.Indicator, object]]]]:
    """Indicators by group, with their values, for display (groups with no figure left out)."""
    out = []
    for group in indicators.GROUPS:
        items = [(i, values.get(i.name) or 0) for i in indicators.INDICATORS if i.group == group]
        if any(v for _, v in items):
            out.append((group, items))
    return out


def next_action(ret: TownshipReturn | None) -> str:
    if ret is None:
        return "待乡镇填报"
    return {
        workflow.DRAFT: "待乡镇审核",
        workflow.REVIEWED: "待县级审定",
        workflow.APPROVED: "可纳入续报",
        workflow.RETURNED: "待乡镇修改",
    }[ret.status]


def timeline(ret: TownshipReturn) -> list[AuditEntry]:
    """Every recorded step of a return, and of its township's village entries, oldest first."""
    entry_ids = [
        str(pk)
        for pk in VillageEntry.objects.filter(
            process_id=ret.process_id, region__pk__startswith=ret.region_id[:9]
        ).values_list("pk", flat=True)
    ]
    mine = Q(object_type="disasters.townshipreturn", object_id=str(ret.pk))
    villages = Q(object_type="disasters.villageentry", object_id__in=entry_ids)
    return list(AuditEntry.objects.filter(mine | villages).order_by("created_at", "pk"))


# ---------------------------------------------------------------- registers, exports and completeness


def township_figures(process) -> dict[str, dict]:
    """{township code: {indicator: value}}: the row of the latest report listing each township
    (services.latest_rows, the one definition of CONTRACT "totals"), one query."""
    return {
        row["region_id"]: {name: row[name] for name in indicators.NAMES}
        for row in latest_rows(process).values("region_id", *indicators.NAMES)
    }


def victims_by_outcome(process) -> dict[str, int]:
    """{"dead": n, "missing": n} registered for the process (every row, whoever reads: a check, not a list)."""
    counts = dict(Victim.objects.filter(process=process).values_list("outcome").annotate(n=Count("pk")))
    return {outcome: counts.get(outcome, 0) for outcome in Victim.Outcome.values}


def houses_by_degree(process, *, township: str | None = None) -> dict[str, dict]:
    """{degree: {"rooms": n, "households": n}} of the housing register (optionally one township's)."""
    qs = DamagedHouse.objects.filter(process=process)
    if township:
        qs = qs.filter(region__pk__startswith=township[:9])
    sums = {
        degree: {"rooms": rooms or 0, "households": households}
        for degree, rooms, households in qs.values_list("degree").annotate(Sum("rooms"), Count("pk"))
    }
    return {degree: sums.get(degree, {"rooms": 0, "households": 0}) for degree in DamagedHouse.Degree.values}


def photo_count(process) -> int:
    return DisasterPhoto.objects.filter(process=process).count()
