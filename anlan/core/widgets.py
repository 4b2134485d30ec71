"""Form widgets shared by the pages."""

from django import forms

LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


class DateTimeLocal(forms.DateTimeInput):
    """The browser's own date-and-time picker (no script); pair the field with input_formats=[LOCAL_INPUT]."""

    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format=LOCAL_INPUT)
