"""Review of the merged rewards app: one penalty case's fine rewards one report (standards.md §25.3: one
reward per matter, to the reporter accepted first), not every tip that names the same case."""

import pytest

from anlan.core.errors import DomainError
from anlan.rewards import services
from anlan.rewards.models import Reward
from anlan.testing.personas import persona

from .helpers import decided_case, make_tip

pytestmark = pytest.mark.django_db


def _verified(tree, case, place):
    officer = persona("township_officer")
    tip = services.tip_accept(actor=officer, tip=make_tip(tree.village, place=place))
    return services.tip_verify(actor=officer, tip=tip, outcome="true", matter="illegal", cases=[case])


def test_a_case_already_rewarded_for_another_tip_is_not_rewarded_again(tree):
    case = decided_case(tree.village, fine="125000")
    first = _verified(tree, case, "采石场甲")
    second = _verified(tree, case, "采石场乙")
    county = persona("county_operator")
    services.reward_compute(actor=county, tip=first)
    with pytest.raises(DomainError, match="只奖励一次"):
        services.reward_compute(actor=county, tip=second)
    assert not Reward.objects.filter(tip=second).exists()
    assert services.reward_preview(second) is None


def test_a_refused_reward_frees_the_case_for_the_next_report(tree):
    case = decided_case(tree.village, fine="125000")
    first = _verified(tree, case, "采石场甲")
    second = _verified(tree, case, "采石场乙")
    county = persona("county_operator")
    reward = services.reward_compute(actor=county, tip=first)
    services.reward_decide(actor=persona("county_admin"), reward=reward, approve=False, opinion="举报人为该案当事人")
    assert services.reward_compute(actor=county, tip=second).amount_yuan == 18750
