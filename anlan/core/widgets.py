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
