"""Duty API, rosters and who is on duty (CONTRACT.md "Duty"):

- `/api/v1/duty/shifts/` — list (scoped: a township sees its own desk and the county's), create
  `{"desk", "user": USERNAME, "post", "starts", "ends"}` → 201 with `"id"` and the plan's `conflicts`,
  change, delete; all through duty.services (audited; who may roster which desk is checked there).
- `/api/v1/duty/on-duty/?desk=CODE&at=ISO` — `{"desk", "at", "leader": [USERNAME…], "officers": [USERNAME…]}`;
  `desk` defaults to the caller's own desk (their township, or the county).
"""

import django_filters
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from anlan.accounts.models import User
from anlan.core.api import RolePermission, ScopedModelViewSet, ScopedSerializer, router
from anlan.core.errors import NotFound
from anlan.core.filters import ScopedFilterSet
from anlan.core.regioncodes import township_of

from . import roster, services
from .models import Shift
from .selectors import on_duty


class ShiftFilterSet(ScopedFilterSet):
    desk = django_filters.CharFilter(field_name="desk_id", label="值班席位（区划代码）")
    user = django_filters.CharFilter(field_name="user__username", label="值班人员用户名")
    ends_after = django_filters.IsoDateTimeFilter(field_name="ends", lookup_expr="gt", label="结束晚于")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts", lookup_expr="lt", label="开始早于")

    class Meta:
        model = Shift
        fields = ["desk", "user", "post", "ends_after", "starts_before"]


class ShiftSerializer(ScopedSerializer):
    desk = serializers.CharField(
        source="desk_id", max_length=12, help_text="值班席位：县（区）或乡镇（街道）的区划代码"
    )
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    user = serializers.CharField(source="user.username", max_length=150, help_text="值班人员的用户名")
    user_name = serializers.SerializerMethodField(help_text="值班人员姓名")

    class Meta:
        model = Shift
        fields = ["id", "desk", "desk_name", "user", "user_name", "post", "starts", "ends", "note"]
        extra_kwargs = {"note": {"required": False}}

    def get_user_name(self, obj) -> str:
        return str(obj.user)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["desk"].read_only = True  # a shift stays on its desk; delete it and add one on the other
        return fields


class ShiftCreatedSerializer(ShiftSerializer):
    conflicts = serializers.SerializerMethodField(help_text="排班冲突提示（同一人同时在两个席位、无带班领导）")

    class Meta(ShiftSerializer.Meta):
        fields = [*ShiftSerializer.Meta.fields, "conflicts"]

    def get_conflicts(self, obj) -> list[dict]:
        return [c.as_dict() for c in roster.conflicts([obj.desk_id], obj.starts, obj.ends)]


def _user_named(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"user": [f"用户“{username}”不存在"]})
    return user


class ShiftViewSet(ScopedModelViewSet):
    """值班班次：某人某时段在某值班席位（县或乡镇）的岗位（带班领导、值班员、技术保障）。县级角色为县及各乡镇排班，乡镇只排本乡镇；
    结束时间须晚于开始时间，值班人员须属于该席位辖区。新增后返回本班次时段内的排班冲突提示。"""

    queryset = Shift.objects.all()
    serializer_class = ShiftSerializer
    filterset_class = ShiftFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    selector = staticmethod(lambda qs: qs.select_related("desk", "user").defer("desk__boundary"))

    def get_serializer_class(self):
        return ShiftCreatedSerializer if self.action == "create" else ShiftSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.shift_create(
            actor=self.request.user,
            desk=data["desk_id"],
            user=_user_named(data["user"]["username"]),
            post=data["post"],
            starts=data["starts"],
            ends=data["ends"],
            note=data.get("note", ""),
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "user" in data:
            data["user"] = _user_named(data["user"]["username"])
        data.pop("desk_id", None)
        serializer.instance = services.shift_update(actor=self.request.user, shift=serializer.instance, **data)

    def perform_destroy(self, instance):
        services.shift_delete(actor=self.request.user, shift=instance)


@extend_schema_serializer(many=False)  # one object, though served by the viewset's list route
class OnDutySerializer(serializers.Serializer):
    desk = serializers.CharField(help_text="值班席位区划代码")
    desk_name = serializers.CharField()
    at = serializers.DateTimeField()
    leader = serializers.ListField(child=serializers.CharField(), help_text="带班领导用户名")
    officers = serializers.ListField(child=serializers.CharField(), help_text="值班员用户名")
    tech = serializers.ListField(child=serializers.CharField(), help_text="技术保障用户名")
    staffed = serializers.BooleanField(help_text="是否有人值班（无则为“无人值班”）")


def own_desk(user) -> str:
    """A user's own desk: their township's, or the county's for county-level users."""
    code = getattr(user, "region_id", None) or ""
    return township_of(code) if code else ""


class OnDutyViewSet(viewsets.GenericViewSet):
    """当前值班：某值班席位在某时刻（默认现在）的带班领导和值班员。`desk` 默认为本人所在乡镇或县的值班席位；
    只能查询本人可见的席位（县级可查县及各乡镇，乡镇可查本乡镇和县）。"""

    queryset = Shift.objects.all()
    permission_classes = [RolePermission]
    pagination_class = None
    filter_backends = []
    serializer_class = OnDutySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("desk", str, description="值班席位区划代码（默认本人所在乡镇或县）"),
            OpenApiParameter("at", str, description="时刻，ISO 8601（默认现在）"),
        ],
        responses=OnDutySerializer,
    )
    def list(self, request, *args, **kwargs):
        desk = request.query_params.get("desk") or own_desk(request.user)
        region = roster.desk_region(desk)
        if not roster.desks_visible_to(request.user).filter(code=region.code).exists():
            raise NotFound("duty.desk_not_visible", "该值班席位不存在或不在您的管辖范围内")
        at = _moment(request.query_params.get("at"))
        duty = on_duty(region.code, at)
        return Response(
            {
                "desk": region.code,
                "desk_name": region.name,
                "at": duty.at.isoformat(),
                "leader": [u.username for u in duty.leaders],
                "officers": [u.username for u in duty.officers],
                "tech": [u.username for u in duty.tech],
                "staffed": duty.staffed,
            }
        )


def _moment(raw: str | None):
    if not raw:
        return timezone.now()
    try:
        at = parse_datetime(raw.replace(" ", "+") if raw.count(" ") == 1 and "T" in raw else raw)
    except ValueError:
        at = None
    if at is None:
        raise ValidationError({"at": ["时刻应为 ISO 8601 格式，如 2026-12-03T09:00:00+08:00"]})
    return timezone.make_aware(at) if timezone.is_naive(at) else at


router.register("duty/shifts", ShiftViewSet, basename="duty-shift")
router.register("duty/on-duty", OnDutyViewSet, basename="duty-on-duty")
