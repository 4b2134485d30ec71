"""Logging filters.

A refused request (403: the role may not; 404: not in scope) is the expected answer to a user, not a
fault in the server: Django logs it with the exception's traceback, which filled the log with a stack
for every 403 and buried real errors. The line "Forbidden (Permission denied): /path" stays.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404

EXPECTED_REFUSALS = (PermissionDenied, Http404)


class NoTracebackForRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], EXPECTED_REFUSALS):
            record.exc_info = None
            record.exc_text = None
        return True
