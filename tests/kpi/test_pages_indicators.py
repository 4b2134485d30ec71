"""指标看板, an indicator's page, 重新计算 and the API: what county users and others see and may do."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anlan.kpi.models import Indicator, IndicatorValue
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def make(tree, n, *, target="95", value="90", band="3", source="", years=2):
    this_year = timezone.localdate().year
    made = []
    for i in range(n):
        ind = Indicator.objects.create(
            region=tree.county, code=f"k{i}", name=f"测试指标{i}", unit="%", target=Decimal(target),
            amber_band=Decimal(band), source=source, category="safety" if i % 2 else "capability",
        )  # fmt: skip
        for y in range(years):
            IndicatorValue.objects.create(
                indicator=ind, period_start=dt.date(this_year - y, 1, 1), period_end=dt.date(this_year - y, 12, 31),
                value=Decimal(value) - y, numerator=Decimal(value) - y, denominator=100, note=f"第{y}年",
            )  # fmt: skip
        made.append(ind)
    return made


def test_board_shows_status_and_rounded_values_in_bounded_queries(client, tree, django_assert_max_num_queries):
    make(tree, 3)
    client.force_login(persona("county_operator"))
    client.get("/kpi/indicators/")
    with django_assert_max_num_queries(20) as few:
        client.get("/kpi/indicators/")
    Indicator.objects.filter(code__startswith="k").delete()
    make(tree, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/kpi/indicators/").content.decode()
    assert "测试指标11" in page and "90%" in page and 'id="kpi-recompute"' in page
    assert page.count('<td><span class="badge bg-danger">未达标') == 12  # 90 misses 95 by more than the band of 3


def test_flagged_filter_export_and_workbench_count(client, tree):
    flagged, fine = make(tree, 1)[0], Indicator.objects.create(region=tree.county, code="ok", name="达标指标", target=1)
    IndicatorValue.objects.create(
        indicator=fine, period_start=dt.date(timezone.localdate().year, 1, 1),
        period_end=dt.date(timezone.localdate().year, 12, 31), value=5,
    )  # fmt: skip
    client.force_login(persona("county_admin"))
    page = client.get("/kpi/indicators/?status=flagged").content.decode()
    assert flagged.name in page and "达标指标" not in page
    export = client.get("/kpi/indicators/?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from anlan.kpi.services_indicators import flagged_count

    assert flagged_count(persona("county_admin")) == 1


def test_recompute_is_for_county_roles_only(client, tree):
    make(tree, 1, source="hazards.overdue", years=0)
    client.force_login(persona("township_officer"))
    page = client.get("/kpi/indicators/").content.decode()
    assert 'id="kpi-recompute"' not in page
    client.post("/kpi/indicators/recompute/")
    assert not IndicatorValue.objects.exists()
    client.force_login(persona("county_operator"))
    response = client.post("/kpi/indicators/recompute/", follow=True)
    assert "已重新计算 1 个指标值" in response.content.decode()
    assert IndicatorValue.objects.filter(computed=True).count() == 1


def test_detail_chart_and_entry_form_for_the_responsible_only(client, tree):
    ind = make(tree, 1)[0]
    client.force_login(persona("township_officer"))
    page = client.get(f"/kpi/indicators/{ind.pk}/").content.decode()
    assert "趋势与目标" in page and "第1年" in page and "填报指标值" not in page
    response = client.post(f"/kpi/indicators/{ind.pk}/", {"day": "2026-01-05", "value": "99"})
    assert response.status_code == 302
    assert IndicatorValue.objects.get(indicator=ind, period_start__year=timezone.localdate().year).value == 90
    client.force_login(persona("county_operator"))
    assert "填报指标值" in client.get(f"/kpi/indicators/{ind.pk}/").content.decode()
    day = timezone.localdate().isoformat()
    response = client.post(f"/kpi/indicators/{ind.pk}/", {"day": day, "value": "abc"})
    assert response.status_code == 400 and "数值应为数字" in response.content.decode()
    client.post(f"/kpi/indicators/{ind.pk}/", {"day": day, "value": "96.5", "note": "核实"})
    assert IndicatorValue.objects.get(indicator=ind, period_start__year=timezone.localdate().year).value == Decimal(
        "96.5"
    )


def test_api_lists_latest_value_with_status_and_the_values(client, tree, django_assert_max_num_queries):
    ind = make(tree, 2)[0]
    client.force_login(persona("viewer"))
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/kpi/indicators/").json()
    rows = body["results"] if isinstance(body, dict) else body
    row = next(r for r in rows if r["id"] == ind.pk)
    assert (Decimal(row["latest_value"]), row["status"], row["status_label"]) == (Decimal(90), "red", "未达标")
    values = client.get(f"/api/v1/kpi/indicators/{ind.pk}/values/").json()
    assert [Decimal(v["value"]) for v in values] == [Decimal(90), Decimal(89)]
    assert values[0]["note"] == "第0年"
