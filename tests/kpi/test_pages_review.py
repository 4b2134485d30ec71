"""What a look at every kpi page as each role found (issue 19, screenshots at 1440 and 390 px, docs/img/kpi/):
the board's indicator links opened the registry's definition page instead of the chart (a URL name shared with
the kit), the status badges had no colour (Bootstrap classes without Bootstrap), an empty board offered
重新计算 and 导出 as its first action, an indicator's trend chart was never drawn (no script); and a score's link
to its indicator value led to the same wrong page."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from anlan.kpi import services_assessment as svc
from anlan.kpi.models import Assessment, Indicator, IndicatorValue
from anlan.testing.personas import persona
from tests.kpi.test_assessment_flow import scheme  # noqa: F401  (the scheme fixture)

pytestmark = pytest.mark.django_db


def test_the_board_links_each_indicator_to_its_chart_page_and_colours_its_status(client, tree):
    ind = Indicator.objects.create(
        region=tree.county, code="overdue", name="隐患逾期率", unit="%", direction="lte", target=Decimal("5")
    )
    today = dt.date.today()
    IndicatorValue.objects.create(
        indicator=ind, period_start=today.replace(month=1, day=1), period_end=today.replace(month=12, day=31),
        value=Decimal("50.8"),
    )  # fmt: skip
    client.force_login(persona("county_operator"))
    board = client.get("/kpi/indicators/").content.decode()
    assert f'href="/kpi/indicators/{ind.pk}/"' in board and f'href="/kpi/indicator/{ind.pk}/"' not in board
    assert 'class="badge bg-danger">未达标' in board and ".badge.bg-danger {" in board  # red, and styled
    page = client.get(f"/kpi/indicators/{ind.pk}/").content.decode()
    assert "50.8" in page and ".badge.bg-danger {" in page and 'id="value-' in page
    assert "anlan/chart.js" in page and "data-chart" in page  # the trend chart had no script to draw it


def test_an_empty_board_leads_to_the_definitions_first(client, tree):
    Indicator.objects.all().delete()
    client.force_login(persona("county_operator"))
    board = client.get("/kpi/indicators/").content.decode()
    assert 'class="button primary" href="/kpi/indicator/" id="kpi-define"' in board
    assert 'id="kpi-recompute"' not in board and 'id="kpi-export"' not in board
    client.force_login(persona("township_officer"))
    assert 'id="kpi-define"' not in client.get("/kpi/indicators/").content.decode()  # nothing it may do


def test_a_scores_indicator_link_opens_the_value_on_the_chart_page(client, scheme, tree):  # noqa: F811
    svc.scheme_open(actor=persona("county_operator"), scheme=scheme)
    sheet = Assessment.objects.get(scheme=scheme, region=tree.township)
    client.force_login(persona("township_officer"))
    page = client.get(f"/kpi/assessment/sheet/{sheet.pk}/").content.decode()
    indicator = scheme.value.indicator_id
    assert f'href="/kpi/indicators/{indicator}/#value-{scheme.value.pk}"' in page
    target = client.get(f"/kpi/indicators/{indicator}/").content.decode()
    assert f'id="value-{scheme.value.pk}"' in target
    assert 'data-label="自评"' in page  # the phone lays each item out as a card with its labels


def test_an_indicator_at_zero_every_period_says_so_instead_of_no_values(client, tree):
    ind = Indicator.objects.create(
        region=tree.county, code="major", name="重特大生产安全事故起数", unit="起", direction="lte", target=Decimal("0")
    )
    IndicatorValue.objects.create(
        indicator=ind, period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31), value=Decimal("0")
    )
    client.force_login(persona("county_operator"))
    page = client.get(f"/kpi/indicators/{ind.pk}/").content.decode()
    shown = json.dumps("各期均为 0起")[1:-1]  # the chart's figures are embedded with json_script (escaped)
    assert shown in page and json.dumps("尚无指标值")[1:-1] not in page
