"""灾情统计报送: disaster processes, the county's reports (初报/续报/核报 and corrections), township returns
and village entries. Every write is atomic and audited; every figure goes through indicators.parse_row,
so the API, the forms and the phone entries refuse exactly the same rows.

CONTRACT.md "Disaster statistics": a report carries the current cumulative figures of the townships it
lists; the process's totals are, per township, the figures of the latest report listing it, summed.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from anlan.core.audit import audit_changes, audit_record, snapshot
from anlan.core.errors import DomainError, NotAllowed, NotFound
from anlan.core.regioncodes import county_of, region_prefix, township_of
from anlan.core.roles import COUNTY_ROLES, LOCAL_REGISTRY_ROLES, Role
from anlan.core.scoping import region_in_scope
from anlan.geo.models import Region, RegionLevel

from . import indicators, workflow
from .models import (
    DisasterProcess,
    DisasterReport,
    Hazard,
    ReportRow,
    TownshipReturn,
    VillageEntry,
)
from .models.statistics import INITIAL_REPORT_WITHIN

log = logging.getLogger(__name__)

Stage = DisasterReport.Stage
# CONTRACT: deaths + missing ≥ 10 → the county reports to the province and the ministry at once (§4.3).
ESCALATE_AT = 10
ESCALATE_TEXT = "死亡失踪≥10人，须同时报省厅和应急管理部"
# A clock a few minutes fast on the reporter's side is not a disaster in the future.
FUTURE_SKEW = dt.timedelta(minutes=10)


class RowErrors(DomainError):
    """Bad rows of a report: {row index (str): {field: message}}; `message` names the first one
    ("第 1 行（某镇）因灾死亡人口：不能为负数")."""

    def __init__(self, rows: dict[str, dict[str, str]], labels: dict[str, str] | None = None):
        self.rows = rows
        index, fields = next(iter(rows.items()))
        text = next(iter(fields.values()))
        where = f"（{labels[index]}）" if labels and labels.get(index) else ""
        super().__init__("disaster.row_invalid", f"第 {int(index) + 1} 行{where}{text}", field="rows")


class FigureErrors(DomainError):
    """Bad figures of one township return or village entry: {field: message}."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        field, text = next(iter(errors.items()))
        super().__init__("disaster.figures_invalid", text, field=field)


# ---------------------------------------------------------------- reading


def latest_rows(process):
    """Per township, the row of the latest report (highest number) that lists it: one query."""
    newest = (
        ReportRow.objects.filter(report__process_id=OuterRef("report__process_id"), region_id=OuterRef("region_id"))
        .order_by("-report__number")
        .values("pk")[:1]
    )
    return ReportRow.objects.filter(report__process=process, pk=Subquery(newest)).order_by("region_id")


def totals(process) -> dict:
    """The process's figures: the latest row of each township, summed (every indicator, 0 when none)."""
    return indicators.add_rows(latest_rows(process).values(*indicators.NAMES))


def _escalates(values: dict) -> bool:
    return (values.get("deaths") or 0) + (values.get("missing") or 0) >= ESCALATE_AT


# ---------------------------------------------------------------- processes


def _county_roles_only(actor, what: str) -> None:
    if not (actor.is_superuser or getattr(actor, "role", "") in COUNTY_ROLES):
        raise NotAllowed("disaster.county_only", f"{what}须由县级应急管理部门办理")


def process_townships(actor, codes) -> list[Region]:
    """The townships a process may name: townships of the actor's county, in the actor's scope."""
    if not isinstance(codes, list | tuple) or not codes:
        raise DomainError("disaster.regions_required", "请选择至少一个受灾乡镇（街道）", field="regions")
    codes = list(dict.fromkeys(str(c) for c in codes))
    found = {r.code: r for r in Region.objects.filter(code__in=codes, level=RegionLevel.TOWNSHIP)}
    county = county_of(actor.region_id) if getattr(actor, "region_id", None) else county_of(codes[0])
    for code in codes:
        region = found.get(code)
        if region is None or region.parent_id != county or not region_in_scope(actor, code):
            raise DomainError("disaster.region_outside", f"“{code}”不是本县（区）管辖的乡镇（街道）", field="regions")
    return [found[c] for c in codes]


