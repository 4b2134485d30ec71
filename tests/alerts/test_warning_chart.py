"""The warning list draws warnings issued per month by level, with each month's 叫应率."""

import json
import re

import pytest
from django.utils import timezone

from anlan.alerts import acks, selectors
from anlan.alerts.models import Warning
from anlan.alerts.services import deliveries
from anlan.testing.personas import persona
from tests.alerts.helpers import issue_warning

pytestmark = pytest.mark.django_db


def test_issued_per_month_by_level_and_the_ack_rate(client, tree):
    officer = persona("county_operator")
    base = selectors.warnings_by_month(Warning.objects.restrict(officer))
    red_before = next(s for s in base["series"] if s["name"] == "红色")["data"][-1]
    warning = issue_warning(tree, regions=[tree.township], level="red")
    issue_warning(tree, regions=[tree.township], level="yellow", headline="黄色预警")
    responsible = list(
        deliveries(warning)
        .filter(tier__in=acks.RESPONSIBLE_TIERS)
        .values_list("recipient_key", flat=True)
        .distinct()
        .order_by("recipient_key")
    )
    assert len(responsible) >= 2
    acks.acknowledge(warning_id=warning.pk, recipient_key=responsible[0], via="web")

    spec = selectors.warnings_by_month(Warning.objects.restrict(officer))
    now = timezone.localtime()
    assert spec["categories"][-1] == f"{now.year}-{now.month:02d}" and len(spec["categories"]) == 12
    series = {s["name"]: s for s in spec["series"]}
    assert series["红色"]["data"][-1] == red_before + 1
    rate = series["叫应率"]
    assert rate["type"] == "line" and rate["axis"] == 1 and spec["unit2"] == "%"
    reach = selectors.reach_by_warning(list(Warning.objects.filter(sent__month=now.month).values_list("pk", flat=True)))
    asked = sum(r["responsible"] for r in reach.values())
    answered = sum(r["acknowledged"] for r in reach.values())
    assert answered >= 1 and rate["data"][-1] == round(100 * answered / asked, 1)
    assert reach[warning.pk]["acknowledged"] == 1 and reach[warning.pk]["responsible"] == len(responsible)

    client.force_login(officer)
    page = client.get("/alerts/warning/").content.decode()
    match = re.search(r'data-chart></div><script type="application/json">(.*?)</script>', page, re.S)
    assert json.loads(match.group(1)) == spec
    assert "叫应率" in page
