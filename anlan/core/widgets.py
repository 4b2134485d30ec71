"""Form widgets shared by the pages."""

from django import forms

LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


class DateTimeLocal(forms.DateTimeInput):
    """The browser's own date-and-time picker (no script); pair the field with input_formats=[LOCAL_INPUT]."""

    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format=LOCAL_INPUT)


class DateOnly(forms.DateInput):
    """The browser's own date picker. It shows a value only in ISO form (yyyy-MM-dd): the locale's
    DATE_INPUT_FORMATS (2026/12/10) would leave the field empty and drop a default such as 整改期限."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# What the browser draws inside a date or file control follows the browser's language ("mm/dd/yyyy",
# "Choose File", "No file chosen"): the pages say in Chinese, beside the control, what it takes.
INPUT_HINTS = {
    "date": "格式：年-月-日",
    "datetime-local": "格式：年-月-日 时:分",
    "time": "格式：时:分",
    "month": "格式：年-月",
}
FILE_CHOOSE = "选择文件"
FILE_NONE = "未选择文件"


def input_hint(input_type: str) -> str:
    """The Chinese hint shown after an <input> of this type ("" when the browser's control needs none)."""
    return INPUT_HINTS.get(input_type, "")
