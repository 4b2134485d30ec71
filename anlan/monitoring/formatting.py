"""Measured values as people read them: rounded to what the sensor resolves, with the unit.

Readings are floats, and sums or differences of floats carry binary noise (5.590000000000003,
25.00999999999999). Pages, notices, incident texts and Word documents show a value through `measured`,
never `str(value)`: the decimals come from the kind of sensor (what such instruments resolve), the unit
from the sensor and the rule (a rate is per hour).
"""

import math

# Decimals each kind of sensor resolves: rain, GNSS and crack meters report to 0.01 mm (the gateways'
# data, e.g. the demo county's 0.05 mm per five minutes), water and tank levels to 0.01 m, soil moisture,
# gas and temperature to 0.1 (%, %LEL, ℃), pressure to 0.001 MPa, smoke detectors whole numbers.
DECIMALS = {
    "rain_gauge": 2,
    "water_level": 2,
    "gnss": 2,
    "crack": 2,
    "soil_moisture": 1,
    "gas": 1,
    "tank_level": 2,
    "temperature": 1,
    "pressure": 3,
    "smoke": 0,
    "video": 0,
}
DEFAULT_DECIMALS = 2  # a kind not listed above

# The unit each kind measures in, when the sensor's record names none.
DEFAULT_UNITS = {
    "rain_gauge": "mm",
    "water_level": "m",
    "gnss": "mm",
    "crack": "mm",
    "soil_moisture": "%",
    "gas": "%LEL",
    "tank_level": "m",
    "temperature": "℃",
    "pressure": "MPa",
    "smoke": "",
    "video": "",
}


def decimals_for(sensor_kind: str) -> int:
    return DECIMALS.get(sensor_kind, DEFAULT_DECIMALS)


def unit_for(sensor_unit: str, rule_kind: str | None = None) -> str:
    """The unit of what a rule measures: the sensor's, per hour for a rate rule."""
    if rule_kind == "rate" and sensor_unit:
        return f"{sensor_unit}/h"
    return sensor_unit or ""


def format_measured(value, *, decimals: int, unit: str = "") -> str:
    """`value` rounded to `decimals`, trailing zeros dropped ("5.59 mm", "25.01 mm", "3 m"); "—" when
    there is no number (an offline alarm has none)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if not unit:
        return text
    # Units made of letters are set apart by a space (5.59 mm); %, ℃ and the like follow directly.
    return f"{text} {unit}" if unit[0].isalpha() else f"{text}{unit}"


def measured(value, sensor, rule=None) -> str:
    """A value of `sensor` (as measured by `rule`, when given) for people: "5.59 mm", "0.83 m", "12.5 mm/h"."""
    unit = sensor.unit or DEFAULT_UNITS.get(sensor.kind, "")
    return format_measured(value, decimals=decimals_for(sensor.kind), unit=unit_for(unit, rule.kind if rule else None))
