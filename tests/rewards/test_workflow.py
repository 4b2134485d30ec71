"""The handling and reward steps: who may take them, what they need, one reward per tip, each audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anlan.core.errors import Conflict, DomainError, NotAllowed
from anlan.core.models import AuditEntry
from anlan.rewards import clocks, services
from anlan.rewards.models import Reward
from anlan.testing.helpers import image_bytes
from anlan.testing.personas import persona

from .helpers import decided_case, make_tip

pytestmark = pytest.mark.django_db


def voucher(name="回单.png", data=None):
    return SimpleUploadedFile(name, data if data is not None else image_bytes("PNG"), content_type="image/png")


def verified(tree, *, case_fine="125000", case_status="decided", outcome="true", matter="illegal", claim=True):
    tip = make_tip(tree.village, claim=claim)
    officer = persona("township_officer")
    tip = services.tip_accept(actor=officer, tip=tip)
    cases = [decided_case(tree.village, fine=case_fine, status=case_status)] if case_fine is not None else []
    return services.tip_verify(actor=officer, tip=tip, outcome=outcome, matter=matter, cases=cases)


def test_the_whole_way_from_tip_to_paid_reward_is_audited(tree):
    tip = make_tip(tree.village)
    officer = persona("township_officer")
    accepted = services.tip_accept(actor=officer, tip=tip, on=dt.date(2026, 12, 1))
    assert accepted.status == "accepted" and accepted.verify_due == dt.date(2026, 12, 1) + dt.timedelta(days=60)
    case = decided_case(tree.village, fine="125000")
    services.tip_verify(
        actor=officer, tip=tip, outcome="partly", matter="major_hazard", findings="属实部分已立案", cases=[case]
    )
    reward = services.reward_compute(actor=persona("county_operator"), tip=tip)
    assert reward.status == "computed" and reward.amount_yuan == Decimal(18750) and reward.fine_yuan == Decimal(125000)
    assert reward.explanation_lines[0] == "案件罚款合计 12.5 万元 × 15% = 18,750 元"
    reward = services.reward_decide(actor=persona("county_admin"), reward=reward, approve=True, opinion="同意")
    assert reward.status == "approved"
    paid = services.reward_pay(
        actor=persona("county_operator"), reward=reward, paid_on=clocks.today(), method="bank", voucher=voucher()
    )
    assert paid.status == "paid" and paid.voucher.name.startswith("rewards/vouchers/")
    actions = list(
        AuditEntry.objects.filter(object_type__in=["rewards.tip", "rewards.reward"])
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["tip_register", "tip_accept", "tip_verify", "reward_compute", "reward_approve", "reward_pay"]


def test_one_reward_per_tip(tree):
    tip = verified(tree)
    services.reward_compute(actor=persona("county_operator"), tip=tip)
    with pytest.raises(Conflict, match="同一举报只奖励一次"):
        services.reward_compute(actor=persona("county_admin"), tip=tip)
    assert Reward.objects.filter(tip=tip).count() == 1


def test_only_the_county_leader_decides_and_a_refusal_needs_its_reason(tree):
    reward = services.reward_compute(actor=persona("county_operator"), tip=verified(tree))
    with pytest.raises(NotAllowed):
        services.reward_decide(actor=persona("county_operator"), reward=reward, approve=True)
    with pytest.raises(DomainError, match="请填写不予奖励的理由"):
        services.reward_decide(actor=persona("county_admin"), reward=reward, approve=False, opinion=" ")
    refused = services.reward_decide(
        actor=persona("county_admin"), reward=reward, approve=False, opinion="举报人系被举报单位负责人"
    )
    assert refused.status == "refused"
    with pytest.raises(DomainError, match="不能“登记发放”"):
        services.reward_pay(
            actor=persona("county_admin"), reward=refused, paid_on=clocks.today(), method="cash", voucher=voucher()
        )


def test_payment_needs_its_date_method_and_a_real_voucher(tree):
    reward = services.reward_compute(actor=persona("county_operator"), tip=verified(tree))
    reward = services.reward_decide(actor=persona("county_admin"), reward=reward, approve=True)
    officer = persona("county_operator")
    with pytest.raises(DomainError, match="请上传发放凭证"):
        services.reward_pay(actor=officer, reward=reward, paid_on=clocks.today(), method="bank", voucher=None)
    with pytest.raises(DomainError, match="只接受"):
        services.reward_pay(
            actor=officer, reward=reward, paid_on=clocks.today(), method="bank", voucher=voucher("a.exe", b"MZ\x90")
        )
    with pytest.raises(DomainError, match="不能晚于今天"):
        services.reward_pay(
            actor=officer,
            reward=reward,
            paid_on=clocks.today() + dt.timedelta(days=1),
            method="bank",
            voucher=voucher(),
        )
    reward.refresh_from_db()
    assert reward.status == "approved" and not reward.voucher


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"case_status": "investigating"}, "尚未作出处罚决定"),
        ({"outcome": "false", "case_fine": None}, "不属实"),
        ({"claim": False}, "未申请奖励"),
        ({"matter": "other", "case_fine": None}, "奖励范围"),
    ],
)
def test_no_reward_is_computed_where_none_is_due(tree, kw, message):
    tip = verified(tree, **kw)
    with pytest.raises(DomainError, match=message):
        services.reward_compute(actor=persona("county_operator"), tip=tip)
    assert not Reward.objects.filter(tip=tip).exists()


def test_townships_handle_tips_but_the_county_computes_rewards(tree):
    tip = verified(tree)
    with pytest.raises(DomainError) as refused:
        services.reward_compute(actor=persona("township_officer"), tip=tip)
    assert refused.value.status == 403
    with pytest.raises(NotAllowed):
        services.tip_accept(actor=persona("village_grid_worker"), tip=make_tip(tree.village))


def test_verification_rules(tree):
    officer = persona("township_officer")
    tip = services.tip_accept(actor=officer, tip=make_tip(tree.village))
    with pytest.raises(DomainError, match="请选择核查结论"):
        services.tip_verify(actor=officer, tip=tip, outcome="", matter="illegal")
    with pytest.raises(DomainError, match="瞒报事故的等级"):
        services.tip_verify(actor=officer, tip=tip, outcome="true", matter="concealed", concealed_deaths=2)
    with pytest.raises(DomainError, match="只在举报事项为"):
        services.tip_verify(actor=officer, tip=tip, outcome="true", matter="illegal", concealed_deaths=2)
    done = services.tip_verify(
        actor=officer, tip=tip, outcome="true", matter="concealed", concealed_deaths=3, accident_grade="larger"
    )
    reward = services.reward_compute(actor=persona("county_admin"), tip=done)
    assert reward.amount_yuan == Decimal(120000) and "较大事故查实瞒报死亡 3 人" in reward.explanation


def test_a_declined_tip_needs_a_reason(tree):
    officer = persona("township_officer")
    tip = make_tip(tree.village)
    with pytest.raises(DomainError, match="不予受理的理由"):
        services.tip_decline(actor=officer, tip=tip, reason="")
    declined = services.tip_decline(actor=officer, tip=tip, reason="不属于安全生产领域")
    assert declined.status == "declined"
    assert AuditEntry.objects.filter(action="tip_decline", object_id=str(tip.pk)).exists()
