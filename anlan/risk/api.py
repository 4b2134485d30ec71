"""Risk calculators (CONTRACT.md): LEC and GB 18218-2018."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router

from . import gb18218, lec, services
from .filters import MajorHazardSourceFilterSet, RiskPointFilterSet
from .models import MajorHazardSource, MajorHazardSubstance, RiskAssessment, RiskPoint


class LecInput(serializers.Serializer):
    # Bounded by the method's own factor tables (lec.py, reference §7.1): a value outside them is not an LEC
    # score, and 1e308 would overflow D to infinity, which JSON cannot carry.
    L = serializers.FloatField(
        min_value=min(lec.L_VALUES),
        max_value=max(lec.L_VALUES),
        help_text="事故发生的可能性（10、6、3、1、0.5、0.2、0.1）",
    )
    E = serializers.FloatField(
        min_value=min(lec.E_VALUES),
        max_value=max(lec.E_VALUES),
        help_text="暴露于危险环境的频繁程度（10、6、3、2、1、0.5）",
    )
    C = serializers.FloatField(
        min_value=min(lec.C_VALUES), max_value=max(lec.C_VALUES), help_text="发生事故产生的后果（100、40、15、7、3、1）"
    )


class LecEvaluateView(APIView):
    """LEC 作业条件危险性评价：D = L×E×C；D>320 红（重大风险），160<D≤320 橙，70<D≤160 黄，D≤70 蓝。"""

    required_action = "view"  # computes, writes nothing: every role may use it

    @extend_schema(
        request=LecInput,
        responses=inline_serializer(
            "LecResult",
            {"D": serializers.FloatField(), "grade": serializers.CharField(), "label": serializers.CharField()},
        ),
    )
    def post(self, request):
        data = LecInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            result = lec.evaluate(v["L"], v["E"], v["C"])
        except ValueError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        return Response({"D": result.D, "grade": result.grade, "label": result.label})


class SubstanceInput(serializers.Serializer):
    cas = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    category = serializers.CharField(required=False, help_text="表2危险性类别，如 W5.1")
    quantity_t = serializers.FloatField(help_text="设计最大量（吨）")


class MajorHazardInput(serializers.Serializer):
    substances = SubstanceInput(many=True)
    exposed_people = serializers.IntegerField(help_text="厂区边界外500米范围内常住人口数")


class MajorHazardEvaluateView(APIView):
    """GB 18218-2018 重大危险源辨识与分级。

    S=Σq/Q≥1 为重大危险源；R=α·Σβq/Q 定级（一级≥100，二级≥50，三级≥10，四级<10）。
    """

    required_action = "view"

    @extend_schema(
        request=MajorHazardInput,
        responses=inline_serializer(
            "MajorHazardResult",
            {
                "is_major_hazard": serializers.BooleanField(),
                "sum_ratio": serializers.FloatField(),
                "R": serializers.FloatField(allow_null=True),
                "level": serializers.IntegerField(allow_null=True),
                "items": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def post(self, request):
        data = MajorHazardInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        result = gb18218.evaluate([dict(s) for s in v["substances"]], v["exposed_people"])
        return Response(
            {
                "is_major_hazard": result.is_major_hazard,
                "sum_ratio": round(result.sum_ratio, 6),
                "alpha": result.alpha,
                "R": round(result.R, 6) if result.R is not None else None,
                "level": result.level,
                "items": [
                    {
                        "name": i.name,
                        "cas": i.cas,
                        "category": i.category,
                        "quantity_t": i.quantity_t,
                        "critical_t": i.critical_t,
                        "ratio": round(i.ratio, 6),
                        "beta": i.beta,
                    }
                    for i in result.items
                ],
            }
        )


class RiskAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskAssessment
        fields = ["id", "method", "L", "E", "C", "S", "score", "grade", "thresholds", "assessor", "note", "assessed_at"]


class RiskPointSerializer(ScopedSerializer):
    assessments = RiskAssessmentSerializer(many=True, read_only=True)

    class Meta:
        model = RiskPoint
        fields = [
            *("id", "name", "kind", "enterprise", "region", "department", "address", "lon", "lat"),
            *("hazard_factors", "accident_types", "controls", "emergency_measures", "control_level"),
            *("responsible", "responsible_phone", "emergency_phone", "grade", "assessed_at", "assessments"),
            "synthetic",
        ]
        read_only_fields = ["grade", "assessed_at", "synthetic"]


class AssessInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=RiskAssessment.Method.choices)
    L = serializers.FloatField()
    E = serializers.FloatField(required=False)
    C = serializers.FloatField(required=False)
    S = serializers.IntegerField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RiskPointViewSet(ScopedModelViewSet):
    """风险点：位置、危险有害因素、管控措施与责任人；评估记录（LEC 或 LS 矩阵）决定当前四色等级。"""

    queryset = RiskPoint.objects.all()
    serializer_class = RiskPointSerializer
    filterset_class = RiskPointFilterSet
    scope_actions = {"assess": "change"}
    selector = staticmethod(lambda qs: qs.prefetch_related("assessments"))

    @extend_schema(request=AssessInput, responses=RiskAssessmentSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        """评估：LEC 给 L、E、C；风险矩阵给 L、S（1–5，阈值为本县设置）。评估记录保留，最新一次决定等级。"""
        point = self.get_object()
        data = AssessInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        method, note = v.pop("method"), v.pop("note")
        if method == "matrix" and not float(v["L"]).is_integer():
            raise ValidationError({"L": ["风险矩阵法的 L 应为 1–5 的整数"]})
        if method == "matrix":
            v["L"] = int(v["L"])
        record = services.assess(actor=request.user, point=point, method=method, note=note, **v)
        return Response(RiskAssessmentSerializer(record).data, status=status.HTTP_201_CREATED)


router.register("risk/points", RiskPointViewSet, basename="risk-point")


class MajorHazardSubstanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = MajorHazardSubstance
        fields = ["name", "category", "quantity_t", "matched_name", "critical_t"]
        read_only_fields = ["matched_name", "critical_t"]


class MajorHazardSourceSerializer(ScopedSerializer):
    substances = MajorHazardSubstanceSerializer(many=True, read_only=True)

    class Meta:
        model = MajorHazardSource
        fields = [
            *("id", "enterprise", "name", "unit_kind", "region", "exposed_people", "lon", "lat", "record_no"),
            *("principal", "technical_lead", "operations_lead", "substances", "is_major", "sum_ratio", "R"),
            *("level", "graded_at", "synthetic"),
        ]
        read_only_fields = ["region", "is_major", "sum_ratio", "R", "level", "graded_at", "synthetic"]


class MajorHazardSourceViewSet(ScopedModelViewSet):
    """危险源辨识单元（GB 18218-2018）：物质与数量变化时自动重新辨识、分级。"""

    queryset = MajorHazardSource.objects.all()
    serializer_class = MajorHazardSourceSerializer
    filterset_class = MajorHazardSourceFilterSet
    scope_actions = {"substances": "change"}
    selector = staticmethod(lambda qs: qs.prefetch_related("substances"))

    @extend_schema(request=MajorHazardSubstanceSerializer(many=True), responses=MajorHazardSourceSerializer)
    @action(detail=True, methods=["put"])
    def substances(self, request, pk=None):
        """替换单元内的危险化学品（名称/CAS 或表2类别，设计最大量），随即重新辨识分级；任一行有误则不作修改。"""
        source = self.get_object()
        rows = MajorHazardSubstanceSerializer(data=request.data, many=True)
        rows.is_valid(raise_exception=True)
        source = services.substances_replace(actor=request.user, source=source, items=rows.validated_data)
        fresh = self.get_queryset().get(pk=source.pk)
        return Response(MajorHazardSourceSerializer(fresh, context=self.get_serializer_context()).data)


router.register("risk/major-hazards", MajorHazardSourceViewSet, basename="major-hazard")
