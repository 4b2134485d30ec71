import django_filters
from django.db.models import Q

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from . import clocks
from .models import Reward, Tip


def overdue_q(on) -> Q:
    """Tips whose open step is past its deadline: not accepted in time, or accepted and not verified in time."""
    return Q(status=Tip.Status.RECEIVED, accept_due__lt=on) | Q(status=Tip.Status.ACCEPTED, verify_due__lt=on)


class TipFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="是否超期")
    year = django_filters.NumberFilter(field_name="received_on__year", label="收到年份")
    reward_status = django_filters.ChoiceFilter(
        field_name="reward__status", choices=Reward.Status.choices, label="奖励状态"
    )

    class Meta:
        model = Tip
        fields = ["region", "status", "overdue", "claims_reward", "outcome", "reward_status", "year"]

    def filter_overdue(self, queryset, name, value):
        late = overdue_q(clocks.today())
        return queryset.filter(late) if value else queryset.exclude(late)


class RewardFilterSet(ScopedFilterSet):
    class Meta:
        model = Reward
        fields = ["status", "method"]