@transaction.atomic
def create_process(
    *,
    actor,
    name: str,
    hazard: str,
    started_at: dt.datetime,
    regions,
    description: str = "",
    response_started: bool = False,
    incidents=(),
    warnings=(),
) -> DisasterProcess:
    """A new disaster process of the actor's county; its 初报 is due 2 hours after `started_at`."""
    _county_roles_only(actor, "新建灾害过程")
    name = (name or "").strip()
    if not name:
        raise DomainError("disaster.name_required", "请填写灾害过程名称", field="name")
    if hazard not in Hazard.values:
        raise DomainError("disaster.hazard_invalid", f"未知灾种“{hazard}”", field="hazard")
    if started_at is None or timezone.is_naive(started_at):
        raise DomainError("disaster.started_at_required", "请填写灾害发生时间（含时区）", field="started_at")
    if started_at > timezone.now() + FUTURE_SKEW:
        raise DomainError("disaster.started_in_future", "灾害发生时间不能晚于当前时间", field="started_at")
    townships = process_townships(actor, regions)
    county = Region.objects.get(code=county_of(townships[0].code))
    process = DisasterProcess.objects.create(
        name=name[:200],
        hazard=hazard,
        started_at=started_at,
        initial_due=started_at + INITIAL_REPORT_WITHIN,
        region=county,
        description=description,
        response_started=response_started,
        created_by=actor,
    )
    process.regions.set(townships)
    if incidents:
        process.incidents.set(incidents)
    if warnings:
        process.warnings.set(warnings)
    audit_record(action="disaster_process_create", obj=process, actor=actor, after=snapshot(process, with_m2m=True))
    return process


@transaction.atomic
def mark_stable(*, actor, process: DisasterProcess, at: dt.datetime | None = None) -> DisasterProcess:
    """灾情稳定: the daily 续报 stop being owed and the 核报 clock starts."""
    _county_roles_only(actor, "确认灾情稳定")
    process = _locked(process)
    if process.status == DisasterProcess.Status.FINAL:
        raise DomainError("disaster.already_final", "该灾害过程已核报")
    if not process.reports.filter(stage=Stage.INITIAL).exists():
        raise DomainError("disaster.no_initial", "尚未报送初报，不能确认灾情稳定")
    process.stable_at = at or timezone.now()
    process.save(update_fields=["stable_at", "updated_at"])
    audit_record(action="disaster_process_stable", obj=process, actor=actor, after={"stable_at": process.stable_at})
    return process


def _locked(process: DisasterProcess) -> DisasterProcess:
    # One report at a time per process: numbering, "only one initial" and the status read the same state.
    return DisasterProcess.objects.select_for_update().get(pk=process.pk)


# ---------------------------------------------------------------- reports


def _township_names(process) -> dict[str, str]:
    return dict(process.regions.values_list("code", "name"))


def parse_rows(process, rows, names: dict[str, str] | None = None) -> dict[str, dict]:
    """Rows of a report as {township code: values}; RowErrors naming the row and the field, else."""
    if not isinstance(rows, list | tuple):
        raise DomainError("disaster.rows_invalid", "rows 应为数组（每个乡镇一行）", field="rows")
    names = names if names is not None else _township_names(process)
    parsed: dict[str, dict] = {}
    errors: dict[str, dict[str, str]] = {}
    labels: dict[str, str] = {}
    for index, raw in enumerate(rows):
        key = str(index)
        if not isinstance(raw, dict):
            errors[key] = {"region": '每行应为一个对象：{"region": 乡镇代码, 指标: 数值…}'}
            continue
        region = str(raw.get("region") or "").strip()
        labels[key] = names.get(region, "")
        if not region:
            errors[key] = {"region": "请填写乡镇（街道）代码"}
        elif region not in names:
            errors[key] = {"region": f"“{region}”不是本次灾害过程的受灾乡镇（街道）"}
        elif region in parsed:
            errors[key] = {"region": f"{names[region]}在本次报送中重复出现"}
        unknown = sorted(set(raw) - {"region", *indicators.NAMES})
        if unknown and key not in errors:
            errors[key] = {unknown[0]: f"未知指标“{unknown[0]}”"}
        values, field_errors = indicators.parse_row(raw)
        if field_errors and key not in errors:
            errors[key] = field_errors
        if key not in errors:
            parsed[region] = values
    if errors:
        raise RowErrors(errors, labels)
    return parsed


