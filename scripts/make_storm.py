"""Write anlan/demo/data/storm.csv: an eight-hour storm over the demo county (巫山, seed 42), recorded
every five minutes, for `anlan replay`. Run against a database holding the demo (deterministic).

A rain cell sits over three townships with its peak in the fifth hour (core township ≈ 60 mm in an
hour, 150 mm in the storm); elsewhere it drizzles. The river station in the core township rises past
its warning level as the rain runs off, and the GNSS station on a landslide in the core township speeds
up from 2 to about 25 mm/h.
"""

import csv
import math
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")
django.setup()

from anlan.monitoring.models import Sensor  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "anlan" / "demo" / "data" / "storm.csv"
STEP, MINUTES = 5, 480


def rate_mm_h(hour: float) -> float:
    """The landslide creeps at 2 mm/h, then speeds up to 25 mm/h between hours 4 and 6."""
    return 2.0 if hour < 4 else 2.0 + 23.0 * min((hour - 4) / 2.0, 1.0)


def main() -> None:
    gauges = list(Sensor.objects.filter(kind="rain_gauge", code__startswith="RG-500237").order_by("code"))
    townships = sorted({g.code[3:12] for g in gauges})
    core = townships[4]
    weight = {core: 1.0, townships[3]: 0.7, townships[5]: 0.45}
    water = Sensor.objects.filter(kind="water_level", code__startswith="WL-500237").order_by("code")
    river = next(s for s in water if s.code[3:12] in weight)
    gnss = Sensor.objects.filter(kind="gnss", region__code__startswith=core).order_by("code").first()
    rows, stored, displacement = [], 0.0, 0.0
    for minute in range(0, MINUTES + 1, STEP):
        hour = minute / 60
        peak = 5.2 * math.exp(-((hour - 4.5) ** 2) / 1.6)  # mm per 5 minutes at the core
        for g in gauges:
            w = weight.get(g.code[3:12], 0.08)
            rows.append((minute, g.code, round(peak * w + (0.1 if w > 0.1 else 0.05), 2)))
        stored += peak * 0.9
        level = -1.6 + min(stored / 55.0, 2.6)  # relative to the warning level (m)
        rows.append((minute, river.code, round(level, 3)))
        rows.append((minute, gnss.code, round(150.0 + displacement, 2)))
        displacement += rate_mm_h(hour) * STEP / 60
    with OUT.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["minute", "sensor", "value"])
        writer.writerows(rows)
    print(f"{len(rows)} readings, {len(gauges)} rain gauges, river {river.code}, GNSS {gnss.code} → {OUT}")


if __name__ == "__main__":
    main()
