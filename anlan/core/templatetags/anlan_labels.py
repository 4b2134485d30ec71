"""Template filters naming stored codes in Chinese (core.labels): `{% load anlan_labels %}`."""

from django import template

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
