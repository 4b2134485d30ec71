"""核心指标 API (read-only): `GET /api/v1/kpi/indicators/` — the indicators of the caller's county with their
latest value (the newest period begun) and its status; `GET /api/v1/kpi/indicators/ID/values/` — every period's
value with its numerator, denominator and note. Values are written by recomputation and the entry page."""

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router

from . import status
from .models import Indicator, IndicatorValue


class IndicatorValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = [
            "id", "period_start", "period_end", "value", "numerator", "denominator", "computed", "computed_at", "note",
            "locked",
        ]  # fmt: skip
        read_only_fields = fields


class IndicatorSerializer(ScopedSerializer):
    latest_value = serializers.DecimalField(
        max_digits=16, decimal_places=4, read_only=True, allow_null=True, help_text="最新一期的数值（无则为空）"
    )
    latest_period_start = serializers.DateField(read_only=True, allow_null=True, help_text="最新一期的开始日期")
    status = serializers.SerializerMethodField(help_text="green 达标/amber 预警/red 未达标/none 无数据/no_target")
    status_label = serializers.SerializerMethodField(help_text="状态的中文名称")

    class Meta:
        model = Indicator
        fields = [
            "id", "region", "code", "name", "category", "unit", "source", "formula", "direction", "target",
            "amber_band", "period", "responsible_department", "responsible_text", "basis", "active", "order",
            "latest_value", "latest_period_start", "status", "status_label",
        ]  # fmt: skip
        read_only_fields = fields

    def _status(self, obj) -> str:
        return status.status_of(
            getattr(obj, "latest_value", None), direction=obj.direction, target=obj.target, amber_band=obj.amber_band
        )

    def get_status(self, obj) -> str:
        return self._status(obj)

    def get_status_label(self, obj) -> str:
        return status.LABELS[self._status(obj)]


def _with_latest(qs):
    newest = IndicatorValue.objects.filter(
        indicator_id=OuterRef("pk"), period_start__lte=timezone.localdate()
    ).order_by("-period_start")
    return qs.annotate(
        latest_value=Subquery(newest.values("value")[:1]),
        latest_period_start=Subquery(newest.values("period_start")[:1]),
    ).order_by("order", "id")


class IndicatorViewSet(ScopedModelViewSet):
    """核心指标（只读）：指标定义、目标、最新值及其状态。"""

    queryset = Indicator.objects.all()
    serializer_class = IndicatorSerializer
    http_method_names = ["get", "head", "options"]
    selector = staticmethod(_with_latest)

    @extend_schema(responses=IndicatorValueSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=IndicatorValueSerializer)
    def values(self, request, pk=None, format=None):
        """各期指标值：数值、分子、分母、说明，按周期从新到旧。"""
        indicator = self.get_object()
        rows = IndicatorValue.objects.filter(indicator=indicator).order_by("-period_start")
        return Response(IndicatorValueSerializer(rows, many=True).data)


router.register("kpi/indicators", IndicatorViewSet, basename="kpi-indicator")
