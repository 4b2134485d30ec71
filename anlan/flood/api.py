"""防汛 API (read-only through the scoped router): reservoirs with their SL 252 class and 责任人 completeness,
dikes, and the 防汛责任人 (names and posts; phones stay in the registry, read there with its masking).
Writes go through the pages (the 责任人 page, the Excel import, the threshold page that writes monitoring rules)."""

from rest_framework import serializers

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router

from . import rules
from .models import Dike, FloodResponsibility, Reservoir


class ReservoirSerializer(ScopedSerializer):
    size_class_label = serializers.CharField(source="get_size_class_display", read_only=True)
    duty_status = serializers.CharField(read_only=True, help_text="责任人完整，或 缺技术、巡查 等")

    class Meta:
        model = Reservoir
        fields = [
            *("id", "code", "name", "region", "department", "lon", "lat", "total_storage", "size_class"),
            *("size_class_label", "dam_type", "dam_height", "flood_limit_level", "normal_level"),
            *("design_flood_level", "check_flood_level", "sensor", "downstream_people", "duty_status"),
        ]
        read_only_fields = fields


def _with_posts(qs, kind="reservoir"):
    from .views import with_post_counts

    return with_post_counts(qs, kind=kind)


class ReservoirViewSet(ScopedModelViewSet):
    """水库（只读；工程规模按总库容 SL 252 计算）。"""

    queryset = Reservoir.objects.all()
    serializer_class = ReservoirSerializer
    http_method_names = ["get", "head", "options"]
    filterset_fields = ["region", "size_class"]
    selector = staticmethod(_with_posts)


class DikeSerializer(ScopedSerializer):
    grade_label = serializers.CharField(
        source="get_grade_display", read_only=True, allow_null=True, help_text="如 3 级；未填为 null"
    )
    duty_status = serializers.CharField(read_only=True)

    class Meta:
        model = Dike
        fields = [
            *("id", "code", "name", "river", "region", "department", "length_km", "grade", "grade_label"),
            *("protected_people", "warning_level", "guarantee_level", "station", "duty_status"),
        ]
        read_only_fields = fields


class DikeViewSet(ScopedModelViewSet):
    """堤防（只读）。"""

    queryset = Dike.objects.all()
    serializer_class = DikeSerializer
    http_method_names = ["get", "head", "options"]
    filterset_fields = ["region"]
    selector = staticmethod(lambda qs: _with_posts(qs, "dike"))


class ResponsibilitySerializer(ScopedSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    post = serializers.CharField(
        read_only=True, help_text="admin 行政、technical 技术、patrol 巡查、monitor 监测、guard 包保"
    )
    post_label = serializers.SerializerMethodField()

    class Meta:
        model = FloodResponsibility
        fields = ["id", "reservoir", "dike", "site", "post", "post_label", "person", "name", "region"]
        read_only_fields = fields

    def get_post_label(self, obj) -> str:
        return rules.POST_LABELS[obj.post]


class ResponsibilityViewSet(ScopedModelViewSet):
    """防汛责任人（只读；指定在页面上办理或 Excel 导入）。"""

    queryset = FloodResponsibility.objects.all()
    serializer_class = ResponsibilitySerializer
    http_method_names = ["get", "head", "options"]
    filterset_fields = ["reservoir", "dike", "site", "post"]
    selector = staticmethod(lambda qs: qs.select_related("person"))


router.register("flood/reservoirs", ReservoirViewSet, basename="flood-reservoir")
router.register("flood/dikes", DikeViewSet, basename="flood-dike")
router.register("flood/responsibilities", ResponsibilityViewSet, basename="flood-responsibility")
