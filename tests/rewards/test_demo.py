"""The demo part: tips at each handling step and one paid reward, from a decided penalty case; the small test
county (loaded without enforcement) has none."""

import pytest

from anlan.demo import rewards as demo
from anlan.geo.models import Region
from anlan.rewards import clocks
from anlan.rewards.models import Reward, Tip

from .helpers import decided_case, status_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _load(tree):
    townships = list(Region.objects.filter(parent=tree.county).order_by("code"))
    return demo.load(actor="演示数据", county=tree.county, townships=townships, departments=[])


def test_the_small_test_county_has_no_tips_and_no_case_means_no_demo(tree):
    assert not Tip.objects.exists()
    assert _load(tree) == {"tips": 0, "rewards": 0}


def test_demo_tips_and_a_paid_reward(client, tree):
    case = decided_case(tree.village, fine="80000", status="closed")
    assert _load(tree) == {"tips": 5, "rewards": 1}
    assert _load(tree) == {"tips": 0, "rewards": 0}  # once only
    tips = Tip.objects.order_by("received_on")
    assert sorted(t.status for t in tips) == ["accepted", "declined", "received", "received", "verified"]
    assert sum(t.overdue for t in tips) == 1 and all(t.synthetic for t in tips)
    reward = Reward.objects.select_related("tip").get()
    assert reward.status == "paid" and reward.amount_yuan == 12000 and reward.voucher
    assert list(reward.tip.cases.all()) == [case]
    assert reward.tip.verified_on < reward.decided_on <= reward.paid_on <= clocks.today()
    assert reward.explanation_lines[0] == "案件罚款合计 8 万元 × 15% = 12,000 元"
    shown = client.post("/p/tip/status/", status_post(reward.tip.code, demo.DEMO_PASSWORD)).content.decode()
    assert "已于" in shown and "发放 12,000 元" in shown
