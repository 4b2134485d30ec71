"""Township returns and village entries: the 灾害信息员 enters his village's figures, the township sums them
(汇总村级数据) or enters its own, reviews (审核); the county approves (审定) or sends back (退回) with a
comment; the next 续报 is compiled from the approved returns. Every step is audited and shown as a timeline;
figures are checked exactly as the API checks them (indicators.parse_row)."""

import pytest

from anlan.core.errors import DomainError, NotAllowed, NotFound
from anlan.core.models import AuditEntry
from anlan.disasters import selectors, services
from anlan.disasters.models import TownshipReturn, VillageEntry
from anlan.geo.models import Region
from anlan.inbox.models import Notification
from anlan.testing.personas import persona

from .helpers import new_process

pytestmark = pytest.mark.django_db


def _second_village(tree):
    return Region.objects.filter(parent=tree.township).exclude(code=tree.village.code).order_by("code").first()


def test_villages_summed_reviewed_approved_and_compiled_into_the_update(tree):
    process = new_process(tree)
    worker, officer, county = persona("village_grid_worker"), persona("township_officer"), persona("county_operator")
    first = {"affected_people": "120", "collapsed_rooms": "3"}
    services.village_entry_save(actor=worker, process=process, village=tree.village, raw=first, note="山洪冲毁房屋")
    services.village_entry_save(actor=officer, process=process, village=_second_village(tree),
                                raw={"affected_people": 30, "crop_affected_ha": "4.5"})  # fmt: skip
    ret = services.return_sum_villages(actor=officer, process=process, township=tree.township)
    assert (ret.affected_people, ret.collapsed_rooms, str(ret.crop_affected_ha)) == (150, 3, "4.50")
    assert ret.from_villages and ret.status == "draft"
    with pytest.raises(NotAllowed):
        services.return_step(actor=officer, ret=ret, action="approve")  # only the county approves
    services.return_step(actor=officer, ret=ret, action="review")
    services.return_step(actor=county, ret=ret, action="approve")
    ret.refresh_from_db()
    assert ret.status == "approved" and ret.approved_by == county and ret.reviewed_by == officer
    rows = services.compile_rows(process)
    assert rows == [{"region": tree.township.code, **{k: v for k, v in rows[0].items() if k != "region"}}]
    assert rows[0]["affected_people"] == 150
    services.submit_report(actor=county, process=process, stage="initial", rows=rows)
    assert services.totals(process)["affected_people"] == 150
    actions = [e.action for e in selectors.timeline(ret)]
    assert actions == [
        "disaster_village_entry_create",
        "disaster_village_entry_create",
        "disaster_return_sum_villages",
        "disaster_return_review",
        "disaster_return_approve",
    ]


def test_send_back_needs_a_comment_tells_the_township_and_new_figures_are_reviewed_again(tree):
    process = new_process(tree)
    officer, county = persona("township_officer"), persona("county_operator")
    ret = services.return_save(actor=officer, process=process, township=tree.township, raw={"deaths": 1})
    services.return_step(actor=officer, ret=ret, action="review")
    with pytest.raises(DomainError, match="退回意见"):
        services.return_step(actor=county, ret=ret, action="send_back", comment="")
    services.return_step(actor=county, ret=ret, action="send_back", comment="死亡人员须附台账")
    ret.refresh_from_db()
    assert ret.status == "returned" and ret.comment == "死亡人员须附台账"
    assert Notification.objects.filter(recipient=officer, title__contains="被退回").exists()
    ret = services.return_save(actor=officer, process=process, township=tree.township, raw={"deaths": 1, "missing": 1})
    assert ret.status == "draft"
    assert AuditEntry.objects.filter(action="disaster_return_send_back", object_id=str(ret.pk)).exists()


def test_figures_are_checked_as_the_api_checks_them_and_nothing_is_written(tree):
    process = new_process(tree)
    with pytest.raises(services.FigureErrors) as refused:
        services.village_entry_save(actor=persona("village_grid_worker"), process=process, village=tree.village,
                                    raw={"injured": "1", "seriously_injured": "2"})  # fmt: skip
    assert list(refused.value.errors) == ["seriously_injured"]
    assert not VillageEntry.objects.filter(process=process).exists()
    with pytest.raises(services.FigureErrors):
        services.return_save(actor=persona("township_officer"), process=process, township=tree.township,
                             raw={"deaths": "-3"})  # fmt: skip
    assert not TownshipReturn.objects.filter(process=process).exists()


