"""Recipient sources: an app registers who it can reach, and notify reaches them — by area in one
INSERT … SELECT, by id, with the text the sender rendered — without notify knowing the app."""

import pytest
from django.utils import timezone

from anlan.notify import outbox, recipients
from anlan.notify.models import Delivery, Notice, NoticeText
from anlan.notify.tokens import read_confirm_token
from anlan.registry.models import Person
from tests.notify.test_outbox import Gateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_source():
    """A later app's source (a duty desk, say) over a table notify has never heard of."""

    def build():
        return recipients.Source(
            kind="desk",
            label="值班台",
            table=Person._meta.db_table,
            lookup=lambda ids: ((p.pk, {"phone": p.phone}) for p in Person.objects.filter(pk__in=ids)),
            tier="'desk'",
            tiers=("desk",),
            channel="'sms'",
            fallback="'voice'",
        )

    recipients.register_source("test-desk", build)
    yield
    recipients._SOURCES.pop("test-desk")


def test_a_registered_source_is_reached_by_area_with_the_rendered_text(tree, desk_source, settings):
    gateway = Gateway()
    settings.ANLAN_SMS_URL, settings.ANLAN_CHANNEL_RATES = gateway.url, ""
    try:
        notice = Notice.objects.create(topic="duty:1", title="值班提醒", confirm_link="https://x.example/c/{token}/")
        NoticeText.objects.create(notice=notice, key="", text="【应急管理局】今晚值班", confirm=True)
        added = recipients.enqueue_area(notice, [tree.village.code], only=lambda source: source.kind == "desk")
        people = [p for p in Person.objects.filter(region=tree.village) if p.phone]
        assert added == Person.objects.filter(region=tree.village).count() > 0
        rows = Delivery.objects.filter(notice=notice)
        assert set(rows.values_list("tier", "channel", "fallback")) == {("desk", "sms", "voice")}
        while outbox.process(limit=5000, now=timezone.now())["claimed"]:
            pass
    finally:
        gateway.server.shutdown()
    texts = {m["to"]: m["text"] for m in gateway.received.values()}
    assert set(texts) == {p.phone for p in people}
    # Each recipient's SMS carries its own signed confirmation link, filled in by notify.
    person = people[0]
    token = texts[person.phone].rsplit("/c/", 1)[1].rstrip("/")
    assert texts[person.phone].startswith("【应急管理局】今晚值班")
    assert read_confirm_token(token) == ("duty:1", f"desk:{person.pk}")


def test_recipients_by_id_take_the_source_s_tier_and_channel_order(tree):
    head = Person.objects.filter(region=tree.village).first()
    found = recipients.recipients_by_ids("person", [head.pk])
    assert found[head.pk].tier == "village" and found[head.pk].key == f"person:{head.pk}"
    assert (found[head.pk].channel, found[head.pk].fallback) == ("sms", "voice")
    with pytest.raises(KeyError, match="没有登记的接收人来源"):
        recipients.recipients_by_ids("nobody", [1])


def test_reach_counts_each_source_in_the_area(tree):
    reach = {kind: n for _, kind, n in recipients.reach([tree.village.code])}
    assert reach["person"] == Person.objects.filter(region=tree.village).count()
    assert "order" not in reach  # reached by id only, never by area
