"""Measured values as people read them (monitoring.formatting): the sensor kind's decimals, the unit."""

from types import SimpleNamespace

import pytest

from anlan.monitoring.formatting import format_measured, measured


@pytest.mark.parametrize(
    "value, decimals, unit, shown",
    [
        (5.590000000000003, 2, "mm", "5.59 mm"),
        (25.00999999999999, 2, "mm", "25.01 mm"),
        (51.91000000000622, 2, "mm", "51.91 mm"),
        (3.0, 2, "m", "3 m"),
        (-0.001, 2, "m", "0 m"),  # never "-0"
        (12.34, 1, "%", "12.3%"),
        (36.55, 1, "℃", "36.5℃"),  # 36.55 is stored just below .55
        (0.1234, 3, "MPa", "0.123 MPa"),
        (None, 2, "mm", "—"),
        (float("nan"), 2, "mm", "—"),  # an offline alarm has no value
    ],
)
def test_values_are_rounded_to_the_resolution_with_the_unit(value, decimals, unit, shown):
    assert format_measured(value, decimals=decimals, unit=unit) == shown


def test_a_rate_rule_reads_per_hour_and_a_sensor_without_unit_takes_its_kinds():
    gnss = SimpleNamespace(kind="gnss", unit="")
    assert measured(31.333333333, gnss, SimpleNamespace(kind="rate")) == "31.33 mm/h"
    assert measured(8.5, SimpleNamespace(kind="gas", unit="%LEL")) == "8.5%LEL"
