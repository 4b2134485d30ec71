"""Chinese names for the codes history keeps: audit actions, workflow steps, object types, region codes.

History rows store codes (`hazard_assign`, `stock_receive`, `supplies.movement`, `500237001000`) because
codes are stable and searchable; people read names. Every history and audit template goes through this one
lookup (template filters in `core/templatetags/labels.py`), so a step is named the same everywhere.

Names come from three places: the generic writes below, every workflow table (`core.workflow.Workflow`
registers `<name>_<action>` → the step's label when it is built) and what apps register at import time
for their own steps (`register_actions`). `tests/ui/test_labels.py` fails when a page shows a code that
has no name.
"""

from collections.abc import Mapping

__all__ = [
    "action_label",
    "object_type_label",
    "region_full_names",
    "region_label",
    "region_names",
    "register_actions",
    "snapshot_rows",
]

_ACTIONS: dict[str, str] = {
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "export": "导出 Excel",
    "import_create": "Excel 导入新增",
    "import_update": "Excel 导入修改",
    "import_queued": "提交 Excel 导入",
    "view_id_number": "查看完整身份证号",
    "crypto_migrate": "加密方式迁移",
    "blind_index_rebuild": "重建电话检索索引",
    "system_backup": "系统备份",
    "system_restore": "系统恢复",
    "login": "登录",
    "login_failed": "登录失败",
    "login_locked": "登录锁定",
    "login_unlock": "解除登录锁定",
    "logout": "退出登录",
    "password_change": "修改密码",
    "token_create": "创建 API 令牌",
    "token_revoke": "吊销 API 令牌",
    "otp_enrol": "绑定验证器",
    "otp_reset": "重置验证器",
}


def register_actions(labels: Mapping[str, str]) -> None:
    """Name audit actions or history steps (codes an app writes that are not workflow table rows)."""
    _ACTIONS.update(labels)


def action_label(code: str) -> str:
    """The Chinese name of an audit action or a history step; the code itself when nobody named it
    (the label guard test finds those)."""
    return _ACTIONS.get(code, code)


def object_type_label(object_type: str) -> str:
    """`app_label.model_name` as the model's Chinese name ("supplies.movement" → "物资出入库记录")."""
    from django.apps import apps

    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def region_names(codes) -> dict[str, str]:
    """Names of many region codes in one query (a page of history rows)."""
    from .regions import region_model

    codes = [c for c in codes if c]
    return dict(region_model().objects.filter(pk__in=codes).values_list("pk", "name")) if codes else {}


def region_full_names(codes) -> dict[str, str]:
    """Many region codes by name in one query, a village with its township in front ("龙河镇 新华村"): history,
    search hits and the activity feed mix villages of every township in one column, where village names
    repeat (`geo.Region.full_name`)."""
    from .regioncodes import is_village, township_of

    codes = {c for c in codes if c}
    names = region_names(codes | {township_of(c) for c in codes if is_village(c)})
    full = {}
    for code in codes:
        if code not in names:
            continue
        township = names.get(township_of(code)) if is_village(code) else None
        full[code] = f"{township} {names[code]}" if township else names[code]
    return full


def region_label(code: str) -> str:
    """A region code by its name, "凤家街道", a village with its township, "龙河镇 新华村" (names, not codes:
    the team's rule); the code itself only when no region has it (a region since removed)."""
    if not code:
        return ""
    return region_full_names([code]).get(code, code)


def snapshot_rows(object_type: str, before: dict | None, after: dict | None) -> list[tuple[str, str, str]]:
    """An audit entry's before/after snapshots as (field name, before, after) rows a person reads:
    field names from the model's verbose names, choice codes by their labels, region codes by their
    names, times in local time."""
    from django.apps import apps

    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        model = None
    before, after = before or {}, after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [("内容", _plain(before), _plain(after))]
    rows = []
    for key in dict.fromkeys([*before, *after]):
        field = _field(model, key)
        old, new = _value(field, before.get(key)), _value(field, after.get(key))
        if key == "field":  # which field was looked at (view_id_number): by its name
            old, new = (_field_label(_field(model, str(v)), str(v)) for v in (old, new))
        rows.append((_field_label(field, key), old, new))
    return rows


def _field(model, key: str):
    if model is None:
        return None
    from django.core.exceptions import FieldDoesNotExist

    for name in (key, key.removesuffix("_id")):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


# Keys audit entries carry beside model fields (core.audit callers' `after={…}`).
_KEY_LABELS = {
    "ip": "IP 地址",
    "field": "字段",
    "query": "筛选条件",
    "comment": "意见",
    "stage": "阶段",
    "file": "文件",
    "token": "令牌",
    "tokens": "令牌",
    "name": "名称",
    "reason": "原因",
    "device": "验证器",
    "devices_removed": "移除的验证器",
    "cleared_failures": "清除的失败次数",
    "username": "用户名",
    "password": "密码",
    "number": "文号",
    "report": "信息报告",
    "order": "调度指令",
    "to": "接收方",
    "warning": "预警",
    "text": "内容",
    "area": "影响范围",
    "follow_ups": "整改任务数",
    "missed": "漏巡次数",
    "deadline": "整改期限",
    "level": "级别",
    "status": "状态",
    "response": "响应级别",
    "region": "区划",
    "kind": "类型",
    "value": "数值",
    "at": "时间",
    "rows": "行数",
}


def _field_label(field, key: str) -> str:
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    return _KEY_LABELS.get(key, key)


def _value(field, value) -> str:
    import datetime as dt

    from django.db import models
    from django.utils import timezone

    if value is None or value == "":
        return "—"
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and len(value) == 12 and value.isdigit():
        return region_label(value)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            return value
    return _plain(value)


def _plain(value) -> str:
    if isinstance(value, list | tuple):
        return "、".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{_KEY_LABELS.get(str(k), k)}：{_plain(v)}" for k, v in value.items())
    return str(value)