def _check_stage(process, stage: str, stages_so_far: set[str]) -> None:
    if stage not in {Stage.INITIAL, Stage.UPDATE, Stage.FINAL}:
        raise DomainError("disaster.stage_invalid", "报送阶段应为 initial（初报）、update（续报）或 final（核报）",
                          field="stage")  # fmt: skip
    if process.status == DisasterProcess.Status.FINAL or Stage.FINAL in stages_so_far:
        raise DomainError("disaster.after_final", "该灾害过程已核报，不能再报送；数据有误请提交核报更正", field="stage")
    if not stages_so_far and stage != Stage.INITIAL:
        raise DomainError("disaster.initial_first", "首次报送应为初报", field="stage")
    if stages_so_far and stage == Stage.INITIAL:
        raise DomainError("disaster.initial_twice", "该灾害过程已有初报，后续请报送续报或核报", field="stage")


@transaction.atomic
def submit_report(*, actor, process: DisasterProcess, stage: str, rows, now: dt.datetime | None = None):
    """The county's 初报, 续报 or 核报 (CONTRACT): each row the cumulative figures of one township.

    A bad row, a township outside the process or listed twice, a stage out of order: a DomainError and
    nothing is stored. Returns the report with `late`, `escalate`, `zero_report` and the totals after it."""
    _county_roles_only(actor, "灾情报送")
    caller, process = process, _locked(process)
    _check_stage(process, stage, set(process.reports.values_list("stage", flat=True)))
    parsed = parse_rows(process, rows)
    if stage == Stage.INITIAL and not parsed:
        raise DomainError("disaster.initial_empty", "初报应至少填报一个乡镇（街道）的数据", field="rows")
    return _file(actor, caller, process, stage, parsed, now=now)


@transaction.atomic
def correct_report(*, actor, process: DisasterProcess, rows, reason: str, now: dt.datetime | None = None):
    """核报更正: after the 核报 the figures are locked; a correction is a new recorded version, with its reason,
    and becomes the latest figures of the townships it lists."""
    _county_roles_only(actor, "核报更正")
    caller, process = process, _locked(process)
    if process.status != DisasterProcess.Status.FINAL:
        raise DomainError("disaster.correction_before_final", "核报之前请直接报送续报或核报，无需更正")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("disaster.reason_required", "请填写更正原因", field="reason")
    parsed = parse_rows(process, rows)
    if not parsed:
        raise DomainError("disaster.correction_empty", "请至少填报一个需更正的乡镇（街道）", field="rows")
    return _file(actor, caller, process, Stage.CORRECTION, parsed, now=now, reason=reason)


