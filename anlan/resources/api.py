import math

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router
from anlan.core.validators import location_errors
from anlan.geo.coords import to_wgs84
from anlan.geo.models import Region

from . import services
from .filters import EquipmentFilterSet, ExpertFilterSet, RescueTeamFilterSet, ShelterFilterSet
from .models import Equipment, Expert, RescueTeam, Shelter, ShelterCheck, Specialty
from .nearest import FINDERS


def _specialty_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", queryset=Specialty.objects.all(), many=True, **kwargs)


class RescueTeamSerializer(ScopedSerializer):
    specialties = _specialty_field(required=False, help_text="专业编码")

    class Meta:
        model = RescueTeam
        fields = [
            *("id", "name", "kind", "region", "department", "enterprise", "specialties", "headcount"),
            *("social_grade", "readiness", "address", "lon", "lat", "leader", "leader_phone", "duty_phone"),
            *("notes", "synthetic"),
        ]
        read_only_fields = ["synthetic"]


class RescueTeamViewSet(ScopedModelViewSet):
    """救援队伍（综合性消防救援、县综合应急救援队、区域队、专业队、民兵、企业、社会应急力量、微型消防站）。"""

    queryset = RescueTeam.objects.all()
    serializer_class = RescueTeamSerializer
    filterset_class = RescueTeamFilterSet
    selector = staticmethod(lambda qs: qs.prefetch_related("specialties"))


class ExpertSerializer(ScopedSerializer):
    specialties = _specialty_field(help_text="专业领域编码")

    class Meta:
        model = Expert
        fields = [
            *("id", "name", "region", "specialties", "title", "organisation", "phone", "availability", "lon", "lat"),
            *("notes", "synthetic"),
        ]
        read_only_fields = ["synthetic"]


class ExpertViewSet(ScopedModelViewSet):
    """专家库。"""

    queryset = Expert.objects.all()
    serializer_class = ExpertSerializer
    filterset_class = ExpertFilterSet
    selector = staticmethod(lambda qs: qs.prefetch_related("specialties"))


class EquipmentSerializer(ScopedSerializer):
    class Meta:
        model = Equipment
        fields = [
            *("id", "name", "kind", "quantity", "region", "team", "owner", "specs", "status", "lon", "lat"),
            "synthetic",
        ]
        read_only_fields = ["synthetic"]


class EquipmentViewSet(ScopedModelViewSet):
    """大型装备。"""

    queryset = Equipment.objects.all()
    serializer_class = EquipmentSerializer
    filterset_class = EquipmentFilterSet


class ShelterSerializer(ScopedSerializer):
    capacity = serializers.IntegerField(read_only=True, help_text="有效面积 ÷ 人均面积")
    occupancy = serializers.IntegerField(read_only=True, help_text="当前在场人数（入住减离开）")

    class Meta:
        model = Shelter
        fields = [
            *("id", "name", "region", "level", "period", "site_class", "effective_area_m2", "area_per_person_m2"),
            *("capacity", "occupancy", "address", "lon", "lat", "has_water", "has_power", "has_toilets"),
            *("has_medical", "has_broadcast", "manager", "manager_phone", "status", "synthetic"),
        ]
        read_only_fields = ["synthetic"]

    def to_representation(self, instance):
        if not hasattr(instance, "occupancy"):
            instance.occupancy = services.shelter_occupancy(instance)
        return super().to_representation(instance)


class ShelterCheckSerializer(serializers.ModelSerializer):
    from_region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = ShelterCheck
        fields = ["id", "kind", "people", "household", "from_region", "note", "at"]
        read_only_fields = ["id", "at"]


class ShelterViewSet(ScopedModelViewSet):
    """避难场所：容量由有效面积与人均面积计算，在场人数由入住/离开登记累计。"""

    queryset = Shelter.objects.all()
    serializer_class = ShelterSerializer
    filterset_class = ShelterFilterSet
    selector = staticmethod(services.with_occupancy)
    scope_actions = {"checks": "change"}

    @extend_schema(request=ShelterCheckSerializer, responses=ShelterSerializer)
    @action(detail=True, methods=["post"])
    def checks(self, request, pk=None):
        """登记入住或离开：`{"kind": "in|out", "people": n, "household"?, "from_region"?, "note"?}`。"""
        shelter = self.get_object()
        serializer = ShelterCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.shelter_check(
            actor=request.user,
            shelter=shelter,
            kind=data["kind"],
            people=data["people"],
            household=data.get("household", ""),
            from_region=data.get("from_region"),
            note=data.get("note", ""),
        )
        fresh = self.get_queryset().get(pk=shelter.pk)
        return Response(ShelterSerializer(fresh, context=self.get_serializer_context()).data)


