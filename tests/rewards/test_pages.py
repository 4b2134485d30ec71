"""The pages: the list with its deadlines (a controllable clock), scope, masking, the steps through the forms,
statistics, the 工作台 item and fixed query counts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anlan.overview.items import workbench
from anlan.rewards import clocks, services
from anlan.rewards.models import Reward, Tip
from anlan.testing.helpers import image_bytes
from anlan.testing.personas import persona

from .helpers import ID_NUMBER, decided_case, make_tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """Move 'today' for the rewards clocks (list, filters, 工作台) in one place."""
    state = {"today": clocks.today()}
    monkeypatch.setattr(clocks, "today", lambda: state["today"])
    return state


def test_overdue_tips_are_flagged_on_the_list_and_the_workbench(client, tree, clock):
    tip = make_tip(tree.village)
    client.force_login(persona("township_officer"))
    clock["today"] = tip.accept_due
    page = client.get("/rewards/tip/").content.decode()
    assert tip.code in page and "受理今日到期" in page
    assert not Tip.objects.filter(pk=tip.pk).filter(status="received", accept_due__lt=clock["today"]).exists()

    clock["today"] = tip.accept_due + dt.timedelta(days=3)
    page = client.get("/rewards/tip/").content.decode()
    assert "受理超期 3 天" in page
    overdue = client.get("/rewards/tip/", {"overdue": "true"}).content.decode()
    assert tip.code in overdue
    item = next(s for s in workbench(persona("township_officer")) if s.key == "tips_overdue")
    assert item.count == 1 and "overdue=true" in item.url
    # The other township's 工作台 counts none of ours.
    other = next(s for s in workbench(persona("other_township_officer")) if s.key == "tips_overdue")
    assert other.count == 0

    # Accepted late: the 核查 clock runs from acceptance (60 days) and the tip is no longer overdue.
    services.tip_accept(actor=persona("township_officer"), tip=tip, on=clock["today"])
    page = client.get("/rewards/tip/", {"overdue": "true"}).content.decode()
    assert tip.code not in page
    clock["today"] += dt.timedelta(days=61)
    assert "核查超期 1 天" in client.get("/rewards/tip/").content.decode()


def test_tips_are_read_by_their_handlers_only(client, tree):
    ours, theirs = make_tip(tree.village), make_tip(tree.other_village, place="砖厂")
    client.force_login(persona("township_officer"))
    page = client.get("/rewards/tip/").content.decode()
    assert ours.code in page and theirs.code not in page
    assert client.get(f"/rewards/tip/{theirs.pk}/").status_code == 404
    assert client.get(f"/rewards/tip/{theirs.pk}/accept/").status_code == 404
    # Neither the reported enterprise's users nor departments, villages or watchers ever read a reporter.
    for name in ("enterprise_user", "department_operator", "village_grid_worker", "viewer", "team_leader"):
        client.force_login(persona(name))
        assert client.get(f"/rewards/tip/{ours.pk}/").status_code in (403, 404), name
        assert ours.code not in client.get("/rewards/tip/").content.decode()


def test_the_id_number_is_masked_but_for_the_county_administrator(client, tree):
    tip = make_tip(tree.village)
    client.force_login(persona("township_officer"))
    page = client.get(f"/rewards/tip/{tip.pk}/").content.decode()
    assert ID_NUMBER not in page and f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}" in page
    client.force_login(persona("county_admin"))
    assert ID_NUMBER in client.get(f"/rewards/tip/{tip.pk}/").content.decode()


def test_the_steps_through_the_pages(client, tree):
    tip = make_tip(tree.village)
    case = decided_case(tree.village, fine="40000")
    client.force_login(persona("township_officer"))
    detail = client.get(f"/rewards/tip/{tip.pk}/").content.decode()
    assert "受理" in detail and "已申请奖励，核查属实后计算" in detail and "计算奖励" not in detail
    assert client.post(f"/rewards/tip/{tip.pk}/accept/").status_code == 302
    form = client.get(f"/rewards/tip/{tip.pk}/verify/").content.decode()
    assert case.title in form and "罚款 40,000 元" in form
    bad = client.post(f"/rewards/tip/{tip.pk}/verify/", {"outcome": "true", "matter": "", "concealed_deaths": 0})
    assert bad.status_code == 400
    done = client.post(
        f"/rewards/tip/{tip.pk}/verify/",
        {"outcome": "true", "matter": "illegal", "cases": [case.pk], "concealed_deaths": 0, "findings": "已立案查处"},
    )
    assert done.status_code == 302
    # The township sees what the reward would be but the county computes it.
    detail = client.get(f"/rewards/tip/{tip.pk}/").content.decode()
    assert "4 万元 × 15% = 6,000 元" in detail and "6,000 元" in detail
    assert client.get(f"/rewards/tip/{tip.pk}/compute/").status_code == 403

    client.force_login(persona("county_operator"))
    preview = client.get(f"/rewards/tip/{tip.pk}/compute/").content.decode()
    assert "奖励金额：6,000 元" in preview and "最低 3,000 元" in preview
    computed = client.post(f"/rewards/tip/{tip.pk}/compute/")
    reward = Reward.objects.get(tip=tip)
    assert computed.status_code == 302 and computed["Location"] == f"/rewards/reward/{reward.pk}/"
    assert client.get(f"/rewards/reward/{reward.pk}/decide/").status_code == 403  # the leader decides

    client.force_login(persona("county_admin"))
    refused = client.post(f"/rewards/reward/{reward.pk}/decide/", {"decision": "refuse", "opinion": ""})
    assert refused.status_code == 400 and "请填写不予奖励的理由" in refused.content.decode()
    assert client.post(f"/rewards/reward/{reward.pk}/decide/", {"decision": "approve"}).status_code == 302
    voucher = SimpleUploadedFile("回单.png", image_bytes("PNG"), content_type="image/png")
    paid = client.post(
        f"/rewards/reward/{reward.pk}/pay/",
        {"paid_on": clocks.today().isoformat(), "method": "bank", "voucher": voucher},
    )
    assert paid.status_code == 302
    reward.refresh_from_db()
    assert reward.status == "paid"
    page = client.get(f"/rewards/reward/{reward.pk}/").content.decode()
    assert "已发放" in page and "查看发放凭证" in page
    assert client.get(f"/rewards/reward/{reward.pk}/voucher/").status_code == 200
    stats = client.get("/rewards/statistics/").content.decode()
    assert f"{tip.received_on.year} 年" in stats and "6,000 元" in stats


def test_the_hidden_hazard_links_to_its_tip_for_its_handlers(client, tree):
    tip = make_tip(tree.village)
    client.force_login(persona("township_officer"))
    page = client.get(f"/hazards/hiddenhazard/{tip.hazard_id}/").content.decode()
    assert f"/rewards/tip/{tip.pk}/" in page
    client.force_login(persona("village_grid_worker"))
    assert f"/rewards/tip/{tip.pk}/" not in client.get(f"/hazards/hiddenhazard/{tip.hazard_id}/").content.decode()


def test_lists_and_statistics_make_a_fixed_number_of_queries(client, tree, django_assert_max_num_queries):
    officer = persona("township_officer")
    for n in range(6):
        tip = make_tip(tree.village, place=f"采石场{n}")
        if n % 2:
            services.tip_accept(actor=officer, tip=tip)
            services.tip_verify(
                actor=officer, tip=tip, outcome="true", matter="illegal", cases=[decided_case(tree.village)]
            )
            services.reward_compute(actor=persona("county_admin"), tip=tip)
    client.force_login(persona("county_admin"))
    client.get("/rewards/tip/")  # warm the per-process caches (menu, filters)
    with django_assert_max_num_queries(25) as few:
        assert client.get("/rewards/tip/").status_code == 200
    for n in range(6, 12):
        make_tip(tree.village, place=f"采石场{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/rewards/tip/").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/rewards/reward/").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/rewards/statistics/").status_code == 200


def test_the_excel_export_masks_the_reporter_as_the_pages_do(client, tree):
    from anlan.testing.helpers import read_xlsx

    make_tip(tree.village)
    client.force_login(persona("township_officer"))
    response = client.get("/rewards/tip/", {"export": "xlsx"})
    assert response.status_code == 200
    cells = [str(c) for row in read_xlsx(response.content) for c in row]
    assert ID_NUMBER not in cells and f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}" in cells
    assert "待受理" in cells