def _file(actor, caller, process, stage: str, parsed: dict[str, dict], *, now=None, reason="") -> DisasterReport:
    now = now or timezone.now()
    before = {row.region_id: row for row in latest_rows(process)}
    unchanged = all(
        code in before and all(getattr(before[code], n) == v for n, v in values.items())
        for code, values in parsed.items()
    )
    after = {code: indicators.add_rows([row]) for code, row in before.items()}
    after.update(parsed)
    total = indicators.add_rows(after.values())
    number = (process.reports.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    already_escalated = process.reports.filter(escalate=True).exists()
    report = DisasterReport.objects.create(
        process=process,
        stage=stage,
        number=number,
        submitted_at=now,
        submitted_by=actor,
        late=stage == Stage.INITIAL and now > process.initial_due,
        escalate=_escalates(total),
        zero_report=stage == Stage.UPDATE and unchanged,
        reason=reason,
        totals=indicators.as_json(total),
    )
    ReportRow.objects.bulk_create(ReportRow(report=report, region_id=code, **values) for code, values in parsed.items())
    if stage == Stage.FINAL:
        process.status = DisasterProcess.Status.FINAL
        process.stable_at = process.stable_at or now
        process.save(update_fields=["status", "stable_at", "updated_at"])
        caller.status, caller.stable_at = process.status, process.stable_at
    audit_record(
        action=f"disaster_report_{stage}",
        obj=report,
        actor=actor,
        after={
            "stage": stage,
            "number": number,
            "late": report.late,
            "escalate": report.escalate,
            "zero_report": report.zero_report,
            "reason": reason,
            "rows": {code: _nonzero(values) for code, values in parsed.items()},
        },
    )
    if report.escalate and not already_escalated:
        _tell_desk_of_escalation(process, total)
    return report


def _nonzero(values: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items() if v}


def _tell_desk_of_escalation(process, total: dict) -> None:
    from anlan.duty.routing import route_to_desks

    people = total["deaths"] + total["missing"]
    route_to_desks(
        process.region_id,
        title=f"{process.name}：死亡失踪 {people} 人，须同时报省厅和应急管理部",
        body=f"{ESCALATE_TEXT}（2 小时内）。",
        link=reverse("disasters:process_detail", kwargs={"pk": process.pk}),
        level="red",
        sms=True,
        dedupe_key=f"disaster:{process.pk}:escalate",
    )


# ---------------------------------------------------------------- township returns and village entries


def _open_process(process) -> None:
    # Read afresh: the caller's instance may predate the 核报 (figures lock from that moment).
    if not DisasterProcess.objects.filter(pk=process.pk, status=DisasterProcess.Status.OPEN).exists():
        raise DomainError("disaster.locked", "该灾害过程已核报，数据已锁定")


def _township_of_process(process, township_code: str) -> None:
    if not process.regions.filter(code=township_code).exists():
        raise NotFound("disaster.township_not_hit", "该乡镇（街道）不在本次灾害过程的受灾范围内")


def _figures(raw: dict) -> dict:
    values, errors = indicators.parse_row(raw)
    if errors:
        raise FigureErrors(errors)
    return values


@transaction.atomic
def village_entry_save(*, actor, process, village: Region, raw: dict, note: str = "") -> VillageEntry:
    """A village's figures, entered by its 灾害信息员 (or the township for it); the township sums them."""
    if not (actor.is_superuser or actor.role in VillageEntry.write_roles) or not region_in_scope(actor, village.code):
        raise NotAllowed("disaster.village_not_yours", "只能填报本人负责的村（社区）")
    if village.level != RegionLevel.VILLAGE:
        raise DomainError("disaster.not_village", "村级填报应选择村（社区）", field="region")
    _open_process(process)
    _township_of_process(process, township_of(village.code))
    values = _figures(raw)
    entry = VillageEntry.objects.filter(process=process, region=village).first()
    created = entry is None
    entry = entry or VillageEntry(process=process, region=village)
    before = {} if created else snapshot(entry)
    for name, value in values.items():
        setattr(entry, name, value)
    entry.note, entry.entered_by = note, actor
    entry.save()
    if created:
        audit_record(action="disaster_village_entry_create", obj=entry, actor=actor, after=snapshot(entry))
    else:
        audit_changes(action="disaster_village_entry_update", obj=entry, actor=actor, before=before,
                      after=snapshot(entry))  # fmt: skip
    return entry


def _may_keep_return(actor, township_code: str) -> None:
    if not (actor.is_superuser or actor.role in LOCAL_REGISTRY_ROLES) or not region_in_scope(actor, township_code):
        raise NotAllowed("disaster.return_not_yours", "只能填报本乡镇（街道）的灾情")


@transaction.atomic
def return_save(*, actor, process, township: Region, raw: dict, from_villages: bool = False) -> TownshipReturn:
    """The township's cumulative figures, entered directly (or summed from its villages). New figures of a
    reviewed or approved return put it back to 填报中: changed figures are reviewed again."""
    _may_keep_return(actor, township.code)
    _open_process(process)
    _township_of_process(process, township.code)
    values = _figures(raw)
    ret = TownshipReturn.objects.filter(process=process, region=township).first()
    created = ret is None
    ret = ret or TownshipReturn(process=process, region=township)
    before = {} if created else snapshot(ret)
    changed = created or any(getattr(ret, n) != v for n, v in values.items())
    for name, value in values.items():
        setattr(ret, name, value)
    ret.from_villages = from_villages
    if changed:
        ret.status = workflow.DRAFT
    ret.save()
    action = "disaster_return_sum_villages" if from_villages else "disaster_return_save"
    if created:
        audit_record(action=action, obj=ret, actor=actor, after=snapshot(ret))
    else:
        audit_changes(action=action, obj=ret, actor=actor, before=before, after=snapshot(ret), even_if_unchanged=True)
    return ret


def village_totals(process, township_code: str) -> tuple[dict, int]:
    """The sum of the township's village entries and how many villages entered."""
    rows = list(
        VillageEntry.objects.filter(process=process, region__pk__startswith=region_prefix(township_code)).values(
            *indicators.NAMES
        )
    )
    return indicators.add_rows(rows), len(rows)


def return_sum_villages(*, actor, process, township: Region) -> TownshipReturn:
    """汇总村级数据: the township's return becomes the sum of its villages' entries."""
    values, count = village_totals(process, township.code)
    if not count:
        raise DomainError("disaster.no_village_entries", "本乡镇（街道）尚无村级填报数据")
    return return_save(actor=actor, process=process, township=township, raw=values, from_villages=True)


@transaction.atomic
def return_step(*, actor, ret: TownshipReturn, action: str, comment: str = "") -> TownshipReturn:
    """乡镇审核 (review), 县级审定 (approve) or 退回 (send_back, with a comment) — core.workflow table."""
    if not TownshipReturn.objects.restrict(actor, "change").filter(pk=ret.pk).exists():
        raise NotFound("disaster.return_not_found", "未找到该乡镇灾情填报")
    ret = TownshipReturn.objects.select_for_update().get(pk=ret.pk)
    _open_process(ret.process)
    before = snapshot(ret)
    workflow.FLOW.apply(actor, ret, action, comment=comment)
    now = timezone.now()
    if action == "review":
        ret.reviewed_by, ret.reviewed_at = actor, now
    elif action == "approve":
        ret.approved_by, ret.approved_at = actor, now
    ret.comment = (comment or "").strip()
    ret.save()
    audit_changes(action=f"disaster_return_{action}", obj=ret, actor=actor, before=before, after=snapshot(ret),
                  even_if_unchanged=True)  # fmt: skip
    if action == "send_back":
        _tell_township_of_send_back(ret)
    return ret


def _tell_township_of_send_back(ret: TownshipReturn) -> None:
    from anlan.accounts.models import User
    from anlan.inbox.models import Notification
    from anlan.inbox.services import Message, notify

    officers = User.objects.filter(region_id=ret.region_id, role=Role.TOWNSHIP_OPERATOR, is_active=True)
    notify(
        officers,
        Message(
            category=Notification.Category.TASK,
            title=f"{ret.process.name}：{ret.region.name}灾情数据被退回",
            body=ret.comment,
            link=reverse("disasters:return_detail", kwargs={"pk": ret.pk}),
            dedupe_key=f"disaster-return:{ret.pk}:{timezone.now():%Y%m%d%H%M%S}",
        ),
    )


def compile_rows(process) -> list[dict]:
    """生成续报: the rows of the county's next report from the approved township returns (JSON-ready)."""
    approved = TownshipReturn.objects.filter(process=process, status=workflow.APPROVED).order_by("region_id")
    return [{"region": ret.region_id, **indicators.as_json(indicators.add_rows([ret]))} for ret in approved]


# ---------------------------------------------------------------- reminders


def remind_reports(now: dt.datetime | None = None) -> int:
    """Periodic job: tell the county desk on duty of each open process whose 初报, today's 续报 or 核报 is
    overdue (once per process and clock: the routing's dedupe key). Returns the reminders routed."""
    from anlan.duty.routing import route_to_desks

    from . import selectors

    now = now or timezone.now()
    told = 0
    for process, clock in selectors.with_clocks(
        DisasterProcess.objects.filter(status=DisasterProcess.Status.OPEN), now
    ):
        if clock is None or not clock.overdue(now):
            continue
        route_to_desks(
            process.region_id,
            title=f"{process.name}：{clock.label}已逾期（时限 {timezone.localtime(clock.due):%m-%d %H:%M}）",
            link=reverse("disasters:process_detail", kwargs={"pk": process.pk}),
            dedupe_key=f"disaster:{process.pk}:{clock.key}",
        )
        told += 1
    return told
