"""Inspectors and 双随机 draws (CONTRACT.md "Enforcement (执法)"):

- `GET/POST /api/v1/enforcement/inspectors/` — the 执法检查人员名录库 of the caller's scope; a county role
  registers a user as an officer `{"user": USERNAME, "certificate", "conflicts": [enterprise id…]}` → 201;
- `GET/POST /api/v1/enforcement/draws/` — draws of the scope; `{"name", "region", "count",
  "inspectors_per_object", "seed"?}` → 201 `{"id", "seed", "objects": [{"enterprise", "inspectors"}]}`;
- `POST /api/v1/enforcement/draws/ID/verify` → `{"reproduced": bool}`.

Draws are never deleted (DELETE is a 405: the route has none; the model refuses too).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from anlan.core.api import RolePermission, StandardPagination, router

from . import services_draws as services
from .draw import MIN_INSPECTORS, SEED_MAX_LENGTH
from .models import CheckMatter, Draw, Inspector


class InspectorSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    name = serializers.SerializerMethodField()
    conflicts = serializers.SerializerMethodField(help_text="申报回避的企业编号")
    department = serializers.CharField(source="department.name", default=None, read_only=True)

    class Meta:
        model = Inspector
        fields = ["id", "user", "name", "certificate", "certificate_valid_until", "region", "department", "active"]
        fields += ["conflicts"]

    def get_name(self, obj) -> str:
        return str(obj.user)

    def get_conflicts(self, obj) -> list[int]:
        return sorted(c.enterprise_id for c in obj.conflicts.all())


class InspectorCreateSerializer(serializers.Serializer):
    user = serializers.CharField(max_length=150, help_text="用户名")
    certificate = serializers.CharField(max_length=32, help_text="执法证号")
    certificate_valid_until = serializers.DateField(required=False, allow_null=True, help_text="执法证有效期至")
    conflicts = serializers.ListField(
        child=serializers.JSONField(), required=False, default=list, help_text="需回避的企业编号"
    )


class InspectorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """执法检查人员名录库：县级登记执法人员（执法证号、回避企业）；超出管辖范围为 404。"""

    queryset = Inspector.objects.all()
    permission_classes = [RolePermission]
    pagination_class = StandardPagination
    serializer_class = InspectorSerializer

    def get_queryset(self):
        qs = Inspector.objects.restrict(self.request.user, "view")
        return qs.select_related("user", "department").prefetch_related("conflicts").order_by("user__username")

    @extend_schema(request=InspectorCreateSerializer, responses={201: InspectorSerializer})
    def create(self, request, *args, **kwargs):
        data = InspectorCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        inspector = services.inspector_create(
            actor=request.user,
            username=values["user"],
            certificate=values["certificate"],
            certificate_valid_until=values.get("certificate_valid_until"),
            conflicts=values["conflicts"],
        )
        return Response(InspectorSerializer(self.get_queryset().get(pk=inspector.pk)).data, status=201)


class DrawObjectSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(help_text="企业编号")
    inspectors = serializers.ListField(child=serializers.CharField(), help_text="执法人员用户名")


class DrawSerializer(serializers.ModelSerializer):
    objects = serializers.SerializerMethodField()
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = Draw
        fields = ["id", "name", "region", "count", "inspectors_per_object", "seed", "algorithm", "matter"]
        fields += ["created_at", "pools", "objects"]

    @extend_schema(responses=DrawObjectSerializer(many=True))
    def get_objects(self, obj) -> list[dict]:
        return [
            {"enterprise": o.enterprise_id, "inspectors": sorted(i.user.username for i in o.inspectors.all())}
            for o in obj.objects_drawn.all()
        ]


class DrawCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="抽取名称")
    region = serializers.CharField(max_length=12, help_text="区划代码（在其下级中抽取企业）")
    count = serializers.IntegerField(min_value=1, help_text="抽取企业数")
    inspectors_per_object = serializers.IntegerField(
        min_value=MIN_INSPECTORS,
        help_text="每家企业的执法人员数，至少 2 名（行政处罚法第四十二条）",
        error_messages={"min_value": "每家企业至少抽取 2 名执法人员（行政处罚法第四十二条：执法人员不得少于两人）"},
    )
    seed = serializers.CharField(
        max_length=SEED_MAX_LENGTH, required=False, allow_blank=True, help_text="随机种子；不填则由系统生成并返回"
    )
    matter = serializers.IntegerField(required=False, allow_null=True, help_text="随机抽查事项编号")


class VerifySerializer(serializers.Serializer):
    reproduced = serializers.BooleanField(help_text="按记录的种子和名录库重新计算，结果与保存的抽取结果一致")


class DrawViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """双随机抽取：在区划内随机抽取企业，并为每家随机抽取至少 2 名无回避关系的执法人员；记录种子和名录库，
    任何人可按文档重新计算并复核。抽取记录不可删除。"""

    queryset = Draw.objects.all()
    permission_classes = [RolePermission]
    pagination_class = StandardPagination
    serializer_class = DrawSerializer
    scope_actions = {"verify": "view"}  # a check that writes nothing: whoever reads the draw may ask

    def get_queryset(self):
        qs = Draw.objects.restrict(self.request.user, "view")
        return qs.prefetch_related("objects_drawn__inspectors__user").order_by("-created_at", "-pk")

    @extend_schema(request=DrawCreateSerializer, responses={201: DrawSerializer})
    def create(self, request, *args, **kwargs):
        data = DrawCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        matter_id = values.pop("matter", None)
        matter = None
        if matter_id is not None:
            matter = CheckMatter.objects.restrict(request.user, "view").filter(pk=matter_id).first()
            if matter is None:
                raise serializers.ValidationError({"matter": [f"随机抽查事项 {matter_id} 不存在或不在您的管辖范围内"]})
        record = services.draw_create(actor=request.user, matter=matter, **values)
        return Response(DrawSerializer(self.get_queryset().get(pk=record.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: VerifySerializer})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """复核：按记录的种子和名录库重新计算抽取，与保存的结果比较。"""
        return Response({"reproduced": services.draw_verify(self.get_object())})


router.register("enforcement/inspectors", InspectorViewSet, basename="enforcement-inspector")
router.register("enforcement/draws", DrawViewSet, basename="enforcement-draw")


class DrawVerifyNoSlash(DrawViewSet):
    """CONTRACT.md spells the verify URL without a trailing slash; it is documented once, by the router's
    form, so this alias stays out of the schema."""

    schema = None
