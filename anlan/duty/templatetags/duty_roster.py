"""The month roster's swap forms: one list of people to swap with for each shift on the calendar (a month of a
desk has a hundred shifts or more, the desk as many rosterable people)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def replacement_options(context, candidates, shift):
    """The <option>s of everyone in `candidates` but the shift's own person. Each person's option is written
    once per page and reused for every shift: a tag per option in the template made tens of thousands."""
    key = ("duty_roster.replacement_options", id(candidates))
    options = context.render_context.get(key)
    if options is None:
        options = [(u.pk, format_html('<option value="{}">{}</option>', u.pk, u)) for u in candidates]
        context.render_context[key] = options
    # Each piece was escaped by format_html.
    return mark_safe("".join(html for pk, html in options if pk != shift.user_id))
