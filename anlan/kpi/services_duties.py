"""职责清单 / 年度工作清单 and the public 公示 of responsible persons.

Lists: a department's (its operator) or a township's (its operator) own, the county all (DutyList.write_roles
with `restrict(actor, "change")` re-checked here). Items are added, changed, deleted one by one or imported from
Excel — the whole file or nothing, with a row-by-row error report. Publishing sets the 公布日期.

公示: the registry's persons holding a duty role (三个责任人, 群测群防员, 网格员 …) per village of a township, and
each hazard site's responsible persons; names, posts, duties and MASKED phones only (core.masking), never an ID
number. Read-only, no login.
"""

import datetime as dt
import io

import openpyxl
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from anlan.core.audit import audit_bulk_create, audit_changes, snapshot
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.excel import ImportRejected, RowError, check_upload
from anlan.core.masking import mask_phone
from anlan.core.roles import COUNTY_ROLES, Role, role_allows
from anlan.core.services import object_create, object_delete, object_update
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import DutyRole, Person
from anlan.sites.models import HazardSite

from .models import DutyList, DutyListItem

MAX_IMPORT_ROWS = 500
IMPORT_HEADERS = ["事项", "依据", "完成时限"]


# ---------------------------------------------------------------- lists


def readable(actor):
    """The lists the actor reads: its own scope (restrict: the county all, a unit its own, drafts included) and,
    once published, every unit's lists in the actor's county — the seeds' 职责清单/工作清单 are public inside
    the county. Never another unit's draft; an enterprise user reads none (it is no unit of the county)."""
    own = DutyList.objects.restrict(actor, "view")
    if not role_allows(actor, "view", DutyList) or getattr(actor, "is_superuser", False):
        return own
    code = getattr(actor, "region_id", None) or ""
    if not code or getattr(actor, "role", "") == Role.ENTERPRISE_USER:
        return own
    published = DutyList.objects.filter(published_on__isnull=False, region__pk__startswith=code[:6])
    return DutyList.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=published.values("pk")))


def owned_list(actor, pk: int, action: str = "change") -> DutyList:
    """The list if the actor may `action` it: the county any in its county; a department its own; a township
    its own (not a department's list that happens to sit in its region)."""
    found = readable(actor).filter(pk=pk).first()
    if found is None:
        raise DomainError("duties.not_found", "没有找到该清单，或它不在您的管辖范围内", status=404)
    if action != "view" and not (
        may_edit(actor, found) and DutyList.objects.restrict(actor, action).filter(pk=pk).exists()
    ):  # another unit's published list is read, never written
        raise NotAllowed("duties.not_owner", "只能修改本单位的清单")
    return found


def may_edit(actor, duty_list: DutyList) -> bool:
    if getattr(actor, "is_superuser", False):
        return True
    role = getattr(actor, "role", "")
    if role in COUNTY_ROLES:
        return True
    if role == Role.DEPARTMENT_OPERATOR:
        return duty_list.department_id is not None and duty_list.department_id == actor.department_id
    if role == Role.TOWNSHIP_OPERATOR:
        return duty_list.department_id is None and duty_list.region_id == actor.region_id
    return False


def _clean_list(duty_list: DutyList) -> None:
    duty_list.title = (duty_list.title or "").strip()
    if not duty_list.title:
        raise DomainError("duties.title", "请填写清单名称", field="title")
    if duty_list.kind == DutyList.Kind.WORK and not duty_list.year:
        raise DomainError("duties.year", "年度工作清单须填写年度", field="year")
    if duty_list.kind == DutyList.Kind.DUTIES:
        duty_list.year = None


@transaction.atomic
def list_create(*, actor, duty_list: DutyList) -> DutyList:
    """A new list of the actor's own unit (a department operator's: its department; a township's: itself)."""
    role = getattr(actor, "role", "")
    if role == Role.DEPARTMENT_OPERATOR:
        duty_list.department_id, duty_list.region_id = actor.department_id, actor.region_id
    elif role == Role.TOWNSHIP_OPERATOR:
        duty_list.department_id, duty_list.region_id = None, actor.region_id
    elif role not in COUNTY_ROLES and not getattr(actor, "is_superuser", False):
        raise NotAllowed("duties.role", "您的角色不能编制责任清单")
    _clean_list(duty_list)
    return object_create(actor=actor, instance=duty_list)


@transaction.atomic
def list_publish(*, actor, duty_list: DutyList, on: dt.date | None = None) -> DutyList:
    duty_list = owned_list(actor, duty_list.pk)
    if not duty_list.items.exists():
        raise DomainError("duties.empty", "清单还没有事项，不能公布")
    before = snapshot(duty_list)
    duty_list.published_on = on or timezone.localdate()
    duty_list.save()
    audit_changes(action="duties_publish", obj=duty_list, actor=actor, before=before, after=snapshot(duty_list))
    return duty_list


def _clean_item(item: DutyListItem, duty_list: DutyList) -> None:
    item.content = (item.content or "").strip()
    item.basis = (item.basis or "").strip()
    if not item.content:
        raise DomainError("duties.content", "请填写事项内容", field="content")
    if duty_list.kind == DutyList.Kind.DUTIES:
        item.deadline = None


@transaction.atomic
def item_save(*, actor, item: DutyListItem) -> DutyListItem:
    duty_list = owned_list(actor, item.duty_list_id)
    _clean_item(item, duty_list)
    if item.pk is None:
        item.order = item.order or duty_list.items.count() + 1
        return object_create(actor=actor, instance=item)
    before = snapshot(DutyListItem.objects.get(pk=item.pk))
    return object_update(actor=actor, instance=item, before=before)


