"""Risk calculators (CONTRACT.md): LEC and GB 18218-2018."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from . import gb18218, lec


class LecInput(serializers.Serializer):
    L = serializers.FloatField(help_text="事故发生的可能性（10、6、3、1、0.5、0.2、0.1）")
    E = serializers.FloatField(help_text="暴露于危险环境的频繁程度（10、6、3、2、1、0.5）")
    C = serializers.FloatField(help_text="发生事故产生的后果（100、40、15、7、3、1）")


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
        try:
            result = gb18218.evaluate([dict(s) for s in v["substances"]], v["exposed_people"])
        except gb18218.SubstanceError as exc:
            raise ValidationError({"substances": [str(exc)]}) from None
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
