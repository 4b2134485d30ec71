"""防汛责任人 in Excel: the template, the import (atomic, with a row-by-row Chinese error report) and the export.

Import columns (row 1): 对象类型, 对象编号, 岗位, 姓名, 手机号码, 工作单位, 职务. The object is a reservoir or dike
(by its code) or a 山洪危险区 / 易涝点 (by its 统一编号) the importing user may change. The person is found in the
registry by phone (the blind index, no decryption): the same name there is that person; another name is an
error; a number not yet registered adds the person to the registry in the object's region. A row naming a
person already holding that post is skipped (counted). Nothing is written unless every row is right."""

from django.db import transaction

from anlan.core.audit import audit_record
from anlan.core.crypto import blind_index
from anlan.core.excel import ImportRejected, RowError, check_upload, tables_workbook
from anlan.core.excel import _read_rows as read_rows
from anlan.core.fields import normalise_phone
from anlan.core.masking import mask_phone
from anlan.core.roles import sees_full_phone
from anlan.core.services import objects_bulk_create
from anlan.core.validators import validate_phone
from anlan.registry.models import Person
from anlan.sites.models import HazardSite

from . import rules
from .models import Dike, FloodResponsibility, Reservoir

HEADERS = ["对象类型", "对象编号", "岗位", "姓名", "手机号码", "工作单位", "职务"]
REQUIRED = ("对象类型", "对象编号", "岗位", "姓名", "手机号码")
KINDS = {"水库": "reservoir", "堤防": "dike", "山洪危险区": "site", "易涝点": "site"}
KIND_NAMES = {"reservoir": "水库", "dike": "堤防"}
POSTS = {**{label: code for code, label in rules.POST_LABELS.items()}, **{s: c for c, s in rules.SHORT.items()}}
POSTS |= {f"{s}责任人": c for c, s in rules.SHORT.items()}
NOTES = {
    "对象类型": "水库、堤防、山洪危险区 或 易涝点",
    "对象编号": "水库代码、堤防代码，或隐患点统一编号",
    "岗位": "行政、技术、巡查（水库、堤防）；行政、巡查、监测、包保（山洪危险区、易涝点）",
    "姓名": "责任人姓名",
    "手机号码": "11 位手机号或座机；已在责任人库中的按号码识别",
    "工作单位": "新登记的责任人填写，可留空",
    "职务": "如：镇长、水利站站长、护堤员，可留空",
}


