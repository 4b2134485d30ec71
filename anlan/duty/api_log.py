"""Duty API (CONTRACT.md "Duty"): daily reports and the townships missing one, the duty log and handovers.

Writes go through log.py, handover.py and daily.py (audited, scope and roles checked there); reads through
`restrict()`. The daily-report and handover models are written by services only (`write_roles = NOBODY`),
so their POSTs are let past the role check (`scope_actions`) and the service decides who may.
"""

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router
from anlan.core.regioncodes import is_region_code, region_prefix
from anlan.geo.models import Region

from . import daily, handover, log
from .models import REPORTING_ROLES, DailyReport, Handover, LogEntry

# ---------------------------------------------------------------- daily reports


class DailyReportSerializer(ScopedSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, help_text="报送乡镇（街道）代码"
    )
    department = serializers.PrimaryKeyRelatedField(read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = DailyReport
        fields = ["id", "region", "department", "date", "nothing_to_report", "summary", "submitted_by", "submitted_at"]
        read_only_fields = ["submitted_at"]
        # The service tells a duplicate apart with a Chinese message (CONTRACT: 400), not the serializer.
        validators = []


class MissingSerializer(serializers.Serializer):
    date = serializers.DateField()
    parent = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField(), help_text="未报送的乡镇（街道）代码")


class DailyReportViewSet(ScopedModelViewSet):
    """日报、零报告：乡镇（街道）、行业部门每日向县报送前一日情况；同一区划（部门）同一日期只能报送一次。"""

    queryset = DailyReport.objects.all()
    serializer_class = DailyReportSerializer
    http_method_names = ["get", "post", "head", "options"]
    scope_actions = {"create": "view"}  # daily.report_file decides who may file for which region
    selector = staticmethod(lambda qs: qs.select_related("region", "submitted_by"))

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "region" in getattr(serializer, "fields", {}):
            # A township officer may name a township of the county it reports to only if it is its own;
            # the service says so in Chinese, so the serializer accepts any existing code.
            serializer.fields["region"].queryset = Region.objects.all()
        return serializer

    def create(self, request, *args, **kwargs):
        if not (request.user.is_superuser or request.user.role in REPORTING_ROLES):
            raise PermissionDenied("只有乡镇（街道）、行业部门和县级值班人员可以报送日报")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        d = serializer.validated_data
        region = d.get("region")
        serializer.instance = daily.report_file(
            actor=self.request.user,
            region=region.code if region else None,
            date=d["date"],
            nothing_to_report=d.get("nothing_to_report", False),
            summary=d.get("summary", ""),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("date", str, description="YYYY-MM-DD", required=True),
            OpenApiParameter("parent", str, description="上级区划代码（县）", required=True),
        ],
        responses=MissingSerializer,
    )
    @action(detail=False, methods=["get"])
    def missing(self, request, format=None):
        """某日未报送日报（或零报告）的乡镇（街道）：`parent` 下级乡镇中当日无报送者。"""
        try:
            day = dt.date.fromisoformat(request.query_params.get("date", ""))
        except ValueError:
            raise ValidationError({"date": ["日期格式应为 YYYY-MM-DD"]}) from None
        parent = request.query_params.get("parent", "")
        if not is_region_code(parent):
            raise ValidationError({"parent": ["应为 12 位区划代码"]})
        user = request.user
        in_scope = user.is_superuser or (user.region_id and parent.startswith(region_prefix(user.region_id)))
        if not Region.objects.filter(code=parent).exists() or not in_scope:
            raise NotFound("区划不存在或不在您的管辖范围内")
        missing = [t.code for t in daily.missing_townships(parent, day)]
        return Response({"date": day.isoformat(), "parent": parent, "missing": missing})


# ---------------------------------------------------------------- duty log


class LogEntrySerializer(ScopedSerializer):
    desk = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), help_text="值班席位（县或乡镇代码）"
    )
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = LogEntry
        fields = [
            *("id", "desk", "kind", "occurred_at", "caller", "unit", "phone", "event_kind", "place", "region"),
            *("content", "action_taken", "requested", "status", "follow_up_by", "related", "hazard"),
            *("incident_number", "recorded_by"),
        ]
        read_only_fields = ["status", "hazard", "incident_number"]
        extra_kwargs = {"occurred_at": {"required": False}}


class CloseSerializer(serializers.Serializer):
    action_taken = serializers.CharField(required=False, allow_blank=True, default="")


class LogEntryViewSet(ScopedModelViewSet):
    """值班日志（接报传跟）：县、乡镇（街道）值班人员在本级席位记录来电、上报、传达、跟踪，办结后关闭。"""

    queryset = LogEntry.objects.all()
    serializer_class = LogEntrySerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    scope_actions = {"close": "change"}
    selector = staticmethod(lambda qs: qs.select_related("desk", "region", "recorded_by"))

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        desk = d.pop("desk")
        serializer.instance = log.entry_create(actor=self.request.user, desk=desk.code, **d)

    def perform_update(self, serializer):
        d = dict(serializer.validated_data)
        if "desk" in d and d.pop("desk").code != serializer.instance.desk_id:
            raise ValidationError({"desk": ["值班日志不能改到其他席位"]})
        serializer.instance = log.entry_update(actor=self.request.user, entry=serializer.instance, **d)

    @extend_schema(request=CloseSerializer, responses=LogEntrySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, format=None):
        """办结：填写处理情况后关闭该记录（不再列入交接班未结事项）。"""
        entry = self.get_object()
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = log.entry_close(actor=request.user, entry=entry, action_taken=body.validated_data["action_taken"])
        return Response(self.get_serializer(entry).data)


# ---------------------------------------------------------------- handovers


class HandoverSerializer(ScopedSerializer):
    desk = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    outgoing = serializers.SlugRelatedField(slug_field="username", read_only=True)
    incoming = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Handover
        fields = [
            *("id", "desk", "outgoing", "incoming", "written_at", "notes", "items", "status"),
            *("confirmed_at", "confirm_note"),
        ]
        read_only_fields = ["written_at", "items", "status", "confirmed_at", "confirm_note"]


class ConfirmSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HandoverViewSet(ScopedModelViewSet):
    """交接班：交班人写交接班（自动列出未结事项），接班人确认；确认后不能修改（交班说明在页面上由交班人于确认前修改）。"""

    queryset = Handover.objects.all()
    serializer_class = HandoverSerializer
    http_method_names = ["get", "post", "head", "options"]
    # Written by services only: handover.py checks the desk roles, the desk's scope and who may confirm.
    scope_actions = {"create": "view", "confirm": "view"}
    selector = staticmethod(lambda qs: qs.select_related("desk", "outgoing", "incoming"))

    def create(self, request, *args, **kwargs):
        if not log.keeps_desks(request.user):
            raise PermissionDenied("只有县级和乡镇（街道）值班人员可以交接班")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = handover.handover_write(
            actor=self.request.user, desk=d["desk"].code, notes=d.get("notes", "")
        )

    @extend_schema(request=ConfirmSerializer, responses=HandoverSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None, format=None):
        """接班确认（由接班人办理）；确认后交接班锁定。"""
        record = self.get_object()
        body = ConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = handover.handover_confirm(actor=request.user, handover=record, note=body.validated_data["note"])
        return Response(self.get_serializer(record).data, status=status.HTTP_200_OK)


router.register("duty/daily-reports", DailyReportViewSet, basename="duty-daily-report")
router.register("duty/log", LogEntryViewSet, basename="duty-log")
router.register("duty/handovers", HandoverViewSet, basename="duty-handover")
