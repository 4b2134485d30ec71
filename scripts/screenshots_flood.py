"""Screenshots of every 防汛 (flood) page, as each role that uses them, at 1440×900 and 390×844 — for the page
review of issue 22 (what a role sees, Chinese labels, names not codes, numbers with units, no overflow on the phone).

    .venv/bin/python scripts/screenshots_flood.py [--out DIR] [--data-dir DIR] [--only flood-board,…]

Same machinery as scripts/screenshots.py (its demo county, `anlan serve` on a loopback port, Debian's Chromium):
it logs in as the county administrator, the county viewer (read-only), the water department's operator (水利局),
a township officer and a village grid worker (巡查), and opens the public 防汛责任人 公示 without a login.
The 工作台 notice "主汛期 第N天" shows only in the flood season: for the `home-*` pictures the script moves the demo
county's season of this year around today in its own data directory, and puts it back afterwards; for the
`flood-board*` pictures it puts two river stations over 警戒 and 保证水位 in the same way.
Writes <name>-<width>.png into --out (default /tmp/flood-shots: the review copies a handful into docs/img/flood/).
"""

import contextlib
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import DESK_ONLY, PHONE_ONLY, map_ready, run


def pictures(states: dict) -> dict:
    """name → (login state or None, path, prepare, sizes or None), for the pages the demo county has data for."""
    from django.urls import reverse

    from anlan.flood.models import (
        Dike,
        FlashFloodThreshold,
        FloodResponsibility,
        FloodSeason,
        FloodSetting,
        Reservoir,
        RiverStation,
    )
    from anlan.geo.models import Region, RegionLevel
    from anlan.sites.models import HazardSite
    from anlan.testing.personas import persona

    admin, viewer, dept, town, village = (states[k] for k in ("admin", "viewer", "dept", "town", "village"))
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").values_list("code", flat=True).first()
    own_town = persona("township_officer").region_id
    shots = {
        "flood-board": (admin, reverse("flood:board"), None, None),
        "flood-board-viewer": (viewer, reverse("flood:board"), None, None),
        "flood-board-dept": (dept, reverse("flood:board"), None, None),
        "flood-board-town": (town, reverse("flood:board"), None, None),
        "flood-board-village": (village, reverse("flood:board"), None, PHONE_ONLY),
        "flood-reservoirs": (admin, "/flood/reservoir/", None, None),
        "flood-reservoirs-viewer": (viewer, "/flood/reservoir/", None, None),
        "flood-reservoirs-dept": (dept, "/flood/reservoir/", None, None),
        "flood-reservoirs-town": (town, "/flood/reservoir/", None, None),
        "flood-reservoir-add": (admin, "/flood/reservoir/add/", None, None),
        "flood-dikes": (admin, "/flood/dike/", None, None),
        "flood-dikes-town": (town, "/flood/dike/", None, None),
        "flood-dike-add": (town, "/flood/dike/add/", None, None),
        "flood-stations": (admin, "/flood/riverstation/", None, None),
        "flood-stations-viewer": (viewer, "/flood/riverstation/", None, None),
        "flood-station-add": (dept, "/flood/riverstation/add/", None, None),
        "flood-responsibilities": (admin, "/flood/floodresponsibility/", None, None),
        "flood-responsibilities-viewer": (viewer, "/flood/floodresponsibility/", None, None),
        "flood-responsibility-add": (town, "/flood/floodresponsibility/add/", None, None),
        "flood-duty": (admin, reverse("flood:duty"), None, None),
        "flood-duty-viewer": (viewer, reverse("flood:duty"), None, None),
        "flood-duty-town": (town, reverse("flood:duty"), None, None),
        "flood-duty-village": (village, reverse("flood:duty"), None, PHONE_ONLY),
        "flood-duty-import": (admin, reverse("flood:duty_import"), None, None),
        "flood-thresholds": (admin, "/flood/flashfloodthreshold/", None, None),
        "flood-thresholds-viewer": (viewer, "/flood/flashfloodthreshold/", None, None),
        "flood-threshold-add": (dept, reverse("flood:threshold_add"), None, None),
        "flood-seasons": (admin, "/flood/floodseason/", None, None),
        "flood-seasons-town": (town, "/flood/floodseason/", None, None),
        "flood-season-add": (admin, "/flood/floodseason/add/", None, None),
        "flood-settings": (admin, "/flood/floodsetting/", None, None),
        "flood-settings-viewer": (viewer, "/flood/floodsetting/", None, None),
        "flood-setting-add": (admin, "/flood/floodsetting/add/", None, None),
        "flood-public": (None, reverse("flood_public:board", args=[county]), None, None),
        "flood-map-dike": (admin, "/geo/map/?layer=flood_dikes,flood_reservoirs", dike_popup, None),
        "home": (admin, reverse("home"), None, None),
        "home-town": (town, reverse("home"), None, PHONE_ONLY),
        "home-dept": (dept, reverse("home"), None, DESK_ONLY),
    }
    # The demo's 龙潭水库 is over its 汛限水位; the first incomplete one shows the 缺X status.
    reservoir = Reservoir.objects.filter(sensor__isnull=False).order_by("code").first()
    reservoir = reservoir or Reservoir.objects.order_by("code").first()
    if reservoir:
        shots["flood-reservoir"] = (admin, f"/flood/reservoir/{reservoir.pk}/", None, None)
        shots["flood-reservoir-viewer"] = (viewer, f"/flood/reservoir/{reservoir.pk}/", None, None)
        shots["flood-reservoir-edit"] = (dept, f"/flood/reservoir/{reservoir.pk}/edit/", None, None)
        shots["flood-reservoir-duty"] = (admin, reverse("flood:reservoir_duty", args=[reservoir.pk]), None, None)
        shots["flood-reservoir-duty-viewer"] = (
            viewer,
            reverse("flood:reservoir_duty", args=[reservoir.pk]),
            None,
            None,
        )
    own = Reservoir.objects.filter(region__pk__startswith=own_town[:9]).order_by("code").first()
    if own:
        shots["flood-reservoir-duty-town"] = (town, reverse("flood:reservoir_duty", args=[own.pk]), None, None)
        shots["flood-reservoir-town"] = (town, f"/flood/reservoir/{own.pk}/", None, None)
    dike = Dike.objects.order_by("code").first()
    if dike:
        shots["flood-dike"] = (admin, f"/flood/dike/{dike.pk}/", None, None)
        shots["flood-dike-duty"] = (admin, reverse("flood:dike_duty", args=[dike.pk]), None, None)
    station = RiverStation.objects.order_by("pk").first()
    if station:
        shots["flood-station"] = (admin, f"/flood/riverstation/{station.pk}/", None, None)
        shots["flood-station-edit"] = (dept, f"/flood/riverstation/{station.pk}/edit/", None, None)
    duty = FloodResponsibility.objects.order_by("pk").first()
    if duty:
        shots["flood-responsibility"] = (admin, f"/flood/floodresponsibility/{duty.pk}/", None, None)
        shots["flood-responsibility-viewer"] = (viewer, f"/flood/floodresponsibility/{duty.pk}/", None, None)
    zone = (
        HazardSite.objects.filter(kind="flash_flood", status="active", region__pk__startswith=own_town[:9])
        .order_by("code")
        .first()
    )
    if zone:
        shots["flood-zone-duty-town"] = (town, reverse("flood:site_duty", args=[zone.pk]), None, None)
    own_village = persona("village_grid_worker").region_id
    village_zone = HazardSite.objects.filter(kind__in=["flash_flood", "waterlogging"], region_id=own_village).first()
    if village_zone:
        shots["flood-zone-duty-village"] = (
            village,
            reverse("flood:site_duty", args=[village_zone.pk]),
            None,
            PHONE_ONLY,
        )
    threshold = FlashFloodThreshold.objects.order_by("pk").first()
    if threshold:
        shots["flood-threshold"] = (admin, f"/flood/flashfloodthreshold/{threshold.pk}/", None, None)
        shots["flood-threshold-viewer"] = (viewer, f"/flood/flashfloodthreshold/{threshold.pk}/", None, None)
        shots["flood-threshold-edit"] = (dept, reverse("flood:threshold_edit", args=[threshold.pk]), None, None)
    season = FloodSeason.objects.order_by("-year").first()
    if season:
        shots["flood-season"] = (admin, f"/flood/floodseason/{season.pk}/", None, None)
        shots["flood-season-edit"] = (admin, f"/flood/floodseason/{season.pk}/edit/", None, None)
        shots["flood-season-viewer"] = (viewer, f"/flood/floodseason/{season.pk}/", None, None)
    setting = FloodSetting.objects.order_by("pk").first()
    if setting:
        shots["flood-setting"] = (admin, f"/flood/floodsetting/{setting.pk}/", None, None)
        shots["flood-setting-edit"] = (admin, f"/flood/floodsetting/{setting.pk}/edit/", None, None)
    return shots


