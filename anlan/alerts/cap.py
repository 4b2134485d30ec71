"""CAP 1.2 documents (OASIS), validated against the official schema shipped in data/CAP-v1.2.xsd.

Identifiers follow the Chinese warning-file rule `ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N` (reference §8.3):
county code, organisation code (ANLAN_CAP_ORG_CODE), sub-unit 000, extension 00, Beijing time, a digit.
CAP times carry an explicit offset (+08:00); "Z" is not allowed by the schema.
"""

import datetime as dt
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from lxml import etree

from .messages import sender_name

NS = "urn:oasis:names:tc:emergency:cap:1.2"
XSD = Path(__file__).resolve().parent / "data" / "CAP-v1.2.xsd"
BEIJING = dt.timezone(dt.timedelta(hours=8))
LEVEL_NAMES = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}


class CapInvalid(ValueError):
    pass


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def cap_time(value: dt.datetime) -> str:
    return value.astimezone(BEIJING).replace(microsecond=0).isoformat()


def new_identifier(county6: str, when: dt.datetime, sequence: int) -> str:
    stamp = when.astimezone(BEIJING).strftime("%Y%m%d%H%M%S")
    return f"{county6}{settings.ANLAN_CAP_ORG_CODE}00000_{stamp}_{sequence % 10}"


def sender_of(warning) -> str:
    return settings.ANLAN_CAP_SENDER or f"{warning.region_id[:6]}.anlan"


def _sub(parent, tag: str, text=None):
    element = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        element.text = str(text)
    return element


def polygon_text(geometry: dict) -> str:
    """CAP polygon: "lat,lon" pairs separated by spaces, first equal to last (GeoJSON is lon,lat)."""
    ring = geometry["coordinates"][0]
    if ring[0] != ring[-1]:
        ring = [*ring, ring[0]]
    return " ".join(f"{lat:.6f},{lon:.6f}" for lon, lat in ring)


def document(warning, regions) -> bytes:
    """The CAP XML of a warning (alert, update or cancel) for the given target regions."""
    alert = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    _sub(alert, "identifier", warning.identifier)
    _sub(alert, "sender", sender_of(warning))
    _sub(alert, "sent", cap_time(warning.sent or timezone.now()))
    _sub(alert, "status", "Actual")
    _sub(alert, "msgType", warning.msg_type)
    _sub(alert, "scope", "Public")
    if warning.references_id:
        ref = warning.references
        _sub(alert, "references", f"{sender_of(ref)},{ref.identifier},{cap_time(ref.sent or ref.created_at)}")
    info = _sub(alert, "info")
    _sub(info, "language", "zh-CN")
    _sub(info, "category", warning.category)
    _sub(info, "event", warning.event)
    _sub(info, "urgency", warning.urgency)
    _sub(info, "severity", warning.severity)
    _sub(info, "certainty", warning.certainty)
    if warning.onset:
        _sub(info, "onset", cap_time(warning.onset))
    _sub(info, "expires", cap_time(warning.expires))
    _sub(info, "senderName", sender_name())
    _sub(info, "headline", warning.headline)
    _sub(info, "description", warning.description)
    if warning.instruction:
        _sub(info, "instruction", warning.instruction)
    parameter = _sub(info, "parameter")
    _sub(parameter, "valueName", "预警级别")
    _sub(parameter, "value", LEVEL_NAMES[warning.level])
    area = _sub(info, "area")
    _sub(area, "areaDesc", "、".join(r.name for r in regions) or "见预警范围")
    if warning.polygon:
        _sub(area, "polygon", polygon_text(warning.polygon))
    for region in regions:
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", "GB/T 2260")
        _sub(geocode, "value", region.code)
    xml = etree.tostring(alert, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    validate(xml)
    return xml


def validate(xml: bytes) -> None:
    doc = etree.fromstring(xml)
    if not schema().validate(doc):
        raise CapInvalid("; ".join(str(e.message) for e in schema().error_log))
