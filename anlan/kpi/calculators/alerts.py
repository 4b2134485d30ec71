"""Warnings (anlan.alerts, through notify's outbox): 预警信息送达率 and 叫应及时率, per person and warning.

- 送达率: of the persons a warning of the period was sent to (its notice's deliveries, one person per recipient
  key whatever the channels tried), those reached on some channel (sent or acknowledged).
- 叫应及时率: of the county, township and village responsible persons (alerts.acks.RESPONSIBLE_TIERS; the
  escalation calls to superiors, keys with "#", are not persons of their own), those who acknowledged within
  the warning level's window (settings.ANLAN_ACK_MINUTES, 30 minutes for a level it does not name — the
  window acks.escalate uses) counted from the warning's notice.
Warnings whose notice was created in the period, delivered in the county; drill notices never count. One
aggregate query each."""

import datetime as dt
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import CharField, Count, F, Q, Value
from django.db.models.functions import Cast, Concat

from anlan.alerts.acks import RESPONSIBLE_TIERS
from anlan.kpi.computed import Figure, calculator, ratio
from anlan.notify.models import Delivery

from ._common import bounds, prefix

PERSON = Concat(Cast("notice_id", CharField()), Value(":"), "recipient_key", output_field=CharField())
REACHED = Q(status__in=(Delivery.Status.SENT, Delivery.Status.ACKNOWLEDGED))


def _deliveries(county_code: str, start: dt.date, end: dt.date):
    first, after = bounds(start, end)
    return Delivery.objects.filter(
        notice__topic__startswith="warning:",
        notice__exercise__isnull=True,
        notice__created_at__gte=first,
        notice__created_at__lt=after,
        region_code__startswith=prefix(county_code),
    ).order_by()


def _in_time() -> Q:
    windows = settings.ANLAN_ACK_MINUTES
    named = [
        Q(notice__level=level, acknowledged_at__lte=F("notice__created_at") + dt.timedelta(minutes=minutes))
        for level, minutes in windows.items()
    ]
    other = ~Q(notice__level__in=list(windows)) & Q(
        acknowledged_at__lte=F("notice__created_at") + dt.timedelta(minutes=30)
    )
    return reduce(or_, [*named, other])


@calculator(
    "alerts.warning_reach",
    label="预警信息送达率",
    unit="%",
    formula="本期发布预警的接收人中，至少一个渠道送达（已发送或已叫应）的人数比例（按人、按预警计）",
)
def warning_reach(county_code: str, start: dt.date, end: dt.date) -> Figure:
    row = _deliveries(county_code, start, end).aggregate(
        sent=Count(PERSON, distinct=True), reached=Count(PERSON, filter=REACHED, distinct=True)
    )
    figure = ratio(row["reached"], row["sent"])
    note = f"送达 {row['reached']} 人次 / 发送 {row['sent']} 人次"
    return Figure(figure.value, figure.numerator, figure.denominator, note)


@calculator(
    "alerts.ack_in_time",
    label="预警叫应及时率",
    unit="%",
    formula="本期预警的县乡村三级责任人中，在预警级别规定时限内（红色10分钟、橙色20分钟等）确认叫应的比例",
)
def ack_in_time(county_code: str, start: dt.date, end: dt.date) -> Figure:
    row = (
        _deliveries(county_code, start, end)
        .filter(tier__in=RESPONSIBLE_TIERS)
        .exclude(recipient_key__contains="#")
        .aggregate(
            persons=Count(PERSON, distinct=True),
            acked=Count(PERSON, filter=Q(acknowledged_at__isnull=False) & _in_time(), distinct=True),
        )
    )
    figure = ratio(row["acked"], row["persons"])
    note = f"按时叫应 {row['acked']} 人次 / 应叫应 {row['persons']} 人次"
    return Figure(figure.value, figure.numerator, figure.denominator, note)
