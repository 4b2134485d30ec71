"""Demo data of 避险转移到户到人: the roster of the threatened sites, and the storm's transfers.

`load_households` (called by the loader) gives every active site of the townships the storm reaches — the
townships of sites with a monitoring sensor — and of the first township its threatened households, as many
as the site registers and with exactly its registered people, so the site pages show no discrepancy. The
包保责任人 is the village's grid worker where the demo has one. `play_transfers` (called by the storm
scenario after its warning opened the lists) marks them the way a first hour goes: most households out,
one refusing, one away, the rest still to be reached, some checked into the site's shelter.
"""

import numpy as np

from anlan.accounts.models import User
from anlan.core.errors import DomainError
from anlan.core.roles import Role
from anlan.core.services import objects_bulk_create
from anlan.disasters import transfer
from anlan.disasters.models import TransferActivation, TransferMark
from anlan.monitoring.models import Sensor
from anlan.sites.models import HazardSite, Household

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
GIVEN = "德明建国秀英志强桂兰文华玉珍永福春梅海军淑芬国平金凤家福子云光荣红英大勇友才"
# Households with someone who cannot walk out alone: what the 包保责任人 must plan for.
NEEDS = ["卧床老人 1 人，需担架", "孕妇 1 人", "独居老人，行动不便", "残疾人 1 人，需搀扶", "婴幼儿 2 人"]
MAX_HOUSEHOLDS = 1500  # keeps the demo county quick to load


def _name(rng) -> str:
    given = "".join(GIVEN[int(i)] for i in rng.integers(0, len(GIVEN), size=int(rng.integers(1, 3))))
    return SURNAMES[int(rng.integers(len(SURNAMES)))] + given


def _split(people: int, households: int, rng) -> list[int]:
    """`people` shared among `households`, each at least 1 (the roster adds up to the registered figure)."""
    sizes = np.ones(households, dtype=int)
    for i in rng.integers(0, households, size=max(people - households, 0)):
        sizes[i] += 1
    return [int(s) for s in sizes]


def demo_sites(county, townships) -> list[HazardSite]:
    watched = Sensor.objects.filter(hazard_site__isnull=False, region__code__startswith=county.code[:6])
    prefixes = {code[:9] for code in watched.values_list("hazard_site__region_id", flat=True)}
    if townships:
        prefixes.add(townships[0].code[:9])
    sites = HazardSite.objects.filter(status=HazardSite.Status.ACTIVE, threatened_households__gt=0).order_by("code")
    return [s for s in sites.select_related("region") if s.region_id[:9] in prefixes]


def load_households(*, actor, county, townships, seed: int = 42) -> dict[str, int]:
    rng = np.random.default_rng(seed + 1600)
    guardians = {u.region_id: u for u in User.objects.filter(role=Role.VILLAGE_WORKER, is_active=True).order_by("-pk")}
    rows, serial = [], 0
    for site in demo_sites(county, townships):
        if len(rows) + site.threatened_households > MAX_HOUSEHOLDS:
            break
        for people in _split(site.threatened_people, site.threatened_households, rng):
            serial += 1
            vulnerable = min(people, int(rng.integers(0, 3)) if rng.random() < 0.35 else 0)
            rows.append(
                Household(
                    site=site,
                    region=site.region,
                    head_name=_name(rng),
                    phone=f"1990000{serial % 10000:04d}",
                    people=people,
                    vulnerable=vulnerable,
                    vulnerable_note=NEEDS[int(rng.integers(len(NEEDS)))] if vulnerable else "",
                    address=f"{site.region.name}{int(rng.integers(1, 9))}组{int(rng.integers(1, 80))}号",
                    lon=round(site.lon + float(rng.uniform(-0.004, 0.004)), 6),
                    lat=round(site.lat + float(rng.uniform(-0.004, 0.004)), 6),
                    guardian=guardians.get(site.region_id),
                    synthetic=True,
                )
            )
    objects_bulk_create(actor=actor, model=Household, instances=rows)
    return {"households": len(rows)}


def play_transfers(actor, warning, *, seed: int = 7) -> dict[str, int]:
    """Mark the households of the lists `warning` opened: about two thirds transferred (a few checked into
    the site's shelter while it has room), one refusal and one away per site, the rest not reached yet."""
    rng = np.random.default_rng(seed)
    counts = {"activations": 0, "transferred": 0, "checked_in": 0}
    activations = TransferActivation.objects.filter(warning=warning).select_related("site", "site__shelter")
    for activation in activations:
        counts["activations"] += 1
        households = list(activation.site.households.filter(active=True).order_by("pk"))
        for i, household in enumerate(households):
            roll = rng.random()
            state = (
                TransferMark.State.REFUSED
                if i == 1
                else TransferMark.State.AWAY
                if i == 2
                else TransferMark.State.TRANSFERRED
                if roll < 0.7
                else None
            )
            if state is None:
                continue
            who = household.guardian or actor
            shelter = activation.site.shelter if state == "transferred" and roll < 0.25 else None
            try:
                transfer.mark(
                    actor=who,
                    activation=activation,
                    household=household,
                    state=state,
                    lon=household.lon,
                    lat=household.lat,
                    note="老人已背下山" if household.vulnerable and state == "transferred" else "",
                    shelter=shelter,
                )
            except DomainError:  # a full or closed shelter: the family stays with relatives instead
                transfer.mark(actor=who, activation=activation, household=household, state=state)
                shelter = None
            counts["transferred"] += state == TransferMark.State.TRANSFERRED
            counts["checked_in"] += shelter is not None
    return counts