def test_scope_a_worker_enters_only_his_village_a_township_only_its_own_return(tree):
    process = new_process(tree)
    with pytest.raises(NotAllowed):
        services.village_entry_save(actor=persona("village_grid_worker"), process=process,
                                    village=tree.other_village, raw={})  # fmt: skip
    with pytest.raises(NotAllowed):
        services.return_save(actor=persona("other_township_officer"), process=process, township=tree.township, raw={})
    with pytest.raises(NotFound):  # another township's return is not there for it
        ret = services.return_save(actor=persona("township_officer"), process=process, township=tree.township, raw={})
        services.return_step(actor=persona("other_township_officer"), ret=ret, action="review")
    only_ours = new_process(tree, townships=[tree.other_township], name="另一乡镇")
    with pytest.raises(NotFound):
        services.village_entry_save(actor=persona("village_grid_worker"), process=only_ours, village=tree.village,
                                    raw={})  # fmt: skip


def test_after_the_final_report_returns_are_locked(tree):
    process = new_process(tree)
    county = persona("county_operator")
    services.submit_report(actor=county, process=process, stage="initial", rows=[{"region": tree.township.code}])
    services.submit_report(actor=county, process=process, stage="final", rows=[])
    with pytest.raises(DomainError, match="已锁定"):
        services.return_save(actor=persona("township_officer"), process=process, township=tree.township, raw={})


# ---------------------------------------------------------------- pages


def test_pages_township_board_village_phone_form_and_report_form(client, tree):
    process = new_process(tree)
    client.force_login(persona("village_grid_worker"))
    mine = client.get("/disasters/villages/")
    assert mine.status_code == 200 and tree.village.name in mine.content.decode()
    url = f"/disasters/{process.pk}/villages/{tree.village.code}/"
    bad = client.post(url, {"injured": "1", "seriously_injured": "2", "note": ""})
    assert bad.status_code == 400 and "不能大于" in bad.content.decode()
    assert client.post(url, {"affected_people": "25", "note": "村道塌方"}).status_code == 302
    assert client.get(f"/disasters/{process.pk}/villages/{tree.other_village.code}/").status_code == 404

    client.force_login(persona("township_officer"))
    page = f"/disasters/{process.pk}/townships/{tree.township.code}/"
    assert client.post(page, {"sum_villages": "1"}).status_code == 302
    ret = TownshipReturn.objects.get(process=process, region=tree.township)
    assert ret.affected_people == 25
    assert client.post(f"/disasters/returns/{ret.pk}/review/").status_code == 302
    shown = client.get(page).content.decode()
    assert "乡镇已审核" in shown and "汇总村级数据" in shown and "村级填报" in shown
    assert client.get(f"/disasters/{process.pk}/townships/{tree.other_township.code}/").status_code == 404

    client.force_login(persona("county_operator"))
    assert client.post(f"/disasters/returns/{ret.pk}/approve/").status_code == 302
    form = client.get(f"/disasters/{process.pk}/report/?from=returns").content.decode()
    assert f'name="{tree.township.code}-affected_people" value="25"' in form
    posted = client.post(
        f"/disasters/{process.pk}/report/",
        {"stage": "initial", f"include-{tree.township.code}": "1", f"{tree.township.code}-affected_people": "25"},
    )
    assert posted.status_code == 302
    detail = client.get(f"/disasters/{process.pk}/").content.decode()
    assert "初报" in detail and "县级已审定" in detail and "25 人" in detail


def test_the_report_form_shows_the_bad_cell_and_stores_nothing(client, tree):
    process = new_process(tree)
    client.force_login(persona("county_operator"))
    code = tree.other_township.code
    response = client.post(
        f"/disasters/{process.pk}/report/",
        {"stage": "initial", f"include-{code}": "1", f"{code}-crop_affected_ha": "1", f"{code}-crop_failed_ha": "2"},
    )
    assert response.status_code == 400
    assert (
        "第 1 行" in response.content.decode() and "农作物成灾面积不能大于农作物受灾面积" in response.content.decode()
    )
    assert not process.reports.exists()


def test_process_list_and_create_page_for_the_county(client, tree):
    client.force_login(persona("county_operator"))
    assert client.get("/disasters/add/").status_code == 200
    response = client.post("/disasters/add/", {
        "name": "7·2 风雹", "hazard": "wind_hail", "started_at": "2026-12-03T08:00", "regions": [tree.township.code],
    })  # fmt: skip
    assert response.status_code == 302
    listing = client.get("/disasters/").content.decode()
    assert "7·2 风雹" in listing and "初报" in listing and "尚未与《自然灾害情况统计调查制度》" in listing
    client.force_login(persona("township_officer"))
    assert client.get("/disasters/add/").status_code == 403


def test_a_township_reads_the_process_page_and_opens_only_its_own_return(client, tree):
    process = new_process(tree)
    client.force_login(persona("township_officer"))
    page = client.get(f"/disasters/{process.pk}/").content.decode()
    assert f"/disasters/{process.pk}/townships/{tree.township.code}/" in page
    assert f"/disasters/{process.pk}/townships/{tree.other_township.code}/" not in page
    assert "报送初报" not in page  # the county reports
    assert client.get(f"/disasters/{process.pk}/report/").status_code == 403
