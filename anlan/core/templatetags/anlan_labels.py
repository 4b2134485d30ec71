"""Template filters naming stored codes in Chinese (core.labels): `{% load anlan_labels %}`."""

from django import template
from django.utils.html import format_html

from anlan.core import labels

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    """An audit action by its name: {{ entry.action|action_label }}."""
    return labels.action_label(code)


@register.filter
def step_label(code: str, workflow: str) -> str:
    """A history step of a workflow by its name: {{ event.action|step_label:"hazard" }}."""
    return labels.action_label(f"{workflow}_{code}")


@register.filter
def object_type_label(object_type: str) -> str:
    return labels.object_type_label(object_type)


@register.filter
def region_label(code: str) -> str:
    return labels.region_label(code)


@register.filter
def drill_badge(obj) -> str:
    """A "演练" badge for a record made inside a drill (its `exercise` set), nothing otherwise:
    {{ warning|drill_badge }} beside a title on lists, detail pages and popups."""
    if getattr(obj, "exercise_id", None) or (isinstance(obj, dict) and obj.get("exercise_id")):
        return format_html('<span class="badge drill" title="{}">演练</span>', "演练模式中产生，不计入统计，不对外发布")
    return ""
