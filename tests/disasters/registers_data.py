"""Data the register tests build: a process over two townships of the demo county, reports with
township rows (as the stats services would store them), register rows with valid ID numbers."""

import datetime as dt
import itertools

from django.utils import timezone

from anlan.core.validators import id_number_check_char
from anlan.disasters.indicators import as_json, parse_row
from anlan.disasters.models import DamagedHouse, DisasterProcess, DisasterReport, ReportRow, Victim
from anlan.disasters.services import totals as current_totals

_serial = itertools.count(1)


def id_number(birth: str = "19800101") -> str:
    first17 = f"500237{birth}{next(_serial) % 1000:03d}"
    return first17 + id_number_check_char(first17)


def make_process(tree, *, name="测试暴雨洪涝", response_started=False, days_ago=3) -> DisasterProcess:
    started = timezone.now() - dt.timedelta(days=days_ago)
    process = DisasterProcess.objects.create(
        name=name,
        hazard="flood",
        started_at=started,
        initial_due=started + dt.timedelta(hours=2),
        region=tree.county,
        response_started=response_started,
    )
    process.regions.set([tree.township, tree.other_township])
    return process


def add_report(process, rows: dict, *, stage="update", at=None) -> DisasterReport:
    """A report listing the townships of `rows` ({region: {indicator: value}}), with its totals snapshot."""
    number = process.reports.count() + 1
    report = DisasterReport.objects.create(
        process=process, stage=stage, number=number, submitted_at=at or timezone.now(), totals={}
    )
    for region, raw in rows.items():
        values, errors = parse_row(raw)
        assert not errors, errors
        ReportRow.objects.create(report=report, region=region, **values)
    report.totals = as_json(current_totals(process))
    report.save(update_fields=["totals"])
    return report


def add_victim(process, region, *, name="张三明", outcome="dead", **extra) -> Victim:
    return Victim.objects.create(
        process=process,
        region=region,
        name=name,
        id_number=extra.pop("id_number", id_number()),
        outcome=outcome,
        occurred_on=timezone.localdate(),
        place="后山坡",
        cause="山洪冲走",
        **extra,
    )


def add_house(process, region, *, degree="collapsed", rooms=3, head_name="李四海", **extra) -> DamagedHouse:
    return DamagedHouse.objects.create(
        process=process,
        region=region,
        head_name=head_name,
        head_id_number=extra.pop("head_id_number", id_number("19650505")),
        phone=extra.pop("phone", "19900001234"),
        address="一组 12 号",
        members=4,
        degree=degree,
        rooms=rooms,
        **extra,
    )
