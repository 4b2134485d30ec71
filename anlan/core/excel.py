"""Excel (台账) template, export and atomic import for every registered model.

Import rules (issue: bad input writes nothing partial):
- the file must be a real .xlsx within the size limit;
- the header row names columns by their Chinese field names; "ID" (optional) means update that row;
- every row is parsed and validated first, related rows are looked up by natural key in one query per
  related model, uniqueness is checked in one query per unique column;
- if any row has any error, nothing is written and the report lists row, column and reason;
- otherwise all rows are written in one short transaction and each is audited: the reading and validation
  before it hold no lock (a 300,000-row import once held SQLite's write lock for 50 s, issue 12 finding 4);
- a file has at most ANLAN_IMPORT_MAX_ROWS data rows; big files run as a background job (core.imports).
"""

import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .audit import AuditItem, append, owner_region_code, snapshot
from .fields import EncryptedCharField, blind_index_fields
from .kit import ModelConfig, choice_rows, is_region_field
from .labels import region_full_names
from .masking import mask, visible_value
from .regions import for_choices, region_model

ID_HEADER = "ID"
XLSX_MAGIC = b"PK\x03\x04"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_SEPARATORS = re.compile(r"[;；,，、]")
TRUE_WORDS = {"是", "true", "1", "yes", "y", "√"}
FALSE_WORDS = {"否", "false", "0", "no", "n", "×", ""}


@dataclass
class RowError:
    row: int  # 1-based Excel row number (the header is row 1)
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(f"第{e.row}行 {e.column}：{e.message}" for e in errors[:5]))
        self.errors = errors


def _header(f) -> str:
    return str(f.verbose_name)


def _named_by_code(config: ModelConfig, f) -> bool:
    """A region column holding 区划代码 (the default), not a name (`natural_keys`)."""
    return is_region_field(f) and _natural_key(config, f.related_model) == f.related_model._meta.pk.name


def _name_header(f) -> str:
    """The column beside a region column that names its region for the reader ("所属区划名称")."""
    return f"{_header(f)}名称"


def _required(f) -> bool:
    """A column must be present when the field has neither a blank value nor a default."""
    return not f.blank and not f.has_default()


def _fields(config: ModelConfig):
    return [config.field(name) for name in config.columns_for_import()]


def _natural_key(config: ModelConfig, related_model) -> str:
    return config.natural_keys.get(related_model, related_model._meta.pk.name)


# ---------------------------------------------------------------- export and template


# A text starting with one of these is a formula to Excel, LibreOffice or WPS (a person named
# =HYPERLINK("http://…") would be a live link in the bureau's own spreadsheet; tab and CR start
# DDE payloads). Such cells are written as text cells with Excel's "quote prefix" flag: the value stays
# exactly what was stored (so an export imports back unchanged), but no program evaluates it, even after
# the cell is edited.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Decimal places kept for floats in exports: sums of readings carry binary noise (51.91000000000622) that a
# bureau's spreadsheet would show; 6 places is finer than any sensor or coordinate we store needs.
FLOAT_PLACES = 6


def _local(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, float) and math.isfinite(value):
        return round(value, FLOAT_PLACES)
    return value


