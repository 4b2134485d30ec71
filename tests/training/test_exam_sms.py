"""短信发送考试链接: from the candidates page each candidate with a phone is texted their own signed link through
notify (one notice, the outbox, the SMS gateway); a second click sends nothing twice unless asked."""

import pytest
from django.urls import reverse

from anlan.core.models import AuditEntry
from anlan.notify import outbox
from anlan.notify.models import Delivery, Notice
from anlan.testing.personas import persona
from anlan.training import services
from tests.notify.test_outbox import Gateway

from . import helpers

pytestmark = pytest.mark.django_db
PUBLIC = "https://yjj.example.cn"


@pytest.fixture
def gateway(settings):
    g = Gateway()
    settings.ANLAN_SMS_URL, settings.ANLAN_PUBLIC_URL = g.url, PUBLIC
    yield g
    g.server.shutdown()


@pytest.fixture
def exam(tree):
    people = [
        helpers.trainee(tree.township, "王短信", phone="13800001111"),
        helpers.trainee(tree.township, "李短信", phone="13800002222"),
        helpers.trainee(tree.township, "赵无机"),
    ]
    e = helpers.exam(tree.county, helpers.questions(tree.county), candidates=people)
    e.people = people
    return e


def sent_texts(gateway) -> dict[str, str]:
    while outbox.process(limit=100)["claimed"]:
        pass
    return {m["to"]: m["text"] for m in gateway.received.values()}


def test_each_candidate_with_a_phone_gets_their_own_link_once(client, gateway, exam):
    wang, li, _ = exam.people
    client.force_login(persona("county_operator"))
    page = client.get(f"/training/exam/{exam.pk}/results/").content.decode()
    assert "短信发送考试链接" in page and "已发送 0 人" in page
    answer = client.post(f"/training/exam/{exam.pk}/sms/", follow=True).content.decode()
    assert "已向 2 名考生发送考试链接短信" in answer and "1 人没有手机号码" in answer
    assert Notice.objects.filter(topic=f"exam:{exam.pk}:link").count() == 1

    texts = sent_texts(gateway)
    assert set(texts) == {"13800001111", "13800002222"}
    for person, phone in ((wang, "13800001111"), (li, "13800002222")):
        link = PUBLIC + services.exam_link(exam, person)
        assert link in texts[phone] and exam.title in texts[phone]
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert services.read_exam_token(token) == (exam.pk, person.pk)  # each his own, not the other's
        assert client.get(link.removeprefix(PUBLIC)).status_code == 200

    again = client.post(f"/training/exam/{exam.pk}/sms/", follow=True).content.decode()
    assert "已向 0 名考生发送" in again and "2 人此前已发送，未重复发送" in again
    assert Delivery.objects.filter(notice__topic=f"exam:{exam.pk}:link").count() == 2
    assert "已发送 2 人" in again

    client.post(f"/training/exam/{exam.pk}/sms/", {"resend": "1"})
    assert Delivery.objects.filter(notice__topic=f"exam:{exam.pk}:link").count() == 4
    assert len(sent_texts(gateway)) == 2 and len(gateway.received) == 4  # both again, once each
    assert AuditEntry.objects.filter(action="exam_links_sms").count() == 3


def test_a_failed_text_is_sent_again_and_a_new_candidate_gets_only_theirs(gateway, exam, tree, settings):
    county = persona("county_operator")
    settings.ANLAN_OUTBOX_MAX_ATTEMPTS = 1
    gateway.fail = True
    services.exam_send_links(actor=county, exam=exam)
    outbox.process(limit=100)
    assert set(Delivery.objects.filter(notice__topic=f"exam:{exam.pk}:link").values_list("status", flat=True)) == {
        "failed"
    }
    gateway.fail = False
    late = helpers.trainee(tree.township, "钱后来", phone="13800003333")
    exam.candidates.add(late)
    done = services.exam_send_links(actor=county, exam=exam)
    assert (done.sent, done.already, done.no_phone) == (3, 0, 1)  # the two failed and the newcomer
    assert set(sent_texts(gateway)) == {"13800001111", "13800002222", "13800003333"}
    assert services.exam_send_links(actor=county, exam=exam).sent == 0


def test_only_who_may_change_the_exam_sends_and_only_when_sms_and_the_public_address_are_set(
    client, gateway, exam, settings
):
    client.force_login(persona("other_township_officer"))
    assert client.post(f"/training/exam/{exam.pk}/sms/").status_code in (403, 404)
    assert not Delivery.objects.filter(notice__topic=f"exam:{exam.pk}:link").exists()

    settings.ANLAN_PUBLIC_URL = ""
    client.force_login(persona("county_operator"))
    assert (
        "短信发送考试链接</button>" not in client.get(reverse("training:exam_results", args=[exam.pk])).content.decode()
    )
    refused = client.post(f"/training/exam/{exam.pk}/sms/", follow=True).content.decode()
    assert "ANLAN_PUBLIC_URL" in refused and not Notice.objects.filter(topic=f"exam:{exam.pk}:link").exists()
