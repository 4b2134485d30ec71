"""The public tip page: anyone may report, robots and floods may not."""

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from anlan.core.models import AuditEntry
from anlan.hazards import public
from anlan.hazards.models import HazardPhoto, HiddenHazard
from anlan.testing.helpers import image_bytes
from anlan.testing.personas import persona

PNG = image_bytes("PNG")


def tip(tree, *, seconds_ago=10, answer=None, **extra):
    question, token = public.new_challenge(now=time.time() - seconds_ago)
    a, b = (int(x) for x in question.removesuffix(" = ?").split(" + "))
    return {
        "region": tree.village.code,
        "place": "村小学后山",
        "description": "山体出现裂缝，雨后有落石",
        "phone": "13912345678",
        "answer": a + b if answer is None else answer,
        "challenge": token,
        **extra,
    }


@pytest.mark.django_db
def test_anyone_can_report_and_the_township_sees_it(client, tree):
    page = client.get("/p/tip/")
    assert page.status_code == 200 and "安全隐患举报" in page.content.decode()
    photo = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    done = client.post("/p/tip/", tip(tree, photo=photo))
    assert done.status_code == 200 and "受理编号" in done.content.decode()
    hazard = HiddenHazard.objects.get(title="群众举报：村小学后山")
    assert hazard.source == "public_tip" and hazard.status == "reported" and hazard.region_id == tree.village.code
    assert hazard.reporter_phone == "13912345678" and hazard.submitted_from
    assert HazardPhoto.objects.filter(hazard=hazard, stage="before").exists()
    assert AuditEntry.objects.filter(action="hazard_report", object_id=str(hazard.pk), actor_name="群众举报").exists()
    client.force_login(persona("township_officer"))
    listed = client.get("/api/v1/hazards/", {"source": "public_tip"}).json()
    assert hazard.pk in [h["id"] for h in listed["results"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"answer": 99}, "计算结果不正确"),
        ({"seconds_ago": 0}, "提交过快"),
        ({"seconds_ago": 3 * 3600}, "页面打开时间过长"),
        ({"website": "http://spam.example"}, "提交未通过校验"),
        ({"challenge": "forged"}, "页面已失效"),
        ({"phone": "12345"}, "手机"),
        ({"region": "500237999999"}, "请选择所在村"),
    ],
)
def test_robots_and_bad_input_are_refused_with_a_reason_and_nothing_written(client, tree, change, message):
    data = tip(tree, **{k: v for k, v in change.items() if k == "seconds_ago"})
    data.update({k: v for k, v in change.items() if k != "seconds_ago"})
    before = HiddenHazard.objects.count()
    response = client.post("/p/tip/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert HiddenHazard.objects.count() == before
    # The form comes back with what was typed and a fresh challenge.
    assert "村小学后山" in response.content.decode()


@pytest.mark.django_db
def test_one_address_may_send_only_a_few_tips_an_hour(client, tree, settings):
    settings.ANLAN_TIP_RATE_PER_HOUR = 2
    before = HiddenHazard.objects.filter(source="public_tip").count()
    assert client.post("/p/tip/", tip(tree)).status_code == 200
    assert client.post("/p/tip/", tip(tree)).status_code == 200
    third = client.post("/p/tip/", tip(tree))
    assert third.status_code == 429 and "提交次数过多" in third.content.decode()
    other = client.post("/p/tip/", tip(tree), REMOTE_ADDR="127.0.0.9")
    assert other.status_code == 200
    assert HiddenHazard.objects.filter(source="public_tip").count() == before + 3


@pytest.mark.django_db
def test_tipper_phone_is_shown_to_the_township_and_masked_for_a_viewer(client, tree):
    client.post("/p/tip/", tip(tree))
    hazard = HiddenHazard.objects.filter(source="public_tip").latest("pk")
    client.force_login(persona("township_officer"))
    assert "13912345678" in client.get(f"/hazards/hiddenhazard/{hazard.pk}/").content.decode()
    client.force_login(persona("viewer"))
    page = client.get(f"/hazards/hiddenhazard/{hazard.pk}/").content.decode()
    assert "13912345678" not in page and "139****5678" in page


@pytest.mark.django_db
def test_after_a_refused_tip_the_page_asks_a_new_sum_and_a_correct_retry_is_accepted(client, tree):
    refused = client.post("/p/tip/", tip(tree, seconds_ago=10, phone="12345"))
    assert refused.status_code == 400
    page = refused.content.decode()
    asked = re.search(r"验证：(\d) \+ (\d) = \?", page)
    assert asked, "the re-rendered form must show its new sum question"
    token = re.search(r'name="challenge" value="([^"]+)"', page)[1]
    retry = tip(tree, phone="13912345678")
    # The page's own challenge, as a person would send it after the minimum time has passed.
    retry.update(challenge=token, answer=int(asked[1]) + int(asked[2]))
    with override_settings(ANLAN_TIP_MIN_SECONDS=0):
        done = client.post("/p/tip/", retry)
    assert done.status_code == 200 and "受理编号" in done.content.decode()
    assert HiddenHazard.objects.filter(title="群众举报：村小学后山").count() == 1
