"""Issue a warning through the services, as a county operator, with sensible defaults."""

import datetime as dt

from django.utils import timezone

from anlan.alerts import services
from anlan.alerts.models import Warning
from anlan.testing.personas import persona


def issue_warning(tree, *, regions, **fields) -> Warning:
    values = {
        "event": "山洪",
        "category": "Met",
        "level": "red",
        "urgency": "Immediate",
        "severity": "Extreme",
        "certainty": "Likely",
        "headline": "山洪红色预警",
        "description": "d",
        "instruction": "立即向高处转移",
        "expires": timezone.now() + dt.timedelta(hours=6),
        **fields,
    }
    officer = persona("county_operator")
    warning = services.warning_create(
        actor=officer, warning=Warning(region_id=tree.county.code, **values), regions=regions
    )
    services.warning_issue(actor=officer, warning=warning)
    return warning
