"""Standard warning wording (data/warning_templates.json): per hazard and level, the headline, what is
expected, the public instruction and the measures per audience. Measures add up level by level (a red
warning asks for everything an orange one does, and more); the public instruction is the level's own.
Installed once by a data migration; staff then edit the templates in the UI."""

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path

from django.utils import timezone

LEVELS = ["blue", "yellow", "orange", "red"]
LEVEL_NAMES = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
# CAP urgency, severity and certainty customary for each colour (CAP 1.2 values).
CAP_BY_LEVEL = {
    "blue": ("Future", "Minor", "Possible"),
    "yellow": ("Expected", "Moderate", "Likely"),
    "orange": ("Expected", "Severe", "Likely"),
    "red": ("Immediate", "Extreme", "Likely"),
}
DATA = Path(__file__).parent / "data" / "warning_templates.json"
# Shelter managers' measures when a hazard does not give its own: ready at once, open from orange.
SHELTER_STEPS = [
    "检查场所设施和物资，保持联系畅通",
    "做好开放准备，安排人员值守",
    "开放场所，准备接收转移群众",
    "全面开放，登记安置转移群众并报告人数",
]
AREA = "{区域}"


@lru_cache(maxsize=1)
def standard_templates() -> list[dict]:
    """One dict of WarningTemplate fields per hazard and level the data defines."""
    hazards = json.loads(DATA.read_text(encoding="utf-8"))["hazards"]
    out = []
    for hazard in hazards:
        for i, level in enumerate(LEVELS):
            description = hazard["levels"].get(level)
            if not description:
                continue  # e.g. 高温 has no blue signal
            urgency, severity, certainty = CAP_BY_LEVEL[level]
            steps_by_audience = {"shelter": SHELTER_STEPS, **hazard["measures"]}
            measures = {
                audience: "；".join(step for step in steps[: i + 1] if step)
                for audience, steps in steps_by_audience.items()
            }
            out.append(
                {
                    "event": hazard["event"],
                    "category": hazard["category"],
                    "level": level,
                    "urgency": urgency,
                    "severity": severity,
                    "certainty": certainty,
                    "headline": f"{AREA}{hazard['event']}{LEVEL_NAMES[level]}预警",
                    "description": description,
                    "instruction": hazard["instruction"][i],
                    "measures": {k: v for k, v in measures.items() if v},
                    "hours": hazard["hours"],
                }
            )
    return out


def install(model) -> int:
    """Add the standard templates that are missing (by event and level); edited ones are left alone."""
    existing = set(model.objects.values_list("event", "level"))
    new = [model(**t) for t in standard_templates() if (t["event"], t["level"]) not in existing]
    model.objects.bulk_create(new)
    return len(new)


def fill(text: str, area: str) -> str:
    return text.replace(AREA, area)


def warning_fields(template, area: str) -> dict:
    """A warning's fields from a template for an area (what the editor's template picker fills in)."""
    return {
        "template": template,
        **{
            name: getattr(template, name) for name in ("event", "category", "level", "urgency", "severity", "certainty")
        },
        "headline": fill(template.headline, area),
        "description": fill(template.description, area),
        "instruction": template.instruction,
        "measures": dict(template.measures),
        "expires": timezone.now() + dt.timedelta(hours=template.hours),
    }
