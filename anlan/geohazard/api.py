"""地质灾害防治 API (read-only through the scoped router; writes are the pages' services): 三查 campaigns with
their progress per township, the check records, and the 险情/灾情 of sites with the incident's grade."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router

from . import services
from .models import Campaign, GeoEvent, SiteCheck


class CampaignSerializer(ScopedSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "kind", "year", "title", "region", "start", "end", "status", "notes"]
        read_only_fields = fields


PROGRESS = inline_serializer(
    "GeoCampaignProgress",
    {
        "township": serializers.CharField(help_text="乡镇区划代码"),
        "name": serializers.CharField(),
        "checked": serializers.IntegerField(help_text="已检查隐患点数"),
        "total": serializers.IntegerField(help_text="隐患点数"),
        "findings": serializers.IntegerField(),
    },
    many=True,
)


class CampaignViewSet(ScopedModelViewSet):
    """三查工作（汛前排查、汛中巡查、汛后核查；只读）。"""

    queryset = Campaign.objects.all()
    serializer_class = CampaignSerializer
    http_method_names = ["get", "head", "options"]
    filterset_fields = ["kind", "year", "status", "region"]

    @extend_schema(responses=PROGRESS, summary="各乡镇进度（已检查 / 隐患点数）")
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None, format=None):
        rows = services.progress(self.get_object(), request.user)
        return Response(
            [
                {
                    "township": r["code"],
                    "name": r["name"],
                    "checked": r["checked"],
                    "total": r["total"],
                    "findings": r["findings"],
                }
                for r in rows
            ]
        )


class SiteCheckSerializer(ScopedSerializer):
    class Meta:
        model = SiteCheck
        fields = [
            "id",
            "campaign",
            "site",
            "township",
            "inspector",
            "checked_on",
            "state",
            "measures",
            "note",
            "lon",
            "lat",
        ]
        read_only_fields = fields


class SiteCheckViewSet(ScopedModelViewSet):
    """三查记录（排查表的行；只读，填报在手机页面）。"""

    queryset = SiteCheck.objects.all()
    serializer_class = SiteCheckSerializer
    http_method_names = ["get", "head", "options"]
    filterset_fields = ["campaign", "township", "state"]


class GeoEventSerializer(ScopedSerializer):
    # A plain string: the same choices as the incident's geo_stage, which the schema names once (GeoStageEnum).
    stage = serializers.CharField(read_only=True, help_text="danger：险情；disaster：灾情")
    level = serializers.CharField(source="incident.level", read_only=True, help_text="I–IV：特大型、大型、中型、小型")
    number = serializers.CharField(source="incident.number", read_only=True)

    class Meta:
        model = GeoEvent
        fields = ["id", "site", "stage", "incident", "number", "level", "people_threatened", "created_at"]
        read_only_fields = fields


class GeoEventViewSet(ScopedModelViewSet):
    """地质灾害险情灾情（隐患点的事件；只读，登记在隐患点页面，事件本身在 /api/v1/incidents/）。"""

    queryset = GeoEvent.objects.select_related("incident")
    serializer_class = GeoEventSerializer
    http_method_names = ["get", "head", "options"]
    filterset_fields = ["site", "stage"]


router.register("geohazard/campaigns", CampaignViewSet, basename="geohazard-campaign")
router.register("geohazard/checks", SiteCheckViewSet, basename="geohazard-sitecheck")
router.register("geohazard/events", GeoEventViewSet, basename="geohazard-geoevent")
