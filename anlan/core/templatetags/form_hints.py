"""Chinese words around the browser's own date and file controls (core.widgets): `{% input_hint "date" %}`
after a hand-written <input type="date">, `{% file_input "file" accept=".xlsx" required=True %}` for a
hand-written file input (the same markup as a form's FileField: a 选择文件 button and 未选择文件 / the chosen
names, kept by behaviours.js)."""

from django import forms, template
from django.utils.html import format_html

from anlan.core import widgets

register = template.Library()


@register.simple_tag
def input_hint(input_type) -> str:
    hint = widgets.input_hint(str(input_type or ""))
    return format_html('<span class="input-hint">{}</span>', hint) if hint else ""


@register.simple_tag
def file_input(name: str, **attrs) -> str:
    attrs = {key.replace("_", "-"): value for key, value in attrs.items() if value not in (None, False)}
    widget = _Files if attrs.get("multiple") else forms.FileInput
    return widget(attrs=attrs).render(name, None)


class _Files(forms.FileInput):
    allow_multiple_selected = True


@register.simple_tag
def file_texts() -> dict:
    return {"choose": widgets.FILE_CHOOSE, "none": widgets.FILE_NONE}
