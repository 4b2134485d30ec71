"""Are the 核报 materials complete (§4.3 attachments)? The registers must agree with the figures, and a
disaster that started an emergency response needs at least three photos.

DECISION (issue 16; docs/disasters.md): the CONTRACT API accepts a 核报 regardless — the figures
go up first and the attachments follow, and the published API must not change. Until the materials are
complete, the process page, the duty desk and the exports show "核报材料不全：…" (`notice`), and the page
that submits a 核报 warns with `final_blockers` before it is sent. Nothing else here is for other modules.

The comparison itself is pure (`blockers`), the database is read once per figure in `final_blockers`.
"""

from .models.registers import DamagedHouse
from .selectors import houses_by_degree, photo_count, township_figures, victims_by_outcome

__all__ = ["MIN_PHOTOS_WITH_RESPONSE", "blockers", "final_blockers", "notice"]

# §4.3: events that started an emergency response are reported with at least 3 photos.
MIN_PHOTOS_WITH_RESPONSE = 3

# Each degree of the housing register and the quick-report rooms it is compared with: the register lists
# dwellings (应急统表9 倒塌损坏住房户), so the "其中：住房间数" item; a township that reported only the rooms
# total (the CONTRACT API names only the totals) is compared on that total.
DEGREE_ROOMS = {
    DamagedHouse.Degree.COLLAPSED: ("collapsed_residential_rooms", "collapsed_rooms"),
    DamagedHouse.Degree.SEVERE: ("severely_damaged_residential_rooms", "severely_damaged_rooms"),
    DamagedHouse.Degree.GENERAL: ("generally_damaged_residential_rooms", "generally_damaged_rooms"),
}


def reported_rooms(figures: dict[str, dict]) -> dict[str, int]:
    """Rooms by degree the townships reported: each township's residential rooms, or its rooms total."""
    out = dict.fromkeys(DEGREE_ROOMS, 0)
    for row in figures.values():
        for degree, (residential, total) in DEGREE_ROOMS.items():
            out[degree] += int(row.get(residential) or 0) or int(row.get(total) or 0)
    return out


def blockers(
    *,
    figures: dict[str, dict],
    victims: dict[str, int],
    rooms: dict[str, int],
    photos: int,
    response_started: bool,
) -> list[str]:
    """Pure: what is missing, in Chinese, from the townships' figures and the registers' counts."""
    out = []
    deaths = sum(int(row.get("deaths") or 0) for row in figures.values())
    missing = sum(int(row.get("missing") or 0) for row in figures.values())
    dead_listed, missing_listed = victims.get("dead", 0), victims.get("missing", 0)
    if (deaths, missing) != (dead_listed, missing_listed):
        out.append(
            f"因灾死亡失踪人员台账登记死亡 {dead_listed} 人、失踪 {missing_listed} 人，"
            f"统计数为死亡 {deaths} 人、失踪 {missing} 人"
        )
    expected = reported_rooms(figures)
    for degree, label in DamagedHouse.Degree.choices:
        if expected[degree] != rooms.get(degree, 0):
            out.append(f"倒损住房户台账{label} {rooms.get(degree, 0)} 间，统计数为 {expected[degree]} 间")
    if response_started and photos < MIN_PHOTOS_WITH_RESPONSE:
        out.append(f"已启动应急响应，灾情照片需至少 {MIN_PHOTOS_WITH_RESPONSE} 张，现有 {photos} 张")
    return out


def final_blockers(process) -> list[str]:
    """What keeps this process's 核报 materials incomplete (empty when complete)."""
    return blockers(
        figures=township_figures(process),
        victims=victims_by_outcome(process),
        rooms={degree: sums["rooms"] for degree, sums in houses_by_degree(process).items()},
        photos=photo_count(process),
        response_started=process.response_started,
    )


def notice(process) -> str:
    """The line pages and exports show while materials are missing ("" when complete)."""
    missing = final_blockers(process)
    return "核报材料不全：" + "；".join(missing) if missing else ""
