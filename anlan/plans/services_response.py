"""A plan's response table (分段分级分层分类): adding, changing and removing its rows (audited, one transaction
each), and its Excel export and import.

Who edits: RESPONSE_TABLE_WRITERS — the county any plan of its county, a township only the plans owned by
its own township (or its villages); never an enterprise's plan. A row answers either an incident response
level (事件响应) or a warning kind and colour (预警响应) and names its assignee (a department, every
township or every village in the warning's area, a rescue team), the audience whose measures its task
carries, and a time limit in hours.

The audiences and warning kinds are the alerts app's (its templates' 分对象防御措施 keys, its templates'
events); plans sits below alerts, so alerts hands them down at its `ready()` (`register_vocabulary`).
"""

import io
from collections.abc import Callable

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from anlan.core.audit import audit_record, snapshot
from anlan.core.excel import ImportRejected, RowError, check_upload, table_workbook
from anlan.core.regioncodes import region_prefix
from anlan.core.roles import COUNTY_ROLES
from anlan.core.services import object_create, object_delete, object_update
from anlan.registry.models import Department
from anlan.resources.models import RescueTeam

from .models import RESPONSE_CHOICES, RESPONSE_TABLE_WRITERS, WARNING_LEVEL_CHOICES, Plan, PlanAction

ROW_FIELDS = (
    *("trigger", "level", "warning_event", "warning_level", "title", "assignee_kind", "department", "team"),
    *("audience", "hours", "order"),
)

_AUDIENCES: list[tuple[str, str]] = []
_EVENTS: list[Callable[[], list[str]]] = []


def register_vocabulary(*, audiences: list[tuple[str, str]], events: Callable[[], list[str]]) -> None:
    """Called by alerts at ready(): the audience keys of its measures and the warning kinds it issues."""
    _AUDIENCES[:] = list(audiences)
    _EVENTS[:] = [events]


def audiences() -> list[tuple[str, str]]:
    return list(_AUDIENCES)


def audience_label(key: str) -> str:
    return dict(_AUDIENCES).get(key, key) if key else "—"


def warning_events() -> list[str]:
    return _EVENTS[0]() if _EVENTS else []


# ---------------------------------------------------------------- who may edit


def can_edit(user, plan: Plan) -> bool:
    """The county edits every plan of its county; a township the plans it owns; nobody an enterprise's."""
    if plan.enterprise_id or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if user.role not in RESPONSE_TABLE_WRITERS or not user.region_id:
        return False
    if user.role in COUNTY_ROLES:
        return plan.region_id.startswith(user.region_id[:6])
    return plan.region_id.startswith(region_prefix(user.region_id))


def _require(actor, plan: Plan) -> None:
    if actor is not None and not isinstance(actor, str) and not can_edit(actor, plan):
        raise PermissionDenied("您不能修改该预案的响应表（乡镇只能修改本乡镇的预案）")


def _check_row(row: PlanAction) -> None:
    """Rules beyond the model's own clean(): the assignee's unit must be the plan's county's, the audience
    one the warning templates know, and a row carries only the fields of its trigger and assignee."""
    errors = {}
    county = row.plan.region_id[:6]
    if row.department_id and not Department.objects.filter(pk=row.department_id, code__startswith=county).exists():
        errors["department"] = "请选择本县的部门"
    if row.team_id and not RescueTeam.objects.filter(pk=row.team_id, region__pk__startswith=county).exists():
        errors["team"] = "请选择本县的救援队伍"
    if row.audience and _AUDIENCES and row.audience not in dict(_AUDIENCES):
        errors["audience"] = "对象应为预警模板中的措施对象之一"
    if errors:
        raise ValidationError(errors)
    if row.trigger == PlanAction.Trigger.RESPONSE:
        row.warning_event, row.warning_level = "", ""
    else:
        row.level, row.warning_event = "", row.warning_event.strip()
    if row.assignee_kind != PlanAction.Assignee.DEPARTMENT:
        row.department = None
    if row.assignee_kind != PlanAction.Assignee.TEAM:
        row.team = None
    row.title = row.title.strip()
    row.full_clean()


# ---------------------------------------------------------------- writing rows


