"""Incidents API: the grading calculator (CONTRACT.md), intake and reading incidents with their timeline."""

from decimal import Decimal

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router
from anlan.geo.fields import LocationField

from . import calculators, selectors, services
from .filters import IncidentFilterSet
from .models import Incident, TimelineEntry


class GradeInput(serializers.Serializer):
    """生产安全事故 (CONTRACT.md): the shape the API has always taken."""

    kind = serializers.ChoiceField(choices=["production_safety"], help_text="生产安全事故")
    deaths = serializers.IntegerField(min_value=0, help_text="死亡人数")
    serious_injuries = serializers.IntegerField(min_value=0, help_text="重伤人数（含急性工业中毒）")
    direct_loss_10k_yuan = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, help_text="直接经济损失（万元）"
    )


def _amount(help_text: str):
    """A non-negative amount with as many decimals as given (an area of 0.9999 公顷 is below 1); 0 when left out."""
    return serializers.DecimalField(
        max_digits=None, decimal_places=None, min_value=0, default=Decimal(0), help_text=f"{help_text}；省略按 0 计"
    )


def _count(help_text: str):
    return serializers.IntegerField(min_value=0, default=0, help_text=f"{help_text}；省略按 0 计")


class CriteriaInput(serializers.Serializer):
    """The new kinds' criteria may be left out (counted as 0), but not all of them."""

    criteria: tuple[str, ...] = ()

    def validate(self, attrs):
        if not any(name in self.initial_data for name in self.criteria):
            names = "、".join(str(self.fields[name].help_text).split("；")[0] for name in self.criteria)
            raise serializers.ValidationError(f"请至少填写一项：{names}", code="criteria_required")
        return attrs


class ForestFireInput(CriteriaInput):
    criteria = ("burned_forest_ha", "deaths", "serious_injuries")
    kind = serializers.ChoiceField(choices=["forest_fire"], help_text="森林火灾（森林防火条例第四十条）")
    burned_forest_ha = _amount("受害森林面积（公顷）")
    other_woodland = serializers.BooleanField(default=False, help_text="其他林地起火（按面积为一般森林火灾）")
    deaths = _count("死亡人数")
    serious_injuries = _count("重伤人数")


class GeologicalDisasterInput(CriteriaInput):
    criteria = ("deaths", "direct_loss_10k_yuan")
    kind = serializers.ChoiceField(choices=["geological_disaster"], help_text="地质灾害灾情（地质灾害防治条例第四条）")
    deaths = _count("死亡人数")
    direct_loss_10k_yuan = _amount("直接经济损失（万元）")
    missing = serializers.IntegerField(
        min_value=0,
        default=0,
        help_text="失踪人数：仅当本省将失踪人数与死亡人数合并计算时计入（设置 ANLAN_GEO_COUNT_MISSING）",
    )


class GeologicalDangerInput(CriteriaInput):
    criteria = ("people_to_relocate", "potential_loss_10k_yuan")
    kind = serializers.ChoiceField(choices=["geological_danger"], help_text="地质灾害险情（国家突发地质灾害应急预案）")
    people_to_relocate = _count("需转移人数")
    potential_loss_10k_yuan = _amount("潜在经济损失（万元）")


GRADE_INPUTS = {
    "production_safety": GradeInput,
    "forest_fire": ForestFireInput,
    "geological_disaster": GeologicalDisasterInput,
    "geological_danger": GeologicalDangerInput,
}


KIND_CHOICE_ERROR = "分级类别应为 production_safety、forest_fire、geological_disaster 或 geological_danger"


class GradeKind(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=list(GRADE_INPUTS),
        error_messages={"invalid_choice": KIND_CHOICE_ERROR},
    )


class GradeView(APIView):
    """事件等级计算器，按 kind 选择分级标准；以上包括本数，以下不包括本数，取各项中最高者。
    production_safety：生产安全事故报告和调查处理条例第三条；forest_fire：森林防火条例第四十条；
    geological_disaster：地质灾害防治条例第四条（灾情）；geological_danger：国家突发地质灾害应急预案（险情）。"""

    required_action = "view"  # computes, writes nothing

    @extend_schema(
        request=PolymorphicProxySerializer(
            "IncidentGradeInput", serializers=GRADE_INPUTS, resource_type_field_name="kind"
        ),
        responses=inline_serializer(
            "IncidentGrade",
            {
                "level": serializers.CharField(),
                "label": serializers.CharField(),
                "basis": serializers.CharField(),
                "criterion": serializers.CharField(),
                "article": serializers.CharField(),
            },
        ),
    )
    def post(self, request):
        which = GradeKind(data={"kind": request.data.get("kind") if hasattr(request.data, "get") else None})
        which.is_valid(raise_exception=True)
        kind = which.validated_data["kind"]
        data = GRADE_INPUTS[kind](data=request.data)
        data.is_valid(raise_exception=True)
        grade = calculators.API_KINDS[kind](data.validated_data)
        return Response(
            {
                "level": grade.level,
                "label": grade.label,
                "basis": grade.basis,
                "criterion": grade.criterion,
                "article": grade.article,
            }
        )


class IncidentSerializer(ScopedSerializer):
    location = LocationField()

    class Meta:
        model = Incident
        fields = [
            *("id", "number", "title", "kind", "region", "place", "location", "affected_area"),
            *("occurred_at", "received_at", "source", "caller_name", "caller_phone", "caller_unit", "description"),
            *("deaths", "missing", "injured", "serious_injuries", "trapped", "evacuated", "direct_loss_10k_yuan"),
            *("burned_forest_ha", "other_woodland", "geo_stage", "people_to_relocate", "potential_loss_10k_yuan"),
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
    """突发事件：接报登记（自动编号；生产安全事故、森林火灾、地质灾害按法规自动定级）与查询；处置步骤在事件工作台页面办理。"""

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
