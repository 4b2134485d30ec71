import datetime as dt
from functools import reduce
from operator import or_

import django_filters
from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet
from anlan.notify.models import Delivery

from .models import Warning


def in_force(now=None) -> Q:
    """Issued, not yet expired, and not a cancel message: a 解除 is issued as a follower that carries the
    original's expiry, but it ends a warning rather than being one (the list, the situation API, the 工作台,
    the 一张图 and the 综合态势 all count live warnings with this one test)."""
    return Q(status=Warning.Status.ISSUED, expires__gt=now or timezone.now()) & ~Q(msg_type=Warning.MsgType.CANCEL)


class WarningFilterSet(ScopedFilterSet):
    """The warning list's filters (page and `GET /api/v1/warnings/`): the list's choice columns as before,
    the owner region's subtree and whether a warning is in force."""

    region = RegionSubtreeFilter(field_name="region")
    in_force = django_filters.BooleanFilter(method="filter_in_force", label="生效中")

    class Meta:
        model = Warning
        fields = ["region", "level", "msg_type", "status", "in_force"]

    def filter_in_force(self, queryset, name, value):
        live = in_force()
        return queryset.filter(live) if value else queryset.exclude(live)


DELIVERED_OR_PENDING = (
    Delivery.Status.SENT,
    Delivery.Status.ACKNOWLEDGED,
    Delivery.Status.QUEUED,
    Delivery.Status.SENDING,
)


RESPONSIBLE_TIERS = ("county", "township", "village")  # the persons asked for a 叫应 (acks.py)
# In the lookups of a recipient's other rows, written as ORs of equalities: the same terms as the partial
# unique index on responsible persons' rows (notify.Delivery.Meta), which SQLite matches literally.
RESPONSIBLE = Q(tier="county") | Q(tier="township") | Q(tier="village")


def _same_target(among: Q):
    """The other rows of the same recipient for the same notice (a fallback call, a 叫应 voice call)."""
    return Delivery.objects.filter(among, notice=OuterRef("notice"), recipient_key=OuterRef("recipient_key"))


def unreached(among: Q = Q()) -> Q:  # noqa: B008  (an empty Q is immutable)
    """Recipients of a notice no channel reached, one row each (their last failure): a failed row with no
    delivered or pending row for the same recipient and notice, and no later row. These are the people a
    bureau calls "送达失败" — the same as notify.outcomes.unreached, which counts per recipient, not row.
    `among` (the recipients the caller has narrowed the rows to) lets the lookups of their other rows use
    an index."""
    return (
        Q(status=Delivery.Status.FAILED)
        & ~Exists(_same_target(among).filter(status__in=DELIVERED_OR_PENDING))
        # Every row of such a recipient failed, so "no later row" is "no later failed row": the partial index
        # of failed rows answers it without reading the notice's other rows (a million for a county).
        & ~Exists(_same_target(among).filter(status=Delivery.Status.FAILED, pk__gt=OuterRef("pk")))
    )


def awaiting_ack(now: dt.datetime) -> Q:
    """Responsible persons asked to acknowledge a warning still in force who have not (叫应 pending), one
    row each: their SMS (the 叫应 request; the voice call and superiors' calls follow from it in acks.py)."""
    live_topics = (
        Warning.objects.filter(in_force(now))
        .annotate(topic=Concat(Value("warning:"), Cast("pk", CharField())))
        .values("topic")
    )
    return (
        Q(tier__in=RESPONSIBLE_TIERS, channel="sms", sent_at__isnull=False, notice__topic__in=live_topics)
        & ~Q(recipient_key__contains="#")
        & ~Exists(_same_target(RESPONSIBLE).filter(acknowledged_at__isnull=False))
    )


def ack_overdue(now: dt.datetime) -> Q:
    """叫应 pending past the warning level's acknowledgement window (ANLAN_ACK_MINUTES, 30 minutes for a
    level it does not name), the moment acks.escalate starts calling."""
    windows = settings.ANLAN_ACK_MINUTES
    past = [Q(notice__level=level, sent_at__lte=now - dt.timedelta(minutes=m)) for level, m in windows.items()]
    past.append(~Q(notice__level__in=list(windows)) & Q(sent_at__lte=now - dt.timedelta(minutes=30)))
    return awaiting_ack(now) & reduce(or_, past)


class DeliveryFilterSet(ScopedFilterSet):
    """消息送达 (read-only list): by status, tier and channel, the notices since a day, and three follow-up
    views: `unreached` (送达失败, per person and notice), `ack_waiting` (叫应 not given yet) and
    `ack_overdue` (叫应 not given past its window)."""

    status = django_filters.ChoiceFilter(choices=Delivery.Status.choices, label="状态")
    since = django_filters.DateFilter(field_name="notice__created_at", lookup_expr="date__gte", label="通知日期起")
    responsible = django_filters.BooleanFilter(method="filter_responsible", label="县乡村三级责任人")
    unreached = django_filters.BooleanFilter(method="filter_unreached", label="送达失败（各渠道均未送达）")
    ack_waiting = django_filters.BooleanFilter(method="filter_ack_waiting", label="叫应待确认")
    ack_overdue = django_filters.BooleanFilter(method="filter_ack_overdue", label="叫应超时未确认")

    class Meta:
        model = Delivery
        fields = ["status", "tier", "channel", "since", "responsible", "unreached", "ack_waiting", "ack_overdue"]

    def filter_responsible(self, queryset, name, value):
        # The responsible persons the warning was sent to; the 叫应 escalation calls to their superiors
        # (recipient key "person:5#up:12", one per silent subordinate) would count one superior many times.
        tiers = Q(tier__in=RESPONSIBLE_TIERS) & ~Q(recipient_key__contains="#")
        return queryset.filter(tiers) if value else queryset.exclude(tiers)

    def filter_unreached(self, queryset, name, value):
        among = RESPONSIBLE if self.form.cleaned_data.get("responsible") else Q()
        return queryset.filter(unreached(among)) if value else queryset.exclude(unreached(among))

    def filter_ack_waiting(self, queryset, name, value):
        q = awaiting_ack(timezone.now())
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_ack_overdue(self, queryset, name, value):
        q = ack_overdue(timezone.now())
        return queryset.filter(q) if value else queryset.exclude(q)
