"""Demo registers of the storm's disaster process (issue 16): a few damaged houses and at most one victim.

Called after the statistics demo has created the process and its reports: `add_demo_registers(name)`
takes the process by name and does nothing when there is none (or when it already has registers, so a
second run adds nothing). Houses agree with the reported rooms by degree where the figures name a few;
with no housing figures yet, three modest households are registered (the page then shows what the 核报
still lacks, as it would in a real storm). Houses come from the threatened-household roster of the hit
townships first (head, phone, address, size prefilled as on the page), then from generated households.
"""

import numpy as np
from django.db.models import Q
from django.utils import timezone

from anlan.core.services import objects_bulk_create
from anlan.core.validators import id_number_check_char
from anlan.disasters.completeness import reported_rooms
from anlan.disasters.models import DamagedHouse, DisasterProcess, Victim
from anlan.disasters.selectors import township_figures
from anlan.geo.models import Region
from anlan.sites.models import Household

__all__ = ["add_demo_registers"]

# A demo county's storm seldom needs more: beyond this the figures are left for the 核报 notice to show.
MAX_HOUSES_PER_DEGREE = 4
SURNAMES, GIVEN = "王李张刘陈杨黄赵周吴", "明华建国秀英志强丽军平德"


def _rooms_split(total: int, households: int) -> list[int]:
    """`total` rooms over at most `households` households, each at least one room (largest first)."""
    count = max(1, min(households, total))
    base, extra = divmod(total, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def _house(process, village, picked, degree, rooms, name, id_number, rng, number) -> DamagedHouse:
    """One damaged household: from the roster when `picked` (as the page prefills it), else generated."""
    return DamagedHouse(
        process=process,
        region=village,
        household=picked,
        head_name=picked.head_name if picked else name(),
        head_id_number=id_number(),
        phone=picked.phone if picked and picked.phone else f"1990000{int(rng.integers(0, 10000)):04d}",
        address=picked.address if picked and picked.address else f"{village.name}{number}组",
        members=picked.people if picked else int(rng.integers(2, 6)),
        degree=degree,
        rooms=rooms,
        structure=DamagedHouse.Structure.BRICK_WOOD,
        note="演示数据",
        synthetic=True,
    )


def add_demo_registers(process_name: str, *, actor=None, seed: int = 16, rooms_per_house: int = 0) -> str:
    process = DisasterProcess.objects.filter(name=process_name).order_by("-started_at").first()
    if process is None:
        return ""
    if process.damaged_houses.exists() or process.victims.exists():
        return ""
    rng = np.random.default_rng(seed)
    county6 = process.region_id[:6]
    prefixes = [code[:9] for code in process.regions.values_list("code", flat=True)]
    within = Q(pk__in=[])
    for prefix in prefixes:
        within |= Q(code__startswith=prefix)
    villages = list(Region.objects.filter(within, level="village").order_by("code"))
    if not villages:
        return ""
    hit = {v.code for v in villages}
    roster = [
        h for h in Household.objects.filter(active=True).select_related("region").order_by("pk") if h.region_id in hit
    ]

    def id_number() -> str:
        year, month, day = int(rng.integers(1950, 2000)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
        first17 = f"{county6}{year}{month:02d}{day:02d}{int(rng.integers(0, 1000)):03d}"
        return first17 + id_number_check_char(first17)

    def name() -> str:
        return str(rng.choice(list(SURNAMES))) + "".join(rng.choice(list(GIVEN), size=2))

    figures = township_figures(process)
    # Per township, the rooms it reported by degree; nothing reported: a few households in the first one.
    wanted = {code: reported_rooms({code: row}) for code, row in figures.items()}
    if not any(rooms for by_degree in wanted.values() for rooms in by_degree.values()):
        wanted = {villages[0].code[:9]: {DamagedHouse.Degree.SEVERE: 2, DamagedHouse.Degree.GENERAL: 3}}
    houses = []
    for township, by_degree in wanted.items():
        own_villages = [v for v in villages if v.code[:9] == township[:9]] or villages
        own_roster = [h for h in roster if h.region_id[:9] == township[:9]]
        for degree, rooms in by_degree.items():
            # A household has 2–4 rooms when `rooms_per_house` is given (a big flood's register), else at most
            # MAX_HOUSES_PER_DEGREE households per degree and township (the storm's few).
            houses_n = -(-rooms // rooms_per_house) if rooms_per_house else MAX_HOUSES_PER_DEGREE
            for count in _rooms_split(rooms, houses_n) if rooms else []:
                picked = own_roster.pop(0) if own_roster else None
                village = picked.region if picked else own_villages[len(houses) % len(own_villages)]
                houses.append(_house(process, village, picked, degree, count, name, id_number, rng, len(houses) + 1))
    objects_bulk_create(actor=actor, model=DamagedHouse, instances=houses)

    dead = sum(int(row.get("deaths") or 0) for row in figures.values())
    missing = sum(int(row.get("missing") or 0) for row in figures.values())
    victims = []
    if dead + missing == 1:  # one person is registered; more are left to the bureau's own register
        reporting = [code for code, row in figures.items() if row.get("deaths") or row.get("missing")]
        village = next(v for v in villages if v.code[:9] == reporting[0][:9]) if reporting else villages[0]
        victims.append(
            Victim(
                process=process,
                region=village,
                name=name(),
                id_number=id_number(),
                sex=Victim.Sex.MALE,
                age=int(rng.integers(30, 80)),
                outcome=Victim.Outcome.DEAD if dead else Victim.Outcome.MISSING,
                occurred_on=timezone.localtime(process.started_at).date(),
                place=f"{village.name}河沟",
                cause="山洪冲走",
                synthetic=True,
            )
        )
        objects_bulk_create(actor=actor, model=Victim, instances=victims)
    return f"灾情台账：倒损住房 {len(houses)} 户，死亡失踪人员 {len(victims)} 人（{process.name}）"