def template() -> bytes:
    example = ["水库", "500237-SK-001", "巡查", "张守坝", "13900001234", "某某村民委员会", "水库巡查员"]
    notes = [[h, "是" if h in REQUIRED else "否", NOTES[h]] for h in HEADERS]
    return tables_workbook([("防汛责任人", HEADERS, [example]), ("填写说明", ["列名", "是否必填", "说明"], notes)])


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def import_responsibilities(uploaded, *, actor) -> dict[str, int]:
    """Import the rows: {"created", "skipped", "persons"}; ImportRejected lists every error."""
    check_upload(uploaded)
    rows = read_rows(uploaded)
    if not rows:
        raise ImportRejected([RowError(0, "文件", "文件中没有工作表内容")])
    header = [_cell(h) for h in rows[0]]
    missing = [h for h in REQUIRED if h not in header]
    if missing:
        raise ImportRejected([RowError(1, h, "缺少此列（请使用下载的模板）") for h in missing])
    col = {h: header.index(h) for h in HEADERS if h in header}
    data = []
    for number, values in enumerate(rows[1:], start=2):
        if any(_cell(v) for v in values):
            data.append((number, {h: _cell(values[i]) if i < len(values) else "" for h, i in col.items()}))
    if not data:
        raise ImportRejected([RowError(0, "文件", "文件中没有数据行")])

    # Objects the user may change, by code: one query per kind.
    codes = {
        k: {r["对象编号"] for _, r in data if KINDS.get(r["对象类型"]) == k} for k in ("reservoir", "dike", "site")
    }
    objects = {
        "reservoir": {
            o.code: o for o in Reservoir.objects.restrict(actor, "change").filter(code__in=codes["reservoir"])
        },
        "dike": {o.code: o for o in Dike.objects.restrict(actor, "change").filter(code__in=codes["dike"])},
        "site": {
            o.code: o
            for o in HazardSite.objects.restrict(actor, "change").filter(
                code__in=codes["site"], kind__in=["flash_flood", "waterlogging"]
            )
        },
    }
    digests = {}
    for _, r in data:
        number = normalise_phone(r["手机号码"])
        if number:
            digests[blind_index(number)] = number
    known: dict[str, list[Person]] = {}
    for p in Person.objects.filter(phone_index__in=list(digests)).order_by("pk"):
        known.setdefault(p.phone_index, []).append(p)

    errors, plan, seen = [], [], {}
    new_persons: dict[str, Person] = {}
    for number, r in data:
        row_errors = [RowError(number, h, "必填，不能为空") for h in REQUIRED if not r.get(h)]
        kind = KINDS.get(r["对象类型"])
        if r["对象类型"] and kind is None:
            row_errors.append(RowError(number, "对象类型", f"“{r['对象类型']}”应为水库、堤防、山洪危险区或易涝点"))
        target = objects[kind].get(r["对象编号"]) if kind else None
        if kind and r["对象编号"] and target is None:
            row_errors.append(
                RowError(number, "对象编号", f"未找到编号为“{r['对象编号']}”的{r['对象类型']}，或不在您的管辖范围内")
            )
        if target is not None and kind == "site" and r["对象类型"] != target.get_kind_display():
            row_errors.append(RowError(number, "对象类型", f"编号 {target.code} 是{target.get_kind_display()}"))
        post = POSTS.get(r["岗位"])
        if r["岗位"] and post is None:
            row_errors.append(RowError(number, "岗位", f"未知岗位“{r['岗位']}”"))
        elif post and kind and post not in rules.POSTS[kind]:
            allowed = "、".join(rules.SHORT[p] for p in rules.POSTS[kind])
            row_errors.append(RowError(number, "岗位", f"{r['对象类型']}的岗位只能是：{allowed}"))
        phone = normalise_phone(r["手机号码"])
        if r["手机号码"]:
            try:
                validate_phone(r["手机号码"])
            except Exception:
                row_errors.append(RowError(number, "手机号码", "电话号码格式不正确（手机号11位，座机如 023-57681234）"))
                phone = ""
        person = None
        if phone and r["姓名"]:
            digest = blind_index(phone)
            same = [p for p in known.get(digest, []) if p.name == r["姓名"]]
            if same:
                person = same[0]
            elif known.get(digest):
                other = known[digest][0].name
                row_errors.append(
                    RowError(number, "手机号码", f"该号码已登记为责任人“{other}”，与姓名“{r['姓名']}”不符")
                )
            elif digest in new_persons and new_persons[digest].name != r["姓名"]:
                row_errors.append(RowError(number, "手机号码", f"与前面一行的“{new_persons[digest].name}”号码相同"))
            elif target is not None:
                person = new_persons.setdefault(
                    digest,
                    Person(
                        name=r["姓名"][:64],
                        region_id=target.region_id,
                        department_id=target.department_id,
                        organisation=r.get("工作单位", "")[:100],
                        position=r.get("职务", "")[:64],
                        phone=r["手机号码"].strip(),
                    ),
                )
        key = (kind, getattr(target, "pk", None), post, phone)
        if target is not None and post and phone and key in seen:
            row_errors.append(RowError(number, "姓名", f"与第{seen[key]}行重复"))
        seen.setdefault(key, number)
        if row_errors:
            errors += row_errors
        else:
            plan.append((kind, target, post, person))
    if errors:
        raise ImportRejected(errors)
    return _write(actor, plan, list(new_persons.values()))


@transaction.atomic
def _write(actor, plan, new_persons: list[Person]) -> dict[str, int]:
    for p in new_persons:
        p.full_clean(exclude=["phone_index"])
    if new_persons:
        objects_bulk_create(actor=actor, model=Person, instances=new_persons)
    existing = set()
    for kind in ("reservoir", "dike", "site"):
        ids = [t.pk for k, t, _, _ in plan if k == kind]
        if ids:
            qs = FloodResponsibility.objects.filter(**{f"{kind}_id__in": ids})
            existing |= {(kind, getattr(r, f"{kind}_id"), r.post, r.person_id) for r in qs}
    rows, skipped = [], 0
    for kind, target, post, person in plan:
        if (kind, target.pk, post, person.pk) in existing:
            skipped += 1
            continue
        existing.add((kind, target.pk, post, person.pk))
        rows.append(
            FloodResponsibility(
                **{kind: target},
                post=post,
                person=person,
                region_id=target.region_id,
                department_id=target.department_id,
            )
        )
    if rows:
        objects_bulk_create(actor=actor, model=FloodResponsibility, instances=rows)
    audit_record(
        action="flood_responsibility_import",
        model=FloodResponsibility,
        actor=actor,
        extra={"created": len(rows), "skipped": skipped, "persons": len(new_persons)},
    )
    return {"created": len(rows), "skipped": skipped, "persons": len(new_persons)}


def export(queryset, user) -> bytes:
    """The 责任人 the user sees, in the import's columns (phones masked for roles without the need)."""
    full = sees_full_phone(user)
    out = []
    for r in queryset.select_related("reservoir", "dike", "site", "person"):
        target = r.target
        kind = KIND_NAMES.get(r.target_kind) or target.get_kind_display()
        phone = r.person.phone if full else mask_phone(r.person.phone)
        out.append(
            [kind, target.code, rules.SHORT[r.post], r.person.name, phone, r.person.organisation, r.person.position]
        )
    return tables_workbook([("防汛责任人", HEADERS, out)])
