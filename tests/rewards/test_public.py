"""The public side: a tip that claims a reward, its query code, and the status page (right password only)."""

import re

import pytest
from django.db import connection

from anlan.core.models import AuditEntry
from anlan.hazards.models import HiddenHazard
from anlan.rewards import services
from anlan.rewards.models import StatusQuery, Tip
from anlan.testing.personas import persona

from .helpers import ID_NUMBER, PASSWORD, PHONE, decided_case, status_post, tip_post

pytestmark = pytest.mark.django_db


def _code(response) -> str:
    return re.search(r'id="tip-code">(\w+)<', response.content.decode()).group(1)


def test_a_tip_claims_a_reward_and_gets_a_query_code(client, tree):
    page = client.get("/p/tip/").content.decode()
    assert "申请举报奖励" in page and "身份证号" in page and "查询密码" in page
    # The challenge is still the form's last part.
    assert page.index("身份证号") < page.index("验证：")
    done = client.post("/p/tip/", tip_post(tree))
    assert done.status_code == 200, done.content.decode()
    code = _code(done)
    tip = Tip.objects.get(code=code)
    assert tip.claims_reward and tip.hazard.title == "群众举报：石材厂后山采石场"
    assert (tip.real_name, tip.id_number, tip.phone) == ("王小明", ID_NUMBER, PHONE)
    assert tip.status == "received" and tip.region_id == tree.village.code and tip.accept_due > tip.received_on
    assert tip.password != PASSWORD and tip.password.startswith(("pbkdf2", "argon2", "md5", "sha1", "bcrypt"))
    # Encrypted at rest: the stored columns hold neither the ID number nor the phone.
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, real_name FROM rewards_tip WHERE id = %s", [tip.pk])
        raw = cursor.fetchone()
    assert ID_NUMBER not in str(raw) and PHONE not in str(raw) and "王小明" not in str(raw)
    entry = AuditEntry.objects.get(action="tip_register", object_id=str(tip.pk))
    assert entry.actor_name == "群众举报" and ID_NUMBER not in str(entry.after)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"id_number": ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")}, "id_number", "校验位错误"),
        ({"id_number": "12345"}, "id_number", "18位"),
        ({"real_name": ""}, "real_name", "申请奖励须填写真实姓名"),
        ({"reward_phone": ""}, "reward_phone", "申请奖励须填写联系电话"),
        ({"query_password": ""}, "query_password", "申请奖励须设置查询密码"),
        ({"query_password": "123"}, "query_password", "至少 6 位"),
    ],
)
def test_a_claim_without_a_valid_identity_is_refused_and_nothing_is_written(client, tree, change, field, message):
    before = (HiddenHazard.objects.count(), Tip.objects.count())
    response = client.post("/p/tip/", tip_post(tree, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (HiddenHazard.objects.count(), Tip.objects.count()) == before


def test_a_tip_without_a_claim_needs_no_identity(client, tree):
    done = client.post("/p/tip/", tip_post(tree, claim=False, query_password=""))
    assert done.status_code == 200
    tip = Tip.objects.get(code=_code(done))
    assert not tip.claims_reward and tip.real_name == "" and tip.password == ""
    assert "未设置查询密码" in done.content.decode()


def test_the_status_page_shows_progress_with_the_right_password_only(client, tree):
    code = _code(client.post("/p/tip/", tip_post(tree)))
    form = client.get("/p/tip/status/")
    assert form.status_code == 200 and "查询码" in form.content.decode()

    wrong = client.post("/p/tip/status/", status_post(code, "not-the-password"))
    assert wrong.status_code == 400
    text = wrong.content.decode()
    assert "查询码或查询密码不正确" in text and "待受理" not in text and "石材厂" not in text
    unknown = client.post("/p/tip/status/", status_post("JBNOSUCH1", PASSWORD))
    assert unknown.status_code == 400 and "查询码或查询密码不正确" in unknown.content.decode()

    right = client.post("/p/tip/status/", status_post(code.lower(), PASSWORD))
    text = right.content.decode()
    assert right.status_code == 200 and "待受理" in text and "受理期限" in text and "已申请，核查属实后计算" in text
    # Nothing of the reporter's identity is shown back, not even masked.
    assert ID_NUMBER not in text and PHONE not in text and "王小明" not in text

    tip = Tip.objects.get(code=code)
    officer = persona("township_officer")
    services.tip_accept(actor=officer, tip=tip)
    case = decided_case(tree.village)
    services.tip_verify(actor=officer, tip=tip, outcome="true", matter="illegal", cases=[case])
    reward = services.reward_compute(actor=persona("county_operator"), tip=tip)
    services.reward_decide(actor=persona("county_admin"), reward=reward, approve=True)
    later = client.post("/p/tip/status/", status_post(code, PASSWORD)).content.decode()
    assert "已核查" in later and "属实" in later and "已批准 18,750 元" in later
    assert "某石材开采有限公司" not in later  # the case's party is not the reporter's business


def test_the_status_page_is_protected_like_every_public_form(client, tree, settings):
    code = _code(client.post("/p/tip/", tip_post(tree)))
    robot = client.post("/p/tip/status/", status_post(code, PASSWORD, website="http://spam"))
    assert robot.status_code == 400 and "提交未通过校验" in robot.content.decode()
    replay = status_post(code, PASSWORD)
    assert client.post("/p/tip/status/", replay).status_code == 200
    assert "该页面已提交过" in client.post("/p/tip/status/", replay).content.decode()

    # Wrong passwords on one code lock it for the hour, whatever the address.
    for n in range(5):
        client.post("/p/tip/status/", status_post(code, f"wrong-{n}"), REMOTE_ADDR=f"10.0.0.{n}")
    locked = client.post("/p/tip/status/", status_post(code, PASSWORD), REMOTE_ADDR="10.0.1.1")
    assert locked.status_code == 429 and "错误次数过多" in locked.content.decode()

    # And one address may look up only so many times an hour.
    settings.ANLAN_TIP_STATUS_RATE_PER_HOUR = 3
    StatusQuery.objects.all().delete()
    for _ in range(3):
        client.post("/p/tip/status/", status_post(code, PASSWORD), REMOTE_ADDR="10.0.2.2")
    refused = client.post("/p/tip/status/", status_post(code, PASSWORD), REMOTE_ADDR="10.0.2.2")
    assert refused.status_code == 429 and "查询次数过多" in refused.content.decode()
