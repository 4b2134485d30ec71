import django_filters

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from .models import DutyRole, Enterprise, Person


class PersonFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")
    duty_role = django_filters.ModelChoiceFilter(
        field_name="duty_roles", queryset=DutyRole.objects.all(), label="责任类型", to_field_name="code"
    )
    name = django_filters.CharFilter(lookup_expr="icontains", label="姓名")

    class Meta:
        model = Person
        fields = ["region", "department", "duty_role", "name"]


class EnterpriseFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")
    name = django_filters.CharFilter(lookup_expr="icontains", label="企业名称")
    credit_code = django_filters.CharFilter(label="统一社会信用代码")

    class Meta:
        model = Enterprise
        fields = [
            *("region", "department", "name", "credit_code", "industry", "scale", "standard_grade"),
            *("has_major_hazard", "is_hazchem", "is_dust_explosive", "has_confined_space"),
            *("has_ammonia_refrigeration", "is_fireworks", "is_non_coal_mine"),
        ]
