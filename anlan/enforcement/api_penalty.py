"""API of the cases part (CONTRACT.md): the penalty calculator `POST /api/v1/enforcement/penalty/evaluate`."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from . import penalty


class PenaltyInput(serializers.Serializer):
    party = serializers.ChoiceField(
        choices=[(penalty.PERSON, "个人"), (penalty.ORGANISATION, "单位")],
        help_text="当事人类别：person（个人）或 organisation（单位）",
        error_messages={"invalid_choice": "当事人类别应为 person（个人）或 organisation（单位），而不是“{input}”"},
    )
    fine_yuan = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text="罚款金额（元）",
        error_messages={"invalid": "罚款金额应为数字（元）", "min_value": "罚款金额不能为负数"},
    )
    served_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="决定书送达日期 YYYY-MM-DD",
        error_messages={"invalid": "送达日期应为 YYYY-MM-DD"},
    )
    paid_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="缴纳日期 YYYY-MM-DD",
        error_messages={"invalid": "缴纳日期应为 YYYY-MM-DD"},
    )


class PenaltyEvaluateView(APIView):
    """行政处罚法（2021）第51、67、72条：罚款个人 ≤200 元、单位 ≤3000 元（含本数）可适用简易程序；
    送达后 15 日（自然日）内缴纳；逾期每日按罚款数额 3% 加处罚款，加处罚款不超过罚款数额。"""

    required_action = "view"  # computes, writes nothing: every role may use it

    @extend_schema(
        request=PenaltyInput,
        responses=inline_serializer(
            "PenaltyEvaluation",
            {
                "procedure": serializers.ChoiceField(choices=["summary", "ordinary"]),
                "due": serializers.DateField(allow_null=True),
                "days_late": serializers.IntegerField(allow_null=True),
                "surcharge_yuan": serializers.FloatField(allow_null=True),
            },
        ),
    )
    def post(self, request):
        data = PenaltyInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            result = penalty.evaluate(v["party"], v["fine_yuan"], v.get("served_on"), v.get("paid_on"))
        except penalty.PenaltyInputError as exc:
            raise ValidationError({exc.field: [exc.message]}) from None
        return Response(
            {
                "procedure": result.procedure,
                "due": result.due.isoformat() if result.due else None,
                "days_late": result.days_late,
                "surcharge_yuan": float(result.surcharge_yuan) if result.surcharge_yuan is not None else None,
            }
        )