router.register("rescue-teams", RescueTeamViewSet, basename="rescueteam")
router.register("experts", ExpertViewSet, basename="expert")
router.register("equipment", EquipmentViewSet, basename="equipment")
router.register("shelters", ShelterViewSet, basename="shelter")


class NearbySerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    region = serializers.CharField()
    distance_m = serializers.FloatField(help_text="直线距离（米）")
    road_m = serializers.FloatField(help_text="道路距离（估算或 OSRM）")
    eta_minutes = serializers.FloatField()
    method = serializers.CharField(help_text="straight_line 或 osrm")
    detail = serializers.DictField()


class NearestView(APIView):
    """最近资源：按直线距离找最近的 k 支队伍、存有某物资的仓库、有空余容量的避难场所或某领域专家，并估算到达时间。"""

    serializer_class = NearbySerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, required=True, enum=sorted(FINDERS)),
            OpenApiParameter("lon", float, required=True),
            OpenApiParameter("lat", float, required=True),
            OpenApiParameter("crs", str, enum=["wgs84", "gcj02", "bd09"]),
            OpenApiParameter("k", int, description="1–50，默认 5"),
            OpenApiParameter("specialty", str, description="队伍专业编码（kind=teams）"),
            OpenApiParameter("field", str, description="专家领域编码（kind=experts）"),
            OpenApiParameter("item", str, description="物资编码（kind=warehouses）"),
            OpenApiParameter("min_quantity", float, description="最低库存（kind=warehouses）"),
            OpenApiParameter("min_free", int, description="最少空余人数（kind=shelters）"),
        ],
        responses=NearbySerializer(many=True),
    )
    def get(self, request):
        p = request.query_params
        kind = p.get("kind", "")
        if kind not in FINDERS:
            raise ValidationError({"kind": [f"kind 应为 {'、'.join(sorted(FINDERS))} 之一"]})
        lon, lat = _number(p, "lon"), _number(p, "lat")
        errors = location_errors(lon, lat)
        if errors:
            raise ValidationError({k: [v] for k, v in errors.items()})
        try:
            lon, lat = to_wgs84(lon, lat, p.get("crs", "wgs84"))
        except ValueError as exc:
            raise ValidationError({"crs": [str(exc)]}) from None
        k = _integer(p, "k", 5, 1, 50)
        options = {
            "teams": lambda: {"specialty": p.get("specialty") or None},
            "experts": lambda: {"field": p.get("field") or None},
            "warehouses": lambda: {"item": p.get("item") or None, "min_quantity": _decimal(p.get("min_quantity"))},
            "shelters": lambda: {"min_free": _integer(p, "min_free", 1, 1, 1_000_000)},
        }[kind]()
        found = FINDERS[kind](request.user, lon, lat, k=k, **options)
        return Response(NearbySerializer([vars(n) for n in found], many=True).data)


def _number(params, name: str) -> float:
    """A required finite number (1e200 parses, then fails the range check of its caller; "nan" and
    "inf" are refused here so nothing non-finite reaches a distance or a JSON response)."""
    try:
        value = float(params[name])
    except KeyError:
        raise ValidationError({name: [f"请提供 {name}"]}) from None
    except ValueError:
        raise ValidationError({name: [f"{name} 应为数字"]}) from None
    if not math.isfinite(value):
        raise ValidationError({name: [f"{name} 应为有限数字"]})
    return value


def _integer(params, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"{name} 应为整数"]}) from None
    if not low <= value <= high:
        raise ValidationError({name: [f"{name} 应在 {low} 到 {high} 之间"]})
    return value


def _decimal(value):
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(value) if value else Decimal("0.01")
    except InvalidOperation:
        raise ValidationError({"min_quantity": [f"应为数字：{value}"]}) from None
    if not number.is_finite() or not 0 <= number <= Decimal("1e12"):
        raise ValidationError({"min_quantity": ["min_quantity 应为 0 到 10¹² 之间的数字"]})
    return number
