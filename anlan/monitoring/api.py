"""Monitoring API (CONTRACT.md): sensors, rules, batch readings, alarms (+ acknowledge), chart series."""

import datetime as dt
import json

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from anlan.core import safejson
from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router
from anlan.core.fastlist import ValuesListMixin
from anlan.geo.fields import LocationField

from . import selectors, services
from .filters import AlarmFilterSet, RuleFilterSet, SensorFilterSet
from .models import LEVELS, Alarm, Reading, ReadingHourly, Rule, Sensor


class SensorSerializer(ScopedSerializer):
    location = LocationField(required=True, allow_null=False)

    class Meta:
        model = Sensor
        fields = [
            *("id", "code", "name", "kind", "unit", "region", "department", "station", "location"),
            *("hazard_site", "risk_point", "major_hazard", "video_url", "active"),
            *("last_ts", "last_value", "live_status", "synthetic"),
        ]
        read_only_fields = ["last_ts", "last_value", "live_status", "synthetic"]
        extra_kwargs = {"unit": {"required": False}}


class SensorViewSet(ValuesListMixin, ScopedModelViewSet):
    """监测设备（雨量、水位、GNSS 位移、裂缝、含水率、气体、液位、温度、压力、烟感、视频）。按设备编码访问。"""

    queryset = Sensor.objects.all()
    serializer_class = SensorSerializer
    filterset_class = SensorFilterSet
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    scope_actions = {"series": "view"}
    # A filter on 实时状态 counts rows ingest changes in place: its batches move the live generation (core.kept).
    keep_count = True

    @extend_schema(
        parameters=[OpenApiParameter("hours", int, description="最近多少小时（缺省 24；超过 72 小时用小时统计）")],
        responses=inline_serializer(
            "SensorSeries",
            {
                "unit": serializers.CharField(),
                "resolution": serializers.CharField(),
                "points": serializers.ListField(child=serializers.ListField()),
                "thresholds": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    @action(detail=True, methods=["get"])
    def series(self, request, code=None, format=None):
        """曲线数据：[时间, 数值] 点列与各规则的阈值。"""
        sensor = self.get_object()
        try:
            hours = max(1, min(int(request.query_params.get("hours", 24)), 24 * 400))
        except ValueError:
            raise ValidationError({"hours": ["应为整数"]}) from None
        since = timezone.now() - dt.timedelta(hours=hours)
        if hours <= 72:
            rows = Reading.objects.filter(sensor=sensor, ts__gte=since).order_by("ts").values_list("ts", "value")
            points, resolution = [[ts.isoformat(), v] for ts, v in rows], "raw"
        else:
            rows = ReadingHourly.objects.filter(sensor=sensor, hour__gte=since).order_by("hour")
            points, resolution = [[r.hour.isoformat(), round(r.avg, 4), r.min, r.max] for r in rows], "hourly"
        thresholds = [
            {"rule": str(rule), "kind": rule.kind, "direction": rule.direction, "level": LEVELS[i], "value": value}
            for rule in sensor.rules.filter(active=True)
            for i, value in rule.levels()
            if rule.kind == Rule.Kind.THRESHOLD
        ]
        return Response({"unit": sensor.unit, "resolution": resolution, "points": points, "thresholds": thresholds})


router.register("monitoring/sensors", SensorViewSet, basename="sensor")


class RuleSerializer(ScopedSerializer):
    sensor = serializers.SlugRelatedField(slug_field="code", queryset=Sensor.objects.all())
    levels = serializers.DictField(
        child=serializers.FloatField(), write_only=True, help_text="{blue, yellow, orange, red} 任意子集"
    )

    class Meta:
        model = Rule
        fields = ["id", "sensor", "name", "kind", "direction", "window_minutes", "levels", "hysteresis", "active"]

    def to_representation(self, rule):
        data = super().to_representation(rule)
        data["levels"] = {LEVELS[i]: value for i, value in rule.levels()}
        return data

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        levels = values.pop("levels", None)
        if levels is not None:
            unknown = set(levels) - set(LEVELS)
            if unknown:
                raise ValidationError(
                    {"levels": [f"未知级别：{'、'.join(sorted(unknown))}（blue、yellow、orange、red）"]}
                )
            for name in LEVELS:
                values[name] = levels.get(name)
        return values


class RuleViewSet(ScopedModelViewSet):
    """报警规则：多级阈值（高于/低于）、滑动窗口累计（如 1/3/24 小时雨量）、变化速率（每小时）、离线。"""

    queryset = Rule.objects.all()
    serializer_class = RuleSerializer
    filterset_class = RuleFilterSet
    selector = staticmethod(selectors.rules)


router.register("monitoring/rules", RuleViewSet, basename="rule")


class ReadingIn(serializers.Serializer):
    sensor = serializers.CharField()
    ts = serializers.CharField(help_text="ISO-8601，无时区时按北京时间")
    value = serializers.FloatField()


class DeviceJSONParser(JSONParser):
    """Devices send NaN and Infinity (JSON does not allow them); accept the document so that those
    items are rejected one by one with a reason instead of the whole batch."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            data = json.loads(stream.read().decode(encoding))
        except RecursionError:  # Python's json recurses per bracket; core.safejson's limit says it plainly
            raise ParseError(f"JSON 格式错误：嵌套超过 {safejson.MAX_DEPTH} 层") from None
        except (UnicodeDecodeError, ValueError) as exc:
            raise ParseError(f"JSON 格式错误：{exc}") from None
        if safejson.depth(data) > safejson.MAX_DEPTH:
            raise ParseError(f"JSON 格式错误：嵌套超过 {safejson.MAX_DEPTH} 层")
        return data


class ReadingsView(APIView):
    """批量上报监测数据：逐条校验（未知设备、非数值、NaN/无穷、时间超前或过早、重复），好的保存、坏的给出原因。"""

    required_action = "add"
    model = Reading
    parser_classes = [DeviceJSONParser]

    @extend_schema(
        request=ReadingIn(many=True),
        responses=inline_serializer(
            "IngestResult",
            {"accepted": serializers.IntegerField(), "rejected": serializers.ListField(child=serializers.DictField())},
        ),
    )
    def post(self, request):
        items = request.data
        if not isinstance(items, list):
            raise ValidationError({"detail": "请求体应为数组 [{sensor, ts, value}, …]"})
        # A device account may report only for sensors in its scope; others are unknown to it.
        result = services.ingest(items, sensors=Sensor.objects.restrict(request.user))
        return Response({"accepted": result.accepted, "rejected": result.rejected}, status=status.HTTP_200_OK)


class AlarmSerializer(ScopedSerializer):
    sensor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    rule = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Alarm
        fields = [
            *("id", "sensor", "rule", "level", "status", "value", "peak_value", "opened_at", "raised_at"),
            *("acknowledged_at", "acknowledged_by", "closed_at"),
        ]


class AlarmViewSet(ScopedModelViewSet):
    """报警：开启、升级、确认、恢复后解除（带回差）。"""

    queryset = Alarm.objects.all()
    serializer_class = AlarmSerializer
    filterset_class = AlarmFilterSet
    http_method_names = ["get", "post", "head", "options"]
    scope_actions = {"acknowledge": "view"}
    selector = staticmethod(selectors.alarms)

    def create(self, request, *args, **kwargs):
        raise ValidationError({"detail": "报警由规则产生，不能手工创建"})

    @extend_schema(request=None, responses=AlarmSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """确认报警（已知悉、正在处置）。"""
        alarm = self.get_object()
        alarm = services.alarm_acknowledge(
            actor=request.user, alarm=alarm, comment=str(request.data.get("comment", ""))
        )
        return Response(AlarmSerializer(alarm, context=self.get_serializer_context()).data)


router.register("monitoring/alarms", AlarmViewSet, basename="alarm")