def _append(ws, values) -> None:
    """ws.append for every export: formula-like texts become plain text cells (see FORMULA_STARTS); times are
    written on the bureau's clock (Excel cells have no time zone: a stored UTC time would read 8 hours early);
    floats lose their binary noise (FLOAT_PLACES)."""
    ws.append([_local(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True


def _style_header(ws, headers: list[str]) -> None:
    _append(ws, headers)
    for i, _ in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F3")
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(headers[i - 1]) * 2 + 4)
    ws.freeze_panes = "A2"


def _excel_value(config: ModelConfig, obj, f, user):
    value = getattr(obj, f.name)
    if isinstance(f, EncryptedCharField):
        return visible_value(user, f.sensitive_kind, value)
    if isinstance(f, models.ManyToManyField):
        key = _natural_key(config, f.related_model)
        return "；".join(str(getattr(x, key)) for x in value.all())
    if isinstance(f, models.ForeignKey):
        if value is None:
            return ""
        return getattr(value, _natural_key(config, f.related_model))
    if f.choices:
        return getattr(obj, f"get_{f.name}_display")() if value not in (None, "") else ""
    if isinstance(f, models.BooleanField):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return _local(value)
    if isinstance(f, models.JSONField):
        # A cell holds one scalar: a list reads as one line per item, a mapping as "key：value" lines.
        import json

        def line(item):
            return item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)

        if value is None:
            return ""
        if isinstance(value, list):
            return "\n".join(line(item) for item in value)
        if isinstance(value, dict):
            return "\n".join(f"{key}：{line(item)}" for key, item in value.items())
        return line(value)
    return value


def export_workbook(config: ModelConfig, queryset, user) -> bytes:
    """The rows as the import reads them back. A region column keeps its 区划代码 (what the import looks up,
    unambiguous where village names repeat) and is followed by a column naming the region ("龙河镇 新华村"),
    which people read and the import passes over. A registry whose Excel names regions by name (`natural_keys`)
    gets the village with its township there, the bare name being ambiguous."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = config.verbose_name[:31]
    fields = [config.field(name) for name in config.columns_for_export()]
    regional = [f for f in fields if is_region_field(f)]
    by_code = [f for f in regional if _named_by_code(config, f)]
    codes = set()
    for f in regional:
        codes.update(queryset.order_by().values_list(f.attname, flat=True).distinct())
    names = region_full_names(codes) if codes else {}
    headers = [ID_HEADER]
    for f in fields:
        headers += [_header(f), _name_header(f)] if f in by_code else [_header(f)]
    _style_header(ws, headers)
    for obj in queryset.iterator(chunk_size=2000) if not _has_prefetch(queryset) else queryset:
        values = [obj.pk]
        for f in fields:
            code = getattr(obj, f.attname) if f in regional else None
            if f in by_code:
                values += [code or "", names.get(code, "") if code else ""]
            elif f in regional:
                values.append(names.get(code, "") if code else "")
            else:
                values.append(_excel_value(config, obj, f, user))
        _append(ws, values)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def table_workbook(title: str, headers: list[str], rows) -> bytes:
    """A one-sheet workbook of a report table (statistics, rankings) with the house header style."""
    return tables_workbook([(title, headers, rows)])


def tables_workbook(sheets) -> bytes:
    """One sheet per (title, headers, rows) table."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, headers, rows in sheets:
        ws = wb.create_sheet(title[:31])
        _style_header(ws, headers)
        for row in rows:
            _append(ws, row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _has_prefetch(queryset) -> bool:
    return bool(getattr(queryset, "_prefetch_related_lookups", ()))


def _describe(config: ModelConfig, f) -> str:
    if isinstance(f, models.ManyToManyField):
        names = "、".join(str(x) for x in f.related_model.objects.all()[:40])
        return f"可填多个，用；分隔。可选：{names}"
    if _named_by_code(config, f):
        return (
            "填写12位区划代码，或区划名称（村、社区写明乡镇，如“龙河镇 新华村”；名称在您的辖区内唯一时可只写名称）；"
            f"导出文件中其后的“{_name_header(f)}”列只供阅读，导入时不读取"
        )
    if isinstance(f, models.ForeignKey):
        key = _natural_key(config, f.related_model)
        return f"填写{f.related_model._meta.verbose_name}的{f.related_model._meta.get_field(key).verbose_name}"
    if f.choices:
        return "可选：" + "、".join(str(label) for _, label in f.choices)
    if isinstance(f, models.BooleanField):
        return "是 / 否"
    if isinstance(f, models.DateField):
        return "日期，如 2026-06-01"
    if isinstance(f, EncryptedCharField):
        return "加密保存" + {"phone": "；手机号11位或座机号", "id_number": "；18位身份证号"}.get(f.sensitive_kind, "")
    return str(f.help_text or "")


def template_workbook(config: ModelConfig) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = config.verbose_name[:31]
    fields = [config.field(name) for name in config.columns_for_export()]
    _style_header(ws, [ID_HEADER, *[_header(f) for f in fields]])
    notes = wb.create_sheet("填写说明")
    _style_header(notes, ["列名", "是否必填", "说明"])
    _append(notes, [ID_HEADER, "否", "留空表示新增；填写已有记录的ID表示修改该记录"])
    for f in fields:
        _append(notes, [_header(f), "是" if _required(f) else "否", _describe(config, f)])
    notes.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- import


def check_upload(uploaded) -> None:
    """Type and size checks before the file is opened."""
    name = getattr(uploaded, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise ImportRejected([RowError(0, "文件", "只接受 Excel 2007 及以上格式（.xlsx）文件")])
    if uploaded.size > settings.ANLAN_MAX_UPLOAD_BYTES:
        limit = settings.ANLAN_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ImportRejected([RowError(0, "文件", f"文件超过 {limit} MB 上限")])
    head = uploaded.read(4)
    uploaded.seek(0)
    if head != XLSX_MAGIC:
        raise ImportRejected([RowError(0, "文件", "文件内容不是有效的 .xlsx 文件")])


class _Lookups:
    """Natural key → primary key maps for every related model, one query each."""

    def __init__(self, config: ModelConfig, user, fields):
        Region = region_model()

        self.maps: dict[str, dict[str, object]] = {}
        self.region_names: dict[str, dict[str, object]] = {}
        for f in fields:
            if not isinstance(f, models.ForeignKey | models.ManyToManyField):
                continue
            related = f.related_model
            key = _natural_key(config, related)
            qs = choice_rows(config.related_choices, f.name, related, user)
            if limit := f.get_limit_choices_to():  # the model's own limit (库水位计: water level sensors only)
                qs = qs.complex_filter(limit)
            if related is Region and key == related._meta.pk.name:
                regions = list(for_choices(qs))  # codes and names from one query
                self.maps[f.name] = {r.pk: r.pk for r in regions}
                self.region_names[f.name] = _region_names(regions)
            else:
                self.maps[f.name] = {str(k): pk for k, pk in qs.values_list(key, "pk")}
            if isinstance(f, models.ManyToManyField):
                # Many-to-many cells are usually typed by name; accept the display name too.
                for obj in qs:
                    self.maps[f.name].setdefault(str(obj), obj.pk)


AMBIGUOUS = object()


def _unspaced(text: str) -> str:
    return "".join(text.split())


def _region_names(regions: list) -> dict[str, object]:
    """A region column takes the 区划代码 (what an export writes) and, since a bureau's own sheets name places, also
    "龙河镇 新华村" (spaces optional) or a bare name that only one region in the user's area has. A bare name two
    villages share maps to AMBIGUOUS and is refused with a message saying how to tell them apart."""
    names: dict[str, object] = {_unspaced(r.full_name): r.pk for r in regions}
    for region in regions:
        bare = _unspaced(region.name)
        if bare == _unspaced(region.full_name):
            continue  # a township or the county: its full name is its name
        names[bare] = AMBIGUOUS if names.get(bare, region.pk) != region.pk else region.pk
    return names


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse(f, raw, lookups: _Lookups, existing):
    """Turn one cell into a model value or raise ValidationError with a Chinese message."""
    text = _text(raw)
    if isinstance(f, models.ManyToManyField):
        names = [n.strip() for n in LIST_SEPARATORS.split(text) if n.strip()]
        unknown = [n for n in names if n not in lookups.maps[f.name]]
        if unknown:
            raise ValidationError(f"未找到：{'、'.join(unknown)}")
        return [lookups.maps[f.name][n] for n in names]
    if text == "":
        if f.has_default():
            return f.get_default()
        if not f.blank:
            raise ValidationError("必填")
        return None if f.null else ("" if isinstance(f, models.CharField | models.TextField) else None)
    if isinstance(f, models.ForeignKey):
        if text in lookups.maps[f.name]:
            return lookups.maps[f.name][text]
        by_name = lookups.region_names.get(f.name, {}).get(_unspaced(text))
        if by_name is AMBIGUOUS:
            raise ValidationError(f"有多个名为“{text}”的区划，请写明乡镇（如“某某镇 {text}”）或填写区划代码")
        if by_name is not None:
            return by_name
        raise ValidationError(f"{f.related_model._meta.verbose_name}不存在或不在您的管辖范围内：{text}")
    if f.choices:
        by_label = {str(label): value for value, label in f.choices}
        values = {str(value) for value, _ in f.choices}
        if text in values:
            return text
        if text in by_label:
            return by_label[text]
        # A label typed without its spaces ("3级" for "3 级", "小(1)型" as written) is the same choice.
        unspaced = {_unspaced(label): value for label, value in by_label.items()}
        if _unspaced(text) in unspaced:
            return unspaced[_unspaced(text)]
        raise ValidationError(f"无效选项“{text}”，可选：{'、'.join(by_label)}")
    if isinstance(f, EncryptedCharField):
        if "*" in text:
            if existing is not None and text == mask(f.sensitive_kind, getattr(existing, f.name) or ""):
                return getattr(existing, f.name)  # an exported, masked value left unchanged
            raise ValidationError("号码不能包含 *（请填写完整号码）")
        return text
    if isinstance(f, models.BooleanField):
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise ValidationError("请填写“是”或“否”")
    if isinstance(f, models.IntegerField):
        try:
            number = float(text)
        except ValueError:
            raise ValidationError(f"应为整数：{text}") from None
        if not number.is_integer():
            raise ValidationError(f"应为整数：{text}")
        return int(number)
    if isinstance(f, models.FloatField):
        try:
            return float(text)
        except ValueError:
            raise ValidationError(f"应为数字：{text}") from None
    if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(text.replace("/", "-"))
        except ValueError:
            raise ValidationError(f"日期格式应为 2026-06-01：{text}") from None
    return text


# Progress is reported every this many rows (a job row update each time: a short write of its own).
PROGRESS_EVERY = 1000


def _no_progress(phase: str, done: int, total: int) -> None:
    pass


def _read_rows(uploaded, progress=_no_progress):
    """The first sheet's rows (header first). A file with more data rows than ANLAN_IMPORT_MAX_ROWS is
    counted to the end (so the message can say how many it has) but its rows are not kept."""
    limit = settings.ANLAN_IMPORT_MAX_ROWS
    try:
        wb = openpyxl.load_workbook(uploaded, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for corrupt files; all mean the same to the user
        raise ImportRejected([RowError(0, "文件", "文件已损坏或不是有效的 .xlsx 文件，无法读取")]) from None
    try:
        rows, data_rows = [], 0
        for index, values in enumerate(wb.worksheets[0].iter_rows(values_only=True)):
            if index and any(_text(c) for c in values):
                data_rows += 1
                if data_rows % PROGRESS_EVERY == 0:
                    progress("read", data_rows, 0)
            if data_rows <= limit:
                rows.append(list(values))
    except ImportRejected:
        raise
    except Exception:
        raise ImportRejected([RowError(0, "文件", "文件已损坏或不是有效的 .xlsx 文件，无法读取")]) from None
    finally:
        wb.close()
    if data_rows > limit:
        raise ImportRejected([too_many_rows(data_rows)])
    return rows


def has_more_rows_than(uploaded, count: int) -> bool:
    """Whether a (checked) .xlsx has more than `count` data rows; reads no further than that. A broken file
    is "no": the import itself then reports it."""
    try:
        wb = openpyxl.load_workbook(uploaded, read_only=True, data_only=True)
        try:
            seen = 0
            for values in wb.worksheets[0].iter_rows(min_row=2, values_only=True):
                seen += any(_text(c) for c in values)
                if seen > count:
                    return True
            return False
        finally:
            wb.close()
    except Exception:  # openpyxl raises many kinds for corrupt files
        return False
    finally:
        uploaded.seek(0)


def too_many_rows(data_rows: int) -> RowError:
    limit = settings.ANLAN_IMPORT_MAX_ROWS
    return RowError(
        0,
        "文件",
        f"每次导入最多 {limit} 行数据，本文件有 {data_rows} 行；请拆分为多个文件分批导入（未写入任何数据）",
    )


def parse_workbook(config: ModelConfig, uploaded, user, progress=_no_progress, *, fixed: dict | None = None):
    """Validate a workbook fully. Returns (new, updates, m2m, errors) without writing anything.

    Only reads: it runs outside any transaction, so however long a big file takes, it holds no lock that
    other writers wait for (a 300,000-row import once held SQLite's write lock for 50 s).

    `fixed`: values every row has that the file does not name (a register's process): set on each row
    before it is validated, and only rows already holding them can be updated by ID."""
    fixed = fixed or {}
    check_upload(uploaded)
    rows = _read_rows(uploaded, progress)
    if not rows or not any(_text(c) for c in rows[0]):
        raise ImportRejected([RowError(1, "表头", "第一行应为列名（请使用下载的导入模板）")])
    fields = _fields(config)
    by_header = {_header(f): f for f in fields}
    header = [_text(c) for c in rows[0]]
    # An export's region-name columns come back with the file: read by people, not by the import (the
    # 区划代码 beside them decides).
    names_read = {_name_header(f) for f in fields if _named_by_code(config, f)} - set(by_header)
    unknown = [h for h in header if h and h != ID_HEADER and h not in by_header and h not in names_read]
    missing = [h for h, f in by_header.items() if _required(f) and h not in header]
    errors = [RowError(1, h, "未知的列名") for h in unknown]
    errors += [RowError(1, h, "缺少必填列") for h in missing]
    if errors:
        raise ImportRejected(errors)

    columns = [(i, by_header.get(h), h) for i, h in enumerate(header) if h]
    id_index = header.index(ID_HEADER) if ID_HEADER in header else None
    lookups = _Lookups(config, user, [f for _, f, _ in columns if f is not None])
    ids = [_text(r[id_index]) for r in rows[1:] if id_index is not None and id_index < len(r) and _text(r[id_index])]
    changeable = config.model.objects.restrict(user, "change").filter(**fixed)
    existing = {str(o.pk): o for chunk in _chunks(ids) for o in changeable.filter(pk__in=chunk)}

    new, updates, m2m_values = [], [], {}
    total = len(rows) - 1
    for excel_row, row in enumerate(rows[1:], start=2):
        if (excel_row - 1) % PROGRESS_EVERY == 0:
            progress("validate", excel_row - 1, total)
        if not any(_text(c) for c in row):
            continue
        row_errors: list[RowError] = []
        current = None
        if id_index is not None and id_index < len(row) and _text(row[id_index]):
            current = existing.get(_text(row[id_index]))
            if current is None:
                errors.append(RowError(excel_row, ID_HEADER, f"记录不存在或无权修改：{_text(row[id_index])}"))
                continue
        instance = _copy(current) if current is not None else config.model()
        for name, value in fixed.items():
            setattr(instance, name, value)
        for index, f, name in columns:
            if f is None:
                continue
            raw = row[index] if index < len(row) else None
            try:
                value = _parse(f, raw, lookups, current)
            except ValidationError as exc:
                row_errors.append(RowError(excel_row, name, "；".join(exc.messages)))
                continue
            if isinstance(f, models.ManyToManyField):
                m2m_values.setdefault(id(instance), {})[f.name] = value
            elif isinstance(f, models.ForeignKey):
                setattr(instance, f.attname, value)
            else:
                setattr(instance, f.name, value)
        if not row_errors:
            row_errors += _model_errors(instance, excel_row)
        if row_errors:
            errors += row_errors
            continue
        (updates if current is not None else new).append((excel_row, instance, current))
    errors += _unique_errors(config, new + updates)
    return new, updates, m2m_values, sorted(errors, key=lambda e: (e.row, e.column))


def _copy(obj):
    return type(obj).from_db(
        obj._state.db,
        [f.attname for f in obj._meta.concrete_fields],
        [getattr(obj, f.attname) for f in obj._meta.concrete_fields],
    )


def _model_errors(instance, excel_row: int) -> list[RowError]:
    relation_names = [f.name for f in instance._meta.get_fields() if f.is_relation]
    try:
        instance.full_clean(exclude=relation_names, validate_unique=False)
    except ValidationError as exc:
        out = []
        for name, messages in exc.message_dict.items():
            column = str(instance._meta.get_field(name).verbose_name) if name != "__all__" else "整行"
            out.append(RowError(excel_row, column, "；".join(messages)))
        return out
    return []


def _unique_errors(config: ModelConfig, rows) -> list[RowError]:
    """Duplicates inside the file and against the database, one query per unique column."""
    errors = []
    for f in _fields(config):
        if not f.unique:
            continue
        seen: dict[object, int] = {}
        for excel_row, instance, _ in rows:
            value = getattr(instance, f.attname)
            if value in (None, ""):
                continue
            if value in seen:
                errors.append(RowError(excel_row, _header(f), f"与第{seen[value]}行重复：{value}"))
            seen[value] = excel_row
        if not seen:
            continue
        own = {instance.pk for _, instance, current in rows if current is not None}
        taken = set()
        for chunk in _chunks(list(seen)):
            taken.update(
                config.model.objects.filter(**{f"{f.attname}__in": chunk})
                .exclude(pk__in=own)
                .values_list(f.attname, flat=True)
            )
        errors += [RowError(seen[v], _header(f), f"已存在：{v}") for v in taken]
    return errors


# Lists of keys go to the database in chunks of this size (PostgreSQL takes at most 65,535 parameters).
CHUNK = 10_000


def _chunks(values: list) -> list[list]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def import_workbook(
    config: ModelConfig, uploaded, user, progress=_no_progress, *, fixed: dict | None = None
) -> ImportResult:
    """Validate everything (reads only, no transaction), then write everything (audited) or nothing in
    one short transaction. `fixed`: see parse_workbook."""
    try:
        new, updates, m2m_values, errors = parse_workbook(config, uploaded, user, progress, fixed=fixed)
    except ImportRejected as rejected:
        return ImportResult(errors=rejected.errors)
    if errors:
        return ImportResult(errors=errors)
    plan = _WritePlan(config, new, updates, m2m_values)  # everything computable before the lock
    progress("write", len(new) + len(updates), len(new) + len(updates))
    try:
        return _write(config, user, plan)
    except ImportRejected as rejected:
        return ImportResult(errors=rejected.errors)
    except IntegrityError:
        # A related row deleted (or a unique value taken) by someone else since the validation.
        return ImportResult(errors=[CHANGED_MEANWHILE])


CHANGED_MEANWHILE = RowError(0, "整表", "校验后数据已被他人修改（如关联记录被删除），未导入任何记录，请重新导入")
# Rows per INSERT statement (a few thousand parameters: within every database's limit).
INSERT_BATCH = 500


class _WritePlan:
    """What the write transaction will do, prepared beforehand so the lock is held only for the
    statements themselves: the new rows' column values as the database takes them (timestamps set,
    phones and ID numbers encrypted), the audit snapshots, the many-to-many pairs."""

    def __init__(self, config: ModelConfig, new, updates, m2m_values):
        model = config.model
        self.model = model
        self.new = [instance for _, instance, _ in new]
        self.updates = updates
        self.m2m_values = m2m_values
        connection = connections[router.db_for_write(model)]
        pk = model._meta.pk
        self.insert_fields = [
            f for f in model._meta.concrete_fields if not (f is pk and f.db_returning) and not f.generated
        ]
        self.insert_rows = [
            [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in self.insert_fields]
            for instance in self.new
        ]
        now = timezone.now()
        # bulk_update runs no pre_save: the blind indexes beside phone numbers are recomputed here.
        indexes = blind_index_fields(model)
        for _, instance, _ in updates:
            instance.updated_at = now
            for index in indexes:
                setattr(instance, index.attname, index.digest_of(instance))
        self.update_names = [
            *[f.attname for f in _fields(config) if f.concrete and not f.many_to_many],
            *[index.attname for index in indexes],
            "updated_at",
        ]
        self.m2m_fields = [f for f in _fields(config) if isinstance(f, models.ManyToManyField)]
        self.new_audit = [
            _item("import_create", instance, None, {**snapshot(instance), **m2m_values.get(id(instance), {})})
            for instance in self.new
        ]
        self.update_audit = []
        for _, instance, current in updates:
            before, after = snapshot(current), {**snapshot(instance), **m2m_values.get(id(instance), {})}
            changed = {k for k in after if before.get(k) != after[k] and k != "updated_at"}
            if changed:
                before, after = {k: before.get(k) for k in changed}, {k: after[k] for k in changed}
                self.update_audit.append(_item("import_update", instance, before, after))

    def insert(self) -> None:
        """Multi-row INSERT … RETURNING of the prepared values; the new primary keys go to the instances
        and their audit items."""
        connection = connections[router.db_for_write(self.model)]
        quote = connection.ops.quote_name
        pk = self.model._meta.pk
        columns = ", ".join(quote(f.column) for f in self.insert_fields)
        row_sql = "(" + ", ".join(["%s"] * len(self.insert_fields)) + ")"
        table = quote(self.model._meta.db_table)
        with connection.cursor() as cursor:
            for start in range(0, len(self.insert_rows), INSERT_BATCH):
                batch = self.insert_rows[start : start + INSERT_BATCH]
                sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(batch))}"
                cursor.execute(f"{sql} RETURNING {quote(pk.column)}", [v for row in batch for v in row])
                ids = [row[0] for row in cursor.fetchall()]
                for offset, pk_value in enumerate(ids):
                    instance = self.new[start + offset]
                    instance.pk = pk_value
                    instance._state.adding = False
                    instance._state.db = connection.alias
                    item = self.new_audit[start + offset]
                    item.object_id = str(pk_value)
                    item.after[pk.attname] = pk_value


@transaction.atomic
def _write(config: ModelConfig, user, plan: _WritePlan) -> ImportResult:
    """The write phase: inserts and updates, the scope check and the audit, nothing else.

    The checks that other writers could have invalidated since the validation (uniqueness, rows to update
    still there and still the user's) are repeated here, one query per column or per 10,000 rows."""
    model = config.model
    updates = plan.updates
    if _unique_errors(config, [(0, i, None) for i in plan.new] + updates):
        raise ImportRejected([CHANGED_MEANWHILE])
    update_pks = [instance.pk for _, instance, _ in updates]
    still_there = sum(model.objects.restrict(user, "change").filter(pk__in=c).count() for c in _chunks(update_pks))
    if still_there != len(update_pks):
        raise ImportRejected([CHANGED_MEANWHILE])

    plan.insert()
    if updates:
        model.objects.bulk_update([instance for _, instance, _ in updates], plan.update_names, batch_size=500)
    everything = plan.new + [instance for _, instance, _ in updates]
    for f in plan.m2m_fields:
        pairs = [(inst, plan.m2m_values.get(id(inst), {}).get(f.name)) for inst in everything]
        _set_m2m(f, pairs, replacing=update_pks)

    written = [instance.pk for instance in everything]
    visible = model.objects.restrict(user, "view")
    if sum(visible.filter(pk__in=chunk).count() for chunk in _chunks(written)) != len(written):
        # e.g. a department operator naming another department: the rows would vanish from their view.
        raise ImportRejected(
            [RowError(0, "整表", "部分记录保存后不在您的管辖范围内（如所属部门不符），未导入任何记录")]
        )
    append(plan.new_audit + plan.update_audit, actor=user)
    return ImportResult(created=len(plan.new), updated=len(updates))


def _item(action, instance, before, after) -> AuditItem:
    meta = instance._meta
    return AuditItem(
        action=action,
        object_type=f"{meta.app_label}.{meta.model_name}",
        object_id=str(instance.pk),
        object_repr=str(instance),
        region_code=owner_region_code(instance),
        before=before,
        after=after,
    )


def _set_m2m(f, pairs, *, replacing: list) -> None:
    """Write the relation's rows; for the updated rows (`replacing`), the rows they had are removed first."""
    through = f.remote_field.through
    source = through._meta.get_field(f.m2m_field_name()).column
    target = through._meta.get_field(f.m2m_reverse_field_name()).column
    pairs = [(inst, values) for inst, values in pairs if values is not None]
    if not pairs:
        return
    replaced = set(replacing)
    for chunk in _chunks([inst.pk for inst, _ in pairs if inst.pk in replaced]):
        through.objects.filter(**{f"{f.m2m_field_name()}__in": chunk}).delete()
    connection = connections[router.db_for_write(through)]
    quote = connection.ops.quote_name
    sql = f"INSERT INTO {quote(through._meta.db_table)} ({quote(source)}, {quote(target)}) VALUES (%s, %s)"
    with connection.cursor() as cursor:
        # Plain executemany: tens of thousands of two-integer rows without building a model for each.
        cursor.executemany(sql, [(inst.pk, v) for inst, values in pairs for v in values])
