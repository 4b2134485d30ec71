from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router

from .models import Department


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