@transaction.atomic
def item_delete(*, actor, item: DutyListItem) -> None:
    owned_list(actor, item.duty_list_id)
    object_delete(actor=actor, instance=item)


def _date(value, row: int, errors: list[RowError]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        errors.append(RowError(row, "完成时限", f"“{value}”不是日期，应为 2026-06-30 的形式"))
        return None


def import_items(*, actor, duty_list: DutyList, uploaded) -> tuple[int, list[RowError]]:
    """Items from an .xlsx (columns 事项, 依据, 完成时限): every row checked first; any error → nothing written
    and the errors returned by row; else all appended in one transaction, each audited."""
    duty_list = owned_list(actor, duty_list.pk)
    try:
        check_upload(uploaded)
    except ImportRejected as exc:
        raise DomainError("duties.import_file", exc.errors[0].message) from exc
    try:
        wb = openpyxl.load_workbook(io.BytesIO(uploaded.read()), read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook: openpyxl raises many kinds
        raise DomainError("duties.import_file", "文件无法读取，请用 Excel 另存为 .xlsx 后再导入") from exc
    rows = list(wb.active.iter_rows(values_only=True))
    if not rows:
        raise DomainError("duties.import_empty", "文件是空的")
    header = [str(c or "").strip() for c in rows[0]]
    if "事项" not in header:
        raise DomainError("duties.import_header", "首行须有“事项”列（可选：依据、完成时限）")
    col = {name: header.index(name) for name in IMPORT_HEADERS if name in header}
    data = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(c not in (None, "") for c in r)]
    if len(data) > MAX_IMPORT_ROWS:
        raise DomainError("duties.import_size", f"一次最多导入 {MAX_IMPORT_ROWS} 行")
    errors: list[RowError] = []
    items = []
    start = duty_list.items.count()

    def cell(r, name):
        i = col.get(name)
        return r[i] if i is not None and i < len(r) else None

    for n, r in data:
        content = str(cell(r, "事项") or "").strip()
        basis = str(cell(r, "依据") or "").strip()
        if not content:
            errors.append(RowError(n, "事项", "事项不能为空"))
        elif len(content) > 500:
            errors.append(RowError(n, "事项", "事项不能超过 500 字"))
        if len(basis) > 300:
            errors.append(RowError(n, "依据", "依据不能超过 300 字"))
        deadline = _date(cell(r, "完成时限"), n, errors)
        if duty_list.kind == DutyList.Kind.DUTIES:
            deadline = None
        items.append(
            DutyListItem(
                duty_list=duty_list, order=start + len(items) + 1, content=content, basis=basis, deadline=deadline
            )
        )
    if not items and not errors:
        raise DomainError("duties.import_empty", "文件没有数据行")
    if errors:
        return 0, errors
    with transaction.atomic():
        created = DutyListItem.objects.bulk_create(items)
        audit_bulk_create(created, actor=actor, action="duties_import")
    return len(created), []


# ---------------------------------------------------------------- the public 公示


def public_townships(county_code: str | None = None):
    """Townships with how many responsible persons each has (index of the 公示)."""
    qs = Region.objects.filter(level=RegionLevel.TOWNSHIP)
    if county_code:
        qs = qs.filter(parent_id=county_code)
    duty_persons = Person.objects.filter(duty_roles__isnull=False).values("pk").distinct()
    return qs.order_by("code").annotate(
        persons=Count(
            "children__person",
            filter=Q(children__person__in=duty_persons),
            distinct=True,
        )
    )


def _row(person: Person, duties: str) -> dict:
    return {
        "name": person.name,
        "post": " ".join(x for x in (person.organisation, person.position) if x),
        "duties": duties,
        "phone": mask_phone(person.phone),
    }


def public_board(region: Region) -> dict:
    """The 公示 of one township or village: per village, its duty-role persons; then its hazard sites with
    their responsible persons. Names, posts, duties, masked phones — nothing else."""
    if region.level == RegionLevel.TOWNSHIP:
        villages = list(Region.objects.filter(parent=region).order_by("code"))
        areas = [region, *villages]
    else:
        villages = [region]
        areas = [region]
    roles = Prefetch("duty_roles", queryset=DutyRole.objects.order_by("id"))
    persons = (
        Person.objects.filter(region__in=areas, duty_roles__isnull=False)
        .distinct()
        .prefetch_related(roles)
        .order_by("region_id", "name", "pk")
    )
    by_area: dict[str, list[dict]] = {}
    for p in persons:
        by_area.setdefault(p.region_id, []).append(_row(p, "、".join(r.name for r in p.duty_roles.all())))
    groups = [(a, by_area[a.code]) for a in areas if by_area.get(a.code)]
    sites = (
        HazardSite.objects.filter(region__in=areas, status=HazardSite.Status.ACTIVE)
        .select_related("region")
        .prefetch_related(Prefetch("monitors", queryset=Person.objects.prefetch_related(roles).order_by("name")))
        .order_by("region_id", "name")
    )
    site_rows = []
    for site in sites:
        people = [_row(p, "、".join(r.name for r in p.duty_roles.all()) or "隐患点责任人") for p in site.monitors.all()]
        if people:
            site_rows.append((site, people))
    return {"region": region, "groups": groups, "sites": site_rows}
