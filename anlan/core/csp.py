"""Where browsers report Content-Security-Policy violations (`report-uri /csp-report/`).

A violation means a page tried to run or load something the policy forbids — an injected script, or a
page of ours that still carries inline script. Reports are logged (truncated, one line each) for the
operator; nothing is stored, and a flood costs one log line per request at most.
"""

import logging

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import safejson

log = logging.getLogger("anlan.csp")
MAX_REPORT_BYTES = 8 * 1024


@csrf_exempt  # browsers post reports without a token; the view writes nothing but a log line
@require_POST
def csp_report(request):
    body = request.body[:MAX_REPORT_BYTES]
    try:
        report = safejson.loads(body).get("csp-report", {})
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    if isinstance(report, dict):
        log.warning(
            "CSP violation: %s blocked %s on %s",
            str(report.get("violated-directive", ""))[:100],
            str(report.get("blocked-uri", ""))[:200],
            str(report.get("document-uri", ""))[:200],
        )
    return HttpResponse(status=204)
