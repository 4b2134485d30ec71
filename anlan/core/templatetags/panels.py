"""`{% panels "alerts.warning" warning %}` and `{% detail_panels object %}`: the boxes apps above the page
registered for its record (core/panels.py)."""

from django import template

from anlan.core.panels import render_panels, slot_of

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot, obj):
    request = context.get("request")
    if request is None or obj is None:
        return ""
    return render_panels(slot, request, obj)


@register.simple_tag(takes_context=True)
def detail_panels(context, obj):
    request = context.get("request")
    if request is None or obj is None or not hasattr(obj, "_meta"):
        return ""
    return render_panels(slot_of(obj), request, obj)
