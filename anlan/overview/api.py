from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .situation import situation

ALARMS_BY_LEVEL = inline_serializer(
    "SituationAlarms",
    {level: serializers.IntegerField() for level in ("blue", "yellow", "orange", "red")},
)
ON_DUTY = inline_serializer(
    "SituationOnDuty",
    {
        "leader": serializers.ListField(child=serializers.CharField(), help_text="带班领导（用户名）"),
        "officers": serializers.ListField(child=serializers.CharField(), help_text="值班员（用户名）"),
    },
)
SITUATION = inline_serializer(
    "Situation",
    {
        "region": serializers.CharField(help_text="12 位区划代码"),
        "at": serializers.DateTimeField(help_text="统计时刻（ISO 8601）"),
        "alarms_open": ALARMS_BY_LEVEL,
        "warnings_in_force": serializers.IntegerField(help_text="= GET /api/v1/warnings/?region=&in_force=true"),
        "incidents_active": serializers.IntegerField(help_text="= GET /api/v1/incidents/?region=&active=true"),
        "hazards_open": serializers.IntegerField(help_text="= GET /api/v1/hazards/?region=&open=true"),
        "hazards_overdue": serializers.IntegerField(help_text="= GET /api/v1/hazards/?region=&overdue=true"),
        "patrols_missed_today": serializers.IntegerField(help_text="今日巡查日检查出的漏巡（昨日到期未巡）"),
        "on_duty": ON_DUTY,
    },
)


class SituationView(APIView):
    """综合态势：一个区划（默认本人所属区划）在本人权限范围内的报警、预警、事件、隐患、漏巡与值班。

    每个数字与对应列表接口按同一区划、同一筛选条件返回的条数相同：未解除报警按级别
    （`/api/v1/monitoring/alarms/?region=&open=true&level=`）、生效中预警、处置中事件、未销号与逾期隐患。
    区划不存在或不在本人管辖范围内时返回 404。"""

    @extend_schema(
        parameters=[OpenApiParameter("region", str, description="12 位区划代码；默认本人所属区划")],
        responses={200: SITUATION, 404: OpenApiResponse(description="区划不存在或不在管辖范围内")},
    )
    def get(self, request):
        return Response(situation(request.user, request.query_params.get("region") or None))
