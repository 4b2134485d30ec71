"""What each audience reads (一行业一措施、一乡镇一方案): the warning's headline, then the measures written
for the recipient's audience — responsible persons, residents, enterprises of a special sector — and the
plan for the recipient's township, falling back to the general instruction."""

from anlan.core.regioncodes import township_of
from anlan.notify.texts import sender_name

__all__ = [
    "AUDIENCES",
    "SECTORS",
    "audience_of",
    "compose",
    "measure_for",
    "measures_text",
    "sender_name",
    "valid_measure_key",
]

RESPONSIBLE = ("county", "township", "village")


# Audience keys of Warning.measures and WarningTemplate.measures, in the order the editor shows them.
# Enterprise sectors are the registry's special-sector flags; "township:<code>" keys are added per township.
SECTORS = [
    ("is_hazchem", "危险化学品企业"),
    ("is_non_coal_mine", "非煤矿山"),
    ("is_fireworks", "烟花爆竹企业"),
    ("is_dust_explosive", "粉尘涉爆企业"),
    ("has_confined_space", "有限空间作业企业"),
    ("has_ammonia_refrigeration", "涉氨制冷企业"),
]
AUDIENCES = [
    ("responsible", "三级责任人（县、乡镇、村）"),
    ("resident", "居民与公众（含应急广播）"),
    ("enterprise", "企业（通用）"),
    ("shelter", "避难场所管理人"),
    *((f"enterprise:{flag}", label) for flag, label in SECTORS),
]
AUDIENCE_KEYS = {key for key, _ in AUDIENCES}


def audience_of(tier: str) -> str:
    if tier in RESPONSIBLE:
        return "responsible"
    if tier == "enterprise":
        return "enterprise"
    if tier == "shelter":
        return "shelter"
    if tier in ("user", "group"):
        return "responsible"  # staff and their work groups act on the warning
    return "resident"  # residents, subscribers, loudspeakers


def measures_text(measures: dict) -> str:
    """Measures as a person reads them: one "audience：measures" line each, audiences and townships by name."""
    from anlan.core.labels import region_names

    names = dict(AUDIENCES)
    townships = region_names(k.partition(":")[2] for k in measures if k.startswith("township:"))
    lines = []
    for key, text in (measures or {}).items():
        prefix, _, code = key.partition(":")
        who = names.get(key) or (townships.get(code, code) if prefix == "township" else key)
        lines.append(f"{who}：{text}")
    return "\n".join(lines)


def valid_measure_key(key: str) -> bool:
    if key in AUDIENCE_KEYS:
        return True
    prefix, _, code = key.partition(":")
    return prefix == "township" and len(code) == 12 and code.isdigit()


def measure_for(measures: dict, tier: str, sectors: tuple[str, ...] = ()) -> str:
    """The measures for this recipient: a sector's own for an enterprise in it, else the audience's."""
    audience = audience_of(tier)
    if audience == "enterprise":
        for flag in sectors:
            if measures.get(f"enterprise:{flag}"):
                return measures[f"enterprise:{flag}"]
    return measures.get(audience, "")


def compose(
    *,
    sender: str,
    headline: str,
    instruction: str,
    description: str,
    measures: dict,
    tier: str,
    region_code: str,
    sectors: tuple[str, ...] = (),
    limit: int = 300,
) -> str:
    """【sender】headline。measures (or the general instruction) + the township's plan, cut to `limit`."""
    body = measure_for(measures, tier, sectors) or instruction or description
    plan = measures.get(f"township:{township_of(region_code)}", "") if len(region_code) == 12 else ""
    text = f"【{sender}】{headline}。{body}"
    if plan:
        text = f"{text} 本乡镇：{plan}"
    return text[:limit]
