"""Incidents API: the grading calculator (CONTRACT.md), intake and reading incidents with their timeline."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router
from anlan.geo.fields import LocationField

from . import grading, selectors, services
from .filters import IncidentFilterSet
from .models import Incident, TimelineEntry


class GradeInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["production_safety"], help_text="事件分级依据；目前为生产安全事故")
    deaths = serializers.IntegerField(min_value=0, help_text="死亡人数")
    serious_injuries = serializers.IntegerField(min_value=0, help_text="重伤人数（含急性工业中毒）")
    direct_loss_10k_yuan = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, help_text="直接经济损失（万元）"
    )


class GradeView(APIView):
    """事故等级（生产安全事故报告和调查处理条例第三条）：以上包括本数，以下不包括本数；取三项中最高者。"""

    required_action = "view"  # computes, writes nothing

    @extend_schema(
        request=GradeInput,
        responses=inline_serializer(
            "IncidentGrade",
            {"level": serializers.CharField(), "label": serializers.CharField(), "basis": serializers.CharField()},
        ),
    )
    def post(self, request):
        data = GradeInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        grade = grading.production_safety(v["deaths"], v["serious_injuries"], v["direct_loss_10k_yuan"])
        return Response({"level": grade.level, "label": grade.label, "basis": grade.basis})


class IncidentSerializer(ScopedSerializer):
    location = LocationField()

    class Meta:
        model = Incident
        fields = [
            *("id", "number", "title", "kind", "region", "place", "location", "affected_area"),
            *("occurred_at", "received_at", "source", "caller_name", "caller_phone", "caller_unit", "description"),
            *("deaths", "missing", "injured", "serious_injuries", "trapped", "evacuated", "direct_loss_10k_yuan"),
            *("level", "level_basis", "response_level", "status", "ended_at", "recorded_by"),
        ]
        read_only_fields = [
            *("number", "level", "level_basis", "response_level", "status", "ended_at"),
            *("recorded_by", "evacuated"),
        ]
        extra_kwargs = {"received_at": {"required": False}}


class TimelineSerializer(serializers.ModelSerializer):
    class Meta:
        model = TimelineEntry
        fields = ["id", "at", "kind", "title", "detail", "actor_name", "data", "lon", "lat", "attachment_name"]


class IncidentViewSet(ScopedModelViewSet):
    """突发事件：接报登记（自动编号，生产安全事故按伤亡和损失自动定级）与查询；处置步骤在事件工作台页面办理。"""

    queryset = Incident.objects.all()
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    http_method_names = ["get", "post", "head", "options"]
    scope_actions = {"timeline": "view"}
    selector = staticmethod(selectors.incidents)

    def perform_create(self, serializer):
        incident = Incident(**serializer.validated_data)
        serializer.instance = services.incident_create(actor=self.request.user, incident=incident)

    @extend_schema(responses=TimelineSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])  # one incident's whole timeline
    def timeline(self, request, pk=None, format=None):
        """时间轴：接报、报告、定级、响应、任务、调度、反馈、报警与预警，按时间排列。"""
        return Response(TimelineSerializer(selectors.timeline(self.get_object()), many=True).data)


router.register("incidents", IncidentViewSet, basename="incident")
