"""Demo monitoring network: the seeds' 828 smart monitoring points (智能化监测预警) and 33 professional
ones on geological hazard sites, rain gauges in every township, water-level stations on the rivers;
each with the rules a bureau would set. Codes are stable for a county so that the recorded storm in
demo/data/storm.csv replays onto them (`anlan replay`)."""

from anlan.core.services import objects_bulk_create
from anlan.monitoring.models import Rule, Sensor
from anlan.sites.models import HazardSite

# Rainfall thresholds for flash floods and landslides in a mountain county (mm): 1 h and 3 h sums.
RAIN_1H = {"yellow": 30, "orange": 40, "red": 50}
RAIN_3H = {"blue": 40, "yellow": 50, "orange": 70, "red": 100}
RAIN_24H = {"blue": 50, "yellow": 100, "orange": 150, "red": 250}
DISPLACEMENT_RATE = {"yellow": 5, "orange": 10, "red": 20}  # mm/h
CRACK = {"yellow": 20, "orange": 40, "red": 60}  # mm of opening
WATER_ABOVE_WARNING = {"blue": -0.5, "yellow": 0.0, "orange": 0.5, "red": 1.0}  # m relative to 警戒水位


def load_monitoring(*, actor, county, townships, departments) -> dict[str, int]:
    depts = {d.kind: d for d in departments}
    c6 = county.code[:6]
    sensors, rules = [], []
    sites = HazardSite.objects.filter(code__startswith=f"{c6}-DZ-").exclude(monitoring="mass").order_by("code")
    for site in sites:
        kind = "crack" if site.kind == "rockfall" else "gnss"
        sensors.append(
            Sensor(
                code=f"{kind.upper()}-{site.code}",
                name=f"{site.name}{'裂缝计' if kind == 'crack' else 'GNSS'}",
                kind=kind,
                region_id=site.region_id,
                department=depts.get("natural_resources"),
                station=site.name,
                lon=site.lon,
                lat=site.lat,
                hazard_site=site,
                synthetic=True,
            )
        )
    for t in townships:
        for n in (1, 2):
            sensors.append(
                Sensor(
                    code=f"RG-{t.code[:9]}-{n}",
                    name=f"{t.name}雨量站{n}",
                    kind="rain_gauge",
                    region=t,
                    department=depts.get("meteorology"),
                    lon=t.center_lon + 0.01 * (n - 1.5),
                    lat=t.center_lat,
                    synthetic=True,
                )
            )
    for t in townships[::2]:
        sensors.append(
            Sensor(
                code=f"WL-{t.code[:9]}",
                name=f"{t.name}河道水位站",
                kind="water_level",
                region=t,
                department=depts.get("water"),
                station="（相对警戒水位，米）",
                lon=t.center_lon + 0.005,
                lat=t.center_lat - 0.005,
                synthetic=True,
            )
        )
    for s in sensors:  # a bulk insert skips Sensor.save(), which fills in the kind's unit
        s.unit = s.unit or Sensor.DEFAULT_UNITS.get(s.kind, "")
    created = objects_bulk_create(actor=actor, model=Sensor, instances=sensors)
    for s in created:
        if s.kind == "gnss":
            rules.append(Rule(sensor=s, name="位移速率", kind="rate", window_minutes=60, **DISPLACEMENT_RATE))
        elif s.kind == "crack":
            rules.append(Rule(sensor=s, name="裂缝宽度", kind="threshold", **CRACK))
        elif s.kind == "rain_gauge":
            rules += [
                Rule(sensor=s, name="1小时雨量", kind="accumulation", window_minutes=60, **RAIN_1H),
                Rule(sensor=s, name="3小时雨量", kind="accumulation", window_minutes=180, **RAIN_3H),
                Rule(sensor=s, name="24小时雨量", kind="accumulation", window_minutes=1440, **RAIN_24H),
            ]
        else:
            rules.append(Rule(sensor=s, name="超警戒水位", kind="threshold", hysteresis=0.1, **WATER_ABOVE_WARNING))
    Rule.objects.bulk_create(rules)
    return {"sensors": len(created), "rules": len(rules)}
