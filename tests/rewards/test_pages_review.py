"""What the screen review of the 12350 举报奖励 pages found (issue 22, scripts/screenshots_geohazard.py): amounts
shown as the stored 3000.00 instead of 3,000 元, a case's fine with cents, and steps whose button said only
提交. The Excel export keeps the amounts as numbers."""

import io

import openpyxl
import pytest

from anlan.rewards import services
from anlan.rewards.models import Reward, Tip
from anlan.testing.personas import persona

from .helpers import decided_case, make_tip

pytestmark = pytest.mark.django_db


def _computed(tree, fine="125000") -> Reward:
    tip = make_tip(tree.village)
    case = decided_case(tree.village, fine=fine)
    officer, county = persona("township_officer"), persona("county_operator")
    services.tip_accept(actor=officer, tip=tip)
    services.tip_verify(actor=officer, tip=Tip.objects.get(pk=tip.pk), outcome="true", matter="illegal", cases=[case])
    return services.reward_compute(actor=county, tip=Tip.objects.get(pk=tip.pk))


def test_reward_amounts_read_as_yuan_on_the_list_and_the_record(client, tree):
    reward = _computed(tree)  # 125,000 元 × 15 % = 18,750 元
    client.force_login(persona("county_admin"))
    listing = client.get("/rewards/reward/").content.decode()
    assert "<td>18,750 元</td>" in listing and "18750.00" not in listing
    record = client.get(f"/rewards/reward/{reward.pk}/").content.decode()
    assert "18,750 元" in record and "125,000 元" in record and "18750.00" not in record
    assert "奖励金额" in record and "计奖罚款" in record
    # The workbook keeps numbers a spreadsheet can add up.
    export = client.get("/rewards/reward/", {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert float(rows[1][header.index("奖励金额（元）")]) == 18750


def test_each_reward_step_names_what_its_button_does(client, tree):
    reward = _computed(tree, fine="40000")
    client.force_login(persona("county_admin"))
    decide = client.get(f"/rewards/reward/{reward.pk}/decide/").content.decode()
    assert ">提交审批结论</button>" in decide and "6,000 元" in decide
    services.reward_decide(actor=persona("county_admin"), reward=reward, approve=True)
    pay = client.get(f"/rewards/reward/{reward.pk}/pay/").content.decode()
    assert ">登记发放</button>" in pay and ">提交</button>" not in pay
