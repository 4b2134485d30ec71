"""Texts an incident starts with when it comes from a monitoring alarm (转为事件): the title, the
description and the timeline line. Values are rounded to the sensor's resolution with their unit
(monitoring.formatting), so the description, the 首报 built from it and the 态势简报 never carry float
noise such as 5.590000000000003."""

from anlan.monitoring.formatting import measured


def alarm_values(alarm) -> str:
    """ "触发值 5.59 mm，峰值 25.01 mm" (a rate rule's values per hour)."""
    sensor, rule = alarm.sensor, alarm.rule
    return f"触发值 {measured(alarm.value, sensor, rule)}，峰值 {measured(alarm.peak_value, sensor, rule)}"


def _place_and_name(sensor) -> str:
    """The sensor's name, led by its region's name unless the name already says it (a site named after
    its village, a gauge after its township): "官泉村二组滑坡GNSS", never "官泉村官泉村二组…"."""
    region = sensor.region.name
    return sensor.name if region in sensor.name else f"{region}{sensor.name}"


def alarm_title(alarm) -> str:
    return f"{_place_and_name(alarm.sensor)}{alarm.get_level_display()}报警"


def alarm_description(alarm) -> str:
    sensor = alarm.sensor
    rule = f"（{alarm.rule.name}）" if alarm.rule.name else ""
    return f"{sensor.name}（{sensor.code}）{alarm.get_level_display()}报警{rule}，{alarm_values(alarm)}。"
