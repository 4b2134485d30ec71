"""核报 completeness (§4.3): registers agree with the figures, ≥ 3 photos when a response was started."""

import pytest
from django.core.files.base import ContentFile

from anlan.disasters.completeness import blockers, final_blockers, notice
from anlan.disasters.models import DisasterPhoto
from anlan.testing.helpers import image_bytes

from .registers_data import add_house, add_report, add_victim, make_process

NO_ROOMS = {"collapsed": 0, "severe": 0, "general": 0}


def test_complete_materials_have_no_blockers():
    figures = {"t1": {"deaths": 1, "missing": 1, "collapsed_rooms": 4}}
    rooms = {**NO_ROOMS, "collapsed": 4}
    assert (
        blockers(figures=figures, victims={"dead": 1, "missing": 1}, rooms=rooms, photos=0, response_started=False)
        == []
    )


def test_victims_are_compared_by_outcome():
    figures = {"t1": {"deaths": 1}, "t2": {"missing": 1}}
    found = blockers(
        figures=figures, victims={"dead": 2, "missing": 0}, rooms=NO_ROOMS, photos=0, response_started=False
    )
    assert found == ["因灾死亡失踪人员台账登记死亡 2 人、失踪 0 人，统计数为死亡 1 人、失踪 1 人"]


def test_rooms_use_the_residential_item_and_fall_back_to_the_total_per_township():
    # t1 gave the 其中：住房 item (5 of 7 collapsed rooms are dwellings); t2 only the total (API style).
    figures = {
        "t1": {"collapsed_rooms": 7, "collapsed_residential_rooms": 5},
        "t2": {"collapsed_rooms": 2, "generally_damaged_rooms": 3},
    }
    rooms = {"collapsed": 7, "severe": 0, "general": 3}
    assert blockers(figures=figures, victims={}, rooms=rooms, photos=0, response_started=False) == []
    short = blockers(figures=figures, victims={}, rooms={**rooms, "collapsed": 6}, photos=0, response_started=False)
    assert short == ["倒损住房户台账倒塌 6 间，统计数为 7 间"]


def test_photos_are_required_only_with_a_response():
    assert blockers(figures={}, victims={}, rooms=NO_ROOMS, photos=2, response_started=False) == []
    assert blockers(figures={}, victims={}, rooms=NO_ROOMS, photos=2, response_started=True) == [
        "已启动应急响应，灾情照片需至少 3 张，现有 2 张"
    ]
    assert blockers(figures={}, victims={}, rooms=NO_ROOMS, photos=3, response_started=True) == []


@pytest.mark.django_db
def test_final_blockers_read_the_latest_row_of_each_township_and_the_registers(tree):
    process = make_process(tree, response_started=True)
    add_report(process, {tree.township: {"deaths": 1, "collapsed_rooms": 2}}, stage="initial")
    # The second report revises the township up; the other township appears.
    add_report(process, {tree.township: {"deaths": 2, "collapsed_rooms": 3}, tree.other_township: {"missing": 1}})
    found = final_blockers(process)
    assert found[0] == "因灾死亡失踪人员台账登记死亡 0 人、失踪 0 人，统计数为死亡 2 人、失踪 1 人"
    assert "倒损住房户台账倒塌 0 间，统计数为 3 间" in found
    assert notice(process).startswith("核报材料不全：因灾死亡失踪人员台账")

    add_victim(process, tree.village)
    add_victim(process, tree.village, name="王五")
    add_victim(process, tree.other_village, outcome="missing")
    add_house(process, tree.village, rooms=2)
    add_house(process, tree.village, rooms=1, head_name="赵六")
    for n in range(3):
        DisasterPhoto.objects.create(
            process=process, region=tree.village, caption=f"现场{n}", image=ContentFile(image_bytes(), name=f"{n}.png")
        )
    assert final_blockers(process) == []
    assert notice(process) == ""


@pytest.mark.django_db
def test_the_duty_desk_lists_a_final_process_with_materials_missing_until_complete(tree):
    from django.utils import timezone

    from anlan.duty.sources import open_items

    process = make_process(tree)
    add_report(process, {tree.township: {"deaths": 1}}, stage="initial")
    later = timezone.now() + timezone.timedelta(minutes=1)
    assert not [i for i in open_items(tree.county.code, later) if i["kind"] == "disaster_materials"]

    process.status = process.Status.FINAL  # the 核报 went up first (the API accepts it regardless)
    process.save()
    later = timezone.now() + timezone.timedelta(minutes=1)
    items = [i for i in open_items(tree.county.code, later) if i["kind"] == "disaster_materials"]
    assert len(items) == 1 and items[0]["label"] == "核报材料不全"
    assert items[0]["title"].startswith(f"{process.name}：核报材料不全：因灾死亡失踪人员台账登记死亡 0 人")
    assert items[0]["link"] == f"/disasters/{process.pk}/registers/"
    # The township hit sees it at its desk; a township outside the process does not.
    process.regions.set([tree.township])
    assert [i for i in open_items(tree.township.code, later) if i["kind"] == "disaster_materials"]
    assert not [i for i in open_items(tree.other_township.code, later) if i["kind"] == "disaster_materials"]

    add_victim(process, tree.village)
    assert not [i for i in open_items(tree.county.code, later) if i["kind"] == "disaster_materials"]