def _next_order(plan: Plan) -> int:
    last = plan.actions.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def row_add(*, actor, plan: Plan, **fields) -> PlanAction:
    """Add a row to the plan's response table (last unless `order` is given)."""
    _require(actor, plan)
    unknown = sorted(set(fields) - set(ROW_FIELDS))
    if unknown:
        raise ValidationError({unknown[0]: "不能设置此项"})
    if fields.get("order") is None:
        fields["order"] = _next_order(plan)
    row = PlanAction(plan=plan, **fields)
    _check_row(row)
    return object_create(actor=actor, instance=row)


@transaction.atomic
def row_update(*, actor, row: PlanAction, **changes) -> PlanAction:
    """Change a row (not the plan it belongs to); the audit entry lists what changed."""
    row = PlanAction.objects.select_for_update().select_related("plan").get(pk=row.pk)
    _require(actor, row.plan)
    unknown = sorted(set(changes) - set(ROW_FIELDS))
    if unknown:
        raise ValidationError({unknown[0]: "不能修改此项"})
    before = snapshot(row)
    for name, value in changes.items():
        setattr(row, name, value)
    _check_row(row)
    return object_update(actor=actor, instance=row, before=before)


@transaction.atomic
def row_delete(*, actor, row: PlanAction) -> None:
    """Remove a row. Tasks it already created keep their title and measures (their link becomes empty)."""
    row = PlanAction.objects.select_related("plan").get(pk=row.pk)
    _require(actor, row.plan)
    object_delete(actor=actor, instance=row)


# ---------------------------------------------------------------- grouping for the page


def grouped(plan: Plan) -> dict[str, list]:
    """The rows as the page shows them: warning rows by kind, then colour (蓝 → 红); response rows by level
    (Ⅳ → Ⅰ). {"warning": [(event, [(colour label, [rows])])], "response": [(level label, [rows])]}"""
    rows = list(plan.actions.select_related("department", "team").order_by("order", "id"))
    colours = [c for c, _ in WARNING_LEVEL_CHOICES]
    levels = [c for c, _ in RESPONSE_CHOICES]
    by_event: dict[str, dict[str, list]] = {}
    by_level: dict[str, list] = {}
    for row in rows:
        row.assignee_name, row.audience_name = assignee_text(row), audience_label(row.audience)
        if row.trigger == PlanAction.Trigger.WARNING:
            by_event.setdefault(row.warning_event, {}).setdefault(row.warning_level, []).append(row)
        else:
            by_level.setdefault(row.level, []).append(row)
    warning = [
        (
            event,
            [(dict(WARNING_LEVEL_CHOICES)[c], c, by_event[event][c]) for c in colours if c in by_event[event]],
        )
        for event in by_event  # in table order: the first row of each kind decides where the kind stands
    ]
    response = [(dict(RESPONSE_CHOICES)[lv], by_level[lv]) for lv in levels if lv in by_level]
    return {"warning": warning, "response": response}


def assignee_text(row: PlanAction) -> str:
    if row.assignee_kind == PlanAction.Assignee.DEPARTMENT:
        return row.department.name if row.department_id else "（指挥部）"
    if row.assignee_kind == PlanAction.Assignee.TEAM:
        return row.team.name if row.team_id else "救援队伍"
    return row.get_assignee_kind_display()  # every township / village in the area


# ---------------------------------------------------------------- Excel


HEADERS = [
    *("ID", "启动条件", "启动级别", "预警种类", "预警级别", "措施", "责任主体", "责任部门", "救援队伍"),
    *("对象", "完成时限（小时）", "顺序"),
]


def export_table(plan: Plan) -> bytes:
    """The table as one sheet, in the columns the import reads back."""
    rows = [
        [
            row.pk,
            row.get_trigger_display(),
            row.get_level_display() if row.level else "",
            row.warning_event,
            row.get_warning_level_display() if row.warning_level else "",
            row.title,
            row.get_assignee_kind_display(),
            row.department.name if row.department_id else "",
            row.team.name if row.team_id else "",
            audience_label(row.audience) if row.audience else "",
            row.hours if row.hours is not None else "",
            row.order,
        ]
        for row in plan.actions.select_related("department", "team").order_by("order", "id")
    ]
    return table_workbook(f"{plan.name}响应表"[:31], HEADERS, rows)


def _by_label(choices) -> dict[str, str]:
    return {label: value for value, label in choices} | {value: value for value, _ in choices}


