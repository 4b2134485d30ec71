"""Recomputing is idempotent and keeps locked values; manual entry by the county or the responsible department
only, audited, with evidence checked; bad input refused in Chinese with nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anlan.core.errors import DomainError, NotAllowed
from anlan.hazards.models import HiddenHazard
from anlan.kpi import services_indicators as services
from anlan.kpi.models import Indicator, IndicatorValue
from anlan.registry.models import Department
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def indicator(tree, code, source="", **extra):
    return Indicator.objects.create(region=tree.county, code=code, name=code, unit="%", source=source, **extra)


def test_periods():
    day = dt.date(2026, 8, 15)
    assert services.period_of("year", day) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert services.period_of("half", day) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert services.period_of("quarter", day) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert services.period_of("month", dt.date(2026, 12, 3)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert services.period_label("quarter", dt.date(2026, 7, 1)) == "2026年第3季度"


def test_recompute_is_idempotent_and_keeps_locked_values(tree):
    rate = indicator(tree, "closure", source="hazards.closed_on_time", period="year", target=Decimal("95"))
    manual = indicator(tree, "manual")
    HiddenHazard.objects.create(
        title="隐患", description="d", level="general", region=tree.village, deadline=dt.date(2011, 3, 1),
        status="closed", closed_at=timezone.now().replace(year=2011, month=2, day=1),
    )  # fmt: skip
    HiddenHazard.objects.create(
        title="隐患", description="d", level="general", region=tree.village, deadline=dt.date(2011, 4, 1)
    )
    assert services.recompute(tree.county.code, dt.date(2011, 6, 1), periods=2) == 2
    assert services.recompute(tree.county.code, dt.date(2011, 6, 1), periods=2) == 2
    values = IndicatorValue.objects.filter(indicator=rate).order_by("period_start")
    assert [(v.period_start.year, v.value) for v in values] == [(2010, None), (2011, Decimal("50.0000"))]
    assert not IndicatorValue.objects.filter(indicator=manual).exists()

    values.filter(period_start__year=2011).update(locked=True, value=Decimal("80"))
    HiddenHazard.objects.filter(deadline=dt.date(2011, 4, 1)).update(status="closed", closed_at=timezone.now())
    assert services.recompute(tree.county.code, dt.date(2011, 6, 1)) == 0
    assert values.get(period_start__year=2011).value == Decimal("80")


def test_only_county_or_responsible_department_enter(tree):
    water = Department.objects.get(code=f"{tree.county.code[:6]}-SL")
    rate = indicator(tree, "training_rate", responsible_department=water, period="year")
    other = indicator(tree, "other_rate", period="year")
    day = dt.date(2026, 3, 1)

    with pytest.raises(NotAllowed):
        services.enter_value(actor=persona("township_officer"), indicator=rate, day=day, value="90")
    with pytest.raises(NotAllowed):
        services.enter_value(actor=persona("department_operator"), indicator=other, day=day, value="90")
    assert not IndicatorValue.objects.exists()

    evidence = SimpleUploadedFile("培训签到表.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    row = services.enter_value(
        actor=persona("department_operator"), indicator=rate, day=day, value="92.5", note="全年培训", evidence=evidence
    )
    assert (row.value, row.period_start, row.computed) == (Decimal("92.5000"), dt.date(2026, 1, 1), False)
    assert row.entered_by == persona("department_operator") and row.evidence_name.endswith(".pdf")
    row = services.enter_value(actor=persona("county_operator"), indicator=rate, day=day, value="93")
    assert IndicatorValue.objects.get().value == Decimal("93.0000")

    with pytest.raises(DomainError, match="数值应为数字"):
        services.enter_value(actor=persona("county_operator"), indicator=rate, day=day, value="九十")
    with pytest.raises(DomainError, match="佐证材料"):
        services.enter_value(
            actor=persona("county_operator"), indicator=rate, day=day, value="1",
            evidence=SimpleUploadedFile("a.exe", b"MZ\x90\x00"),
        )  # fmt: skip
    assert IndicatorValue.objects.get().value == Decimal("93.0000")

    computed = indicator(tree, "computed", source="hazards.overdue")
    with pytest.raises(DomainError, match="自动计算"):
        services.enter_value(actor=persona("county_operator"), indicator=computed, day=day, value="1")
    IndicatorValue.objects.update(locked=True)
    with pytest.raises(DomainError, match="锁定"):
        services.enter_value(actor=persona("county_operator"), indicator=rate, day=day, value="95")
