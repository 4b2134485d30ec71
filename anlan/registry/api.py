from rest_framework import serializers

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router

from .filters import EnterpriseFilterSet, PersonFilterSet
from .models import Department, DutyRole, Enterprise, Person
from .views import ENTERPRISE_FIELDS


class PersonSerializer(ScopedSerializer):
    duty_roles = serializers.SlugRelatedField(
        slug_field="code", queryset=DutyRole.objects.all(), many=True, required=False, help_text="责任类型编码"
    )

    class Meta:
        model = Person
        fields = ["id", *Person.EDITABLE_FIELDS, "synthetic"]
        read_only_fields = ["synthetic"]


class PersonViewSet(ScopedModelViewSet):
    """责任人（防汛三个责任人、群测群防员、网格员等）。手机号、身份证号按角色脱敏。"""

    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    selector = staticmethod(lambda qs: qs.prefetch_related("duty_roles"))


class EnterpriseSerializer(ScopedSerializer):
    section = serializers.CharField(read_only=True, help_text="GB/T 4754 门类")

    class Meta:
        model = Enterprise
        fields = ["id", *ENTERPRISE_FIELDS[:5], "section", *ENTERPRISE_FIELDS[5:], "synthetic"]
        read_only_fields = ["synthetic"]


class EnterpriseViewSet(ScopedModelViewSet):
    """辖区企业。"""

    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet


router.register("persons", PersonViewSet, basename="person")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")


class DepartmentSerializer(ScopedSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "kind", "region", "duty_phone", "responsibilities"]


class DepartmentViewSet(ScopedModelViewSet):
    """行业部门。"""

    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_fields = ["kind", "region"]


router.register("departments", DepartmentViewSet, basename="department")
