"""森林防火 API: permits and rangers read through the scoped router; danger levels read there and written by
the meteorological feed (`POST /api/v1/forestfire/danger-levels/feed/`, a token of a county account), one
atomic batch per call."""

import datetime as dt

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router

from . import services
from .models import BurnPermit, DangerLevel, Ranger


class DangerLevelSerializer(ScopedSerializer):
    class Meta:
        model = DangerLevel
        fields = ["id", "region", "day", "level", "source", "warning"]
        read_only_fields = fields


class DangerLevelViewSet(ScopedModelViewSet):
    """森林火险等级（每日、每乡镇，1–5 级）。写入用数据接口 feed 或页面录入。"""

    queryset = DangerLevel.objects.all()
    serializer_class = DangerLevelSerializer
    http_method_names = ["get", "head", "options"]
    filterset_fields = ["region", "day", "level"]


class BurnPermitSerializer(ScopedSerializer):
    class Meta:
        model = BurnPermit
        fields = [
            *("id", "number", "applicant", "applicant_phone", "person_in_charge", "region", "place", "lon", "lat"),
            *("radius_m", "polygon", "purpose", "starts_at", "ends_at", "safety_measures", "approver_level"),
            *("status", "decided_by", "decided_at", "reason"),
        ]
        read_only_fields = fields


class BurnPermitViewSet(ScopedModelViewSet):
    """野外用火审批（只读；申请与审批在页面上办理）。"""

    queryset = BurnPermit.objects.all()
    serializer_class = BurnPermitSerializer
    http_method_names = ["get", "head", "options"]
    filterset_fields = ["status", "region"]


class RangerSerializer(ScopedSerializer):
    name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Ranger
        fields = ["id", "person", "name", "region", "full_time", "sites", "active"]
        read_only_fields = fields


class RangerViewSet(ScopedModelViewSet):
    """护林员（只读）。"""

    queryset = Ranger.objects.select_related("person").prefetch_related("sites")
    serializer_class = RangerSerializer
    http_method_names = ["get", "head", "options"]


router.register("forestfire/danger-levels", DangerLevelViewSet, basename="forestfire-dangerlevel")
router.register("forestfire/permits", BurnPermitViewSet, basename="forestfire-burnpermit")
router.register("forestfire/rangers", RangerViewSet, basename="forestfire-ranger")


class FeedItem(serializers.Serializer):
    region = serializers.CharField(help_text="乡镇（街道）12 位区划代码")
    day = serializers.DateField()
    level = serializers.IntegerField(min_value=1, max_value=5)


class DangerLevelFeedView(APIView):
    """气象部门推送森林火险等级：[{region, day, level}, …]；整批校验，任一条有误则全部不写入并逐条说明。"""

    required_action = "add"
    model = DangerLevel

    @extend_schema(
        request=FeedItem(many=True),
        responses=inline_serializer(
            "DangerLevelFeedResult", {"created": serializers.IntegerField(), "changed": serializers.IntegerField()}
        ),
    )
    def post(self, request):
        if not isinstance(request.data, list) or not request.data:
            raise ValidationError({"detail": "请求体应为非空数组 [{region, day, level}, …]"})
        if len(request.data) > 5000:
            raise ValidationError({"detail": "一次最多 5000 条"})
        items = FeedItem(data=request.data, many=True)
        if not items.is_valid():
            problems = [
                f"第 {i} 条：" + "；".join(f"{k} {v[0]}" for k, v in e.items())
                for i, e in enumerate(items.errors, start=1)
                if e
            ]
            raise ValidationError({"detail": "；".join(problems[:20])})
        rows: list[tuple[str, dt.date, int]] = [(d["region"], d["day"], d["level"]) for d in items.validated_data]
        result = services.danger_levels_save(actor=request.user, rows=rows, source=DangerLevel.Source.FEED)
        return Response(result)
