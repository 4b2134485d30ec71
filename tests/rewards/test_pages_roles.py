"""Every rewards page, for every role, with a tip and a reward at each state: an answer, never a server
error; the steps are offered only to those who may take them."""

import pytest

from anlan.rewards import services
from anlan.testing.personas import persona

from .helpers import decided_case, make_tip

pytestmark = pytest.mark.django_db

ROLES = (
    "county_admin",
    "county_operator",
    "department_operator",
    "township_officer",
    "other_township_officer",
    "village_grid_worker",
    "enterprise_user",
    "team_leader",
    "viewer",
)
ALLOWED = {200, 302, 403, 404, 405}


@pytest.fixture
def world(tree):
    officer = persona("township_officer")
    received = make_tip(tree.village, place="甲")
    accepted = services.tip_accept(actor=officer, tip=make_tip(tree.village, place="乙"))
    verified = services.tip_accept(actor=officer, tip=make_tip(tree.village, place="丙"))
    verified = services.tip_verify(
        actor=officer, tip=verified, outcome="true", matter="illegal", cases=[decided_case(tree.village)]
    )
    computed = services.tip_accept(actor=officer, tip=make_tip(tree.village, place="丁"))
    computed = services.tip_verify(actor=officer, tip=computed, outcome="true", matter="major_hazard")
    reward = services.reward_compute(actor=persona("county_admin"), tip=computed)
    return [received, accepted, verified, computed], reward


@pytest.mark.parametrize("name", ROLES)
def test_every_page_answers_every_role(client, world, name):
    tips, reward = world
    client.force_login(persona(name))
    urls = ["/rewards/tip/", "/rewards/reward/", "/rewards/statistics/", f"/rewards/reward/{reward.pk}/"]
    for tip in tips:
        urls += [f"/rewards/tip/{tip.pk}/{step}" for step in ("", "accept/", "decline/", "verify/", "compute/")]
    urls += [f"/rewards/reward/{reward.pk}/{step}" for step in ("decide/", "pay/", "voucher/")]
    for url in urls:
        assert client.get(url).status_code in ALLOWED, (name, url)
    offered = client.get(f"/rewards/reward/{reward.pk}/").content.decode()
    if name == "county_admin":
        assert f"/rewards/reward/{reward.pk}/decide/" in offered
    else:
        assert f"/rewards/reward/{reward.pk}/decide/" not in offered


def test_each_step_is_offered_in_its_state_only(client, world):
    (received, accepted, verified, computed), _ = world
    client.force_login(persona("county_operator"))
    pages = {
        t.pk: client.get(f"/rewards/tip/{t.pk}/").content.decode() for t in (received, accepted, verified, computed)
    }
    assert f"/rewards/tip/{received.pk}/accept/" in pages[received.pk]
    assert f"/rewards/tip/{received.pk}/decline/" in pages[received.pk]
    assert f"/rewards/tip/{accepted.pk}/verify/" in pages[accepted.pk]
    assert f"/rewards/tip/{accepted.pk}/accept/" not in pages[accepted.pk]
    assert f"/rewards/tip/{verified.pk}/compute/" in pages[verified.pk]
    assert f"/rewards/tip/{computed.pk}/compute/" not in pages[computed.pk]  # one reward per tip
    # A step out of its state is refused by the service with its message.
    response = client.post(f"/rewards/tip/{accepted.pk}/accept/")
    assert response.status_code == 400 and "当前状态为“核查中”，不能“受理”" in response.content.decode()
