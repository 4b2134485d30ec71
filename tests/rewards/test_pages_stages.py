"""A 12350 record shows the rows of the stages it has reached, not empty rows of later ones: a new tip has no
核查结论 or 奖励金额 / 奖励审批 / 奖励发放 rows (they read "—" before), a paid one has them all; a reward waiting for
approval has no 审批 or 发放 rows; the reporter's identity rows only when a reward was claimed."""

import re

import pytest

from anlan.rewards import clocks, services
from anlan.rewards.models import Reward, Tip
from anlan.testing.personas import persona

from .helpers import decided_case, make_tip
from .test_workflow import voucher

pytestmark = pytest.mark.django_db


def rows(client, url) -> dict[str, str]:
    page = client.get(url).content.decode()
    table = re.search(r'<table class="detail">(.*?)</table>', page, re.S).group(1)
    return dict(re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", table, re.S))


def _verified(tree, matter="illegal"):
    tip = make_tip(tree.village)
    officer = persona("township_officer")
    services.tip_accept(actor=officer, tip=tip)
    case = decided_case(tree.village, fine="40000")
    services.tip_verify(actor=officer, tip=Tip.objects.get(pk=tip.pk), outcome="true", matter=matter, cases=[case])
    return Tip.objects.get(pk=tip.pk)


def test_a_new_tip_shows_no_verification_or_reward_rows(client, tree):
    tip = make_tip(tree.village)
    client.force_login(persona("county_admin"))
    shown = rows(client, f"/rewards/tip/{tip.pk}/")
    assert shown["办理状态"] == "待受理" and "受理期限" in shown and "举报人姓名" in shown, list(shown)
    hidden = {"受理日期", "核查期限", "不予受理理由", "核查日期", "核查结论", "核查情况", "查实瞒报死亡人数"}
    hidden |= {"经办人", "奖励金额", "奖励审批", "奖励发放"}
    assert not hidden & set(shown), hidden & set(shown)
    services.tip_accept(actor=persona("township_officer"), tip=tip)
    shown = rows(client, f"/rewards/tip/{tip.pk}/")
    assert shown["办理状态"] == "核查中" and "受理日期" in shown and "核查期限" in shown
    assert shown["经办人"] == str(persona("township_officer"))
    assert not {"核查结论", "奖励金额", "奖励发放"} & set(shown)


def test_a_paid_tip_shows_its_verification_and_reward_rows(client, tree):
    tip = _verified(tree)
    county, admin = persona("county_operator"), persona("county_admin")
    reward = services.reward_compute(actor=county, tip=tip)
    client.force_login(admin)
    shown = rows(client, f"/rewards/tip/{tip.pk}/")
    assert shown["核查结论"] == "属实" and shown["奖励金额"] == "6,000 元，待审批"
    assert not {"奖励审批", "奖励发放", "查实瞒报死亡人数", "瞒报事故等级"} & set(shown)
    reward = services.reward_decide(actor=admin, reward=reward, approve=True, opinion="同意")
    services.reward_pay(
        actor=county, reward=reward, paid_on=clocks.today(), method="bank", voucher=voucher(), note="回单号 001"
    )
    shown = rows(client, f"/rewards/tip/{tip.pk}/")
    today = f"{clocks.today():%Y-%m-%d}"
    assert shown["奖励金额"] == "6,000 元，已发放"
    assert shown["奖励审批"] == f"{today} 批准，同意"
    assert shown["奖励发放"] == f"{today} 银行转账，回单号 001"


def test_a_tip_without_a_claim_shows_no_identity_rows(client, tree):
    tip = make_tip(tree.village, claim=False)
    client.force_login(persona("county_admin"))
    shown = rows(client, f"/rewards/tip/{tip.pk}/")
    assert shown["申请奖励"] == "否" and not {"举报人姓名", "身份证号", "联系电话"} & set(shown), list(shown)


def test_a_concealed_accident_shows_its_deaths_and_grade(client, tree):
    tip = _verified(tree, matter="concealed")
    client.force_login(persona("county_admin"))
    shown = rows(client, f"/rewards/tip/{tip.pk}/")
    assert shown["举报事项类型"] == "瞒报、谎报事故" and "查实瞒报死亡人数" in shown and "瞒报事故等级" in shown


def test_a_reward_shows_its_approval_and_payment_rows_only_when_they_happened(client, tree):
    tip = _verified(tree)
    county, admin = persona("county_operator"), persona("county_admin")
    reward = services.reward_compute(actor=county, tip=tip)
    client.force_login(admin)
    url = f"/rewards/reward/{reward.pk}/"
    shown = rows(client, url)
    assert shown["状态"] == "待审批" and shown["奖励金额"] == "6,000 元"
    assert not {"审批日期", "审批人", "审批意见", "发放日期", "发放方式", "发放经办人"} & set(shown)
    services.reward_decide(actor=admin, reward=reward, approve=False, opinion="举报人系负有安全管理职责的人员")
    shown = rows(client, url)
    assert shown["状态"] == "不予奖励" and shown["审批意见"] == "举报人系负有安全管理职责的人员"
    assert not {"发放日期", "发放方式"} & set(shown)
    assert Reward.objects.get(pk=reward.pk).status == "refused"