def dike_popup(page, width):
    """The 一张图 with the 水库 and 堤防 layers on and the first dike's popup open (堤防级别 "3 级")."""
    map_ready(page, width)
    page.evaluate(
        """() => { var first = null; window.anlanLayers.flood_dikes.eachLayer(l => { first = first || l; });
        window.anlanMap.setView(first.getLatLng(), 13); first.openPopup(); }"""
    )
    page.wait_for_timeout(1000)


class InSeason:
    """Move this year's season of the county around today (main period included), and back afterwards."""

    def __enter__(self):
        from django.utils import timezone

        from anlan.flood.models import FloodSeason
        from anlan.geo.models import Region, RegionLevel

        today = timezone.localdate()
        county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
        self.before = FloodSeason.objects.filter(region=county, year=today.year).first()
        saved = dict(self.before.__dict__) if self.before else None
        self.saved = saved
        season = self.before or FloodSeason(region=county, year=today.year, basis="截图用")
        season.start, season.end = (
            today - dt.timedelta(days=40),
            min(today + dt.timedelta(days=30), dt.date(today.year, 12, 31)),
        )
        season.main_start, season.main_end = (
            today - dt.timedelta(days=9),
            min(today + dt.timedelta(days=20), season.end),
        )
        season.save()
        self.season = season
        return self

    def __exit__(self, *exc):
        if self.saved is None:
            self.season.delete()
            return
        for field in ("start", "end", "main_start", "main_end"):
            setattr(self.season, field, self.saved[field])
        self.season.save()


