"""预警送达率 per person (any channel) and 叫应及时率 within the level's window; drill notices never count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anlan.core.models import Exercise
from anlan.kpi.computed import compute
from anlan.notify.models import Delivery, Notice

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()
START, END = dt.date(2011, 1, 1), dt.date(2011, 12, 31)
T0 = dt.datetime(2011, 6, 1, 8, tzinfo=TZ)


def notice(n, level="red", exercise=None):
    return Notice.objects.create(topic=f"warning:{90000 + n}", title="暴雨预警", level=level, created_at=T0,
                                 exercise=exercise)  # fmt: skip


def deliver(notice_, key, tier, channel, status, region, acked_after=None):
    return Delivery.objects.create(
        notice=notice_, recipient_key=key, recipient_name=key, region_code=region.code, tier=tier, channel=channel,
        status=status, sent_at=T0, acknowledged_at=T0 + dt.timedelta(minutes=acked_after) if acked_after else None,
    )  # fmt: skip


def test_reach_and_ack_in_time(tree, django_assert_max_num_queries):
    red = notice(1)  # window 10 minutes
    deliver(red, "person:1", "village", "sms", "acknowledged", tree.village, acked_after=5)  # in time
    deliver(red, "person:2", "village", "sms", "failed", tree.village)
    deliver(red, "person:2", "village", "voice", "acknowledged", tree.village, acked_after=15)  # reached, late
    deliver(red, "person:3", "township", "sms", "failed", tree.township)  # never reached nor acknowledged
    deliver(red, "person:3#up:9", "county", "voice", "sent", tree.county)  # superior called up: no 叫应 person
    deliver(red, "public:1", "public", "sms", "sent", tree.village)  # reached, not a responsible person
    blue = notice(2, level="blue")  # window 60 minutes
    deliver(blue, "person:1", "village", "sms", "acknowledged", tree.village, acked_after=45)  # in time
    drill = notice(3, exercise=Exercise.objects.create(name="演练"))
    deliver(drill, "person:1", "village", "sms", "failed", tree.village)  # a drill: never counted

    with django_assert_max_num_queries(1):
        reach = compute("alerts.warning_reach", tree.county.code, START, END)
    # persons per warning: red 1, 2, 3, 3#up:9, public:1 (reached: 1, 2, 3#up:9, public:1); blue 1 (reached)
    assert (reach.numerator, reach.denominator, reach.value) == (5, 6, Decimal("83.33"))
    with django_assert_max_num_queries(1):
        acks = compute("alerts.ack_in_time", tree.county.code, START, END)
    assert (acks.numerator, acks.denominator, acks.value) == (2, 4, Decimal("50.00"))
