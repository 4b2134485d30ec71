"""Panels: boxes that apps above a page draw on it, registered upward at `AppConfig.ready()`.

A page of a lower app (the warning detail in alerts, the incident workspace) cannot import the apps that
know more about its record (the transfer rate lives in disasters, above both). The page names a slot and
its record — `{% load panels %}{% panels "alerts.warning" warning %}` — and every app that registered a
panel for that slot draws its box there:

    register_panel("alerts.warning", transfer_panel, order=50)

`func(request, obj)` returns `(template_name, context)` to draw, or None when it has nothing to say for
this record or this user (it must check the user's role and scope itself, as a view does). Every registry
detail page offers the slot "<app_label>.<model_name>" of its record (`{% detail_panels object %}` in
core/object_detail.html).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

__all__ = ["panels_for", "register_panel", "render_panels", "slot_of"]


@dataclass(frozen=True)
class _Panel:
    name: str
    func: Callable
    order: int


_PANELS: dict[str, dict[str, _Panel]] = {}


def register_panel(slot: str, func: Callable, *, order: int = 100, name: str | None = None) -> None:
    """Draw `func`'s panel in `slot`; registering the same name again replaces it (a reloaded app does not
    draw twice)."""
    name = name or f"{func.__module__}.{func.__qualname__}"
    _PANELS.setdefault(slot, {})[name] = _Panel(name, func, order)


def panels_for(slot: str) -> list[_Panel]:
    return sorted(_PANELS.get(slot, {}).values(), key=lambda p: (p.order, p.name))


def slot_of(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def render_panels(slot: str, request, obj) -> SafeString:
    """The HTML of every panel of `slot` that has something to show for `obj` to this request's user."""
    parts = []
    for panel in panels_for(slot):
        drawn = panel.func(request, obj)
        if drawn:
            template_name, context = drawn
            parts.append(render_to_string(template_name, {**context, "object": obj}, request=request))
    return mark_safe("".join(parts))  # rendered by Django templates, which escape their values
