"""Status boundaries: at the target is 达标, within the band 预警, beyond it 未达标, no value 无数据."""

from decimal import Decimal

import pytest

from anlan.kpi.status import AMBER, GREEN, NO_TARGET, NONE, RED, status_of


@pytest.mark.parametrize(
    ("value", "expected"),
    [("95", GREEN), ("99.9", GREEN), ("94.99", AMBER), ("90", AMBER), ("89.99", RED), ("0", RED)],
)
def test_floor(value, expected):
    assert status_of(Decimal(value), direction="gte", target=Decimal("95"), amber_band=Decimal("5")) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.01", GREEN), ("0", GREEN), ("0.015", AMBER), ("0.02", AMBER), ("0.0201", RED)],
)
def test_ceiling(value, expected):
    assert status_of(Decimal(value), direction="lte", target=Decimal("0.01"), amber_band=Decimal("0.01")) == expected


def test_no_band_is_red_at_once_and_missing_values():
    assert status_of(Decimal("94.99"), direction="gte", target=Decimal("95")) == RED
    assert status_of(None, direction="gte", target=Decimal("95")) == NONE
    assert status_of(Decimal("3"), direction="gte", target=None) == NO_TARGET
    with pytest.raises(ValueError):
        status_of(Decimal("1"), direction="eq", target=Decimal("1"))