class RiversUp:
    """Two river stations just over 警戒 and 保证水位 (their last values, as a gateway's reading would leave them), and
    back afterwards: the demo's stations have no reading of today, and the board would show only 无数据."""

    def __enter__(self):
        from django.utils import timezone

        from anlan.flood.models import RiverStation
        from anlan.monitoring.models import Sensor

        stations = list(RiverStation.objects.select_related("sensor").order_by("pk")[:2])
        self.saved = [(s.sensor_id, s.sensor.last_value, s.sensor.last_ts) for s in stations]
        now = timezone.now()
        levels = [float(s.warning_level) + 0.46 for s in stations[:1]] + [
            float(s.guarantee_level) + 0.35 for s in stations[1:]
        ]
        for station, value in zip(stations, levels, strict=True):
            Sensor.objects.filter(pk=station.sensor_id).update(last_value=value, last_ts=now)
        return self

    def __exit__(self, *exc):
        from anlan.monitoring.models import Sensor

        for pk, value, ts in self.saved:
            Sensor.objects.filter(pk=pk).update(last_value=value, last_ts=ts)


def around(name: str):
    """The 工作台 pictures in the flood season, the board's with two rivers up."""
    if name.startswith("home"):
        return InSeason()
    if name.startswith("flood-board"):
        return RiversUp()
    return contextlib.nullcontext()


def main(argv: list[str] | None = None) -> int:
    return run(pictures, doc=__doc__, out=Path("/tmp/flood-shots"), wrap=around, argv=argv)


if __name__ == "__main__":
    sys.exit(main())