@transaction.atomic
def import_table(*, actor, plan: Plan, upload) -> dict[str, int]:
    """Read an exported (or filled-in) sheet: a row with the ID of one of this plan's rows changes it, a row
    without ID adds one. Every row is checked first; any error rejects the whole file (nothing written),
    naming the row and column."""
    _require(actor, plan)
    check_upload(upload)
    try:
        sheet = openpyxl.load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=True).active
    except Exception:  # a damaged file is the user's to fix, not a server error
        raise ImportRejected([RowError(0, "文件", "无法读取该 Excel 文件")]) from None
    lines = list(sheet.iter_rows(values_only=True))
    if not lines or [str(h or "").strip() for h in lines[0][: len(HEADERS)]] != HEADERS:
        raise ImportRejected([RowError(1, "表头", "表头应与导出的响应表一致：" + "、".join(HEADERS))])
    county = plan.region_id[:6]
    departments = {d.name: d.pk for d in Department.objects.filter(code__startswith=county)}
    teams = {t.name: t.pk for t in RescueTeam.objects.filter(region__pk__startswith=county)}
    existing = {r.pk: r for r in plan.actions.all()}
    maps = {
        "trigger": _by_label(PlanAction.Trigger.choices),
        "level": _by_label(RESPONSE_CHOICES),
        "warning_level": _by_label(WARNING_LEVEL_CHOICES),
        "assignee_kind": _by_label(PlanAction.Assignee.choices),
        "audience": _by_label(_AUDIENCES),
    }
    errors, parsed = [], []
    for number, line in enumerate(lines[1:], start=2):
        cells = [("" if v is None else str(v).strip()) for v in (list(line) + [None] * len(HEADERS))[: len(HEADERS)]]
        if not any(cells):
            continue
        pk, trigger, level, event, colour, title, kind, dept, team, audience, hours, order = cells
        values = {"warning_event": event, "title": title}
        for field, text, header in (
            ("trigger", trigger, "启动条件"),
            ("level", level, "启动级别"),
            ("warning_level", colour, "预警级别"),
            ("assignee_kind", kind or "责任部门", "责任主体"),
            ("audience", audience, "对象"),
        ):
            if text and text not in maps[field]:
                errors.append(RowError(number, header, f"无法识别“{text}”"))
            values[field] = maps[field].get(text, "")
        values["department_id"] = departments.get(dept) if dept else None
        if dept and values["department_id"] is None:
            errors.append(RowError(number, "责任部门", f"本县没有部门“{dept}”"))
        values["team_id"] = teams.get(team) if team else None
        if team and values["team_id"] is None:
            errors.append(RowError(number, "救援队伍", f"本县没有救援队伍“{team}”"))
        for field, text, header in (("hours", hours, "完成时限（小时）"), ("order", order, "顺序")):
            number_value = text.removesuffix(".0")
            if text and not number_value.isdigit():
                errors.append(RowError(number, header, "应为整数"))
            values[field] = int(number_value) if number_value.isdigit() else None
        row_id = int(pk.removesuffix(".0")) if pk.removesuffix(".0").isdigit() else None
        if pk and row_id not in existing:
            errors.append(RowError(number, "ID", "不是本预案响应表中的行；新增请留空"))
        parsed.append((number, row_id, values))
    if errors:
        raise ImportRejected(errors)
    added = changed = 0
    next_order = _next_order(plan)
    for number, row_id, values in parsed:
        row = existing[row_id] if row_id else PlanAction(plan=plan)
        before = snapshot(row) if row_id else None
        for name, value in values.items():
            if name == "order" and value is None:
                value = row.order if row_id else next_order
            setattr(row, name, value)
        if not row_id:
            next_order = max(next_order, row.order) + 1
        try:
            _check_row(row)
        except ValidationError as exc:
            messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            errors += [RowError(number, _header_of(f), "；".join(m)) for f, m in messages.items()]
            continue
        if row_id:
            object_update(actor=actor, instance=row, before=before)
            changed += 1
        else:
            object_create(actor=actor, instance=row)
            added += 1
    if errors:
        transaction.set_rollback(True)
        raise ImportRejected(errors)
    audit_record(action="response_table_import", obj=plan, actor=actor, after={"added": added, "changed": changed})
    return {"added": added, "changed": changed}


def _header_of(field: str) -> str:
    try:
        return str(PlanAction._meta.get_field(field).verbose_name)
    except Exception:  # a non-field error names the row as a whole
        return "整行"
