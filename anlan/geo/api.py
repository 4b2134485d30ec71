"""Regions API (CONTRACT.md), map layers and spatial lookups."""

import orjson
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from anlan.core.api import router
from anlan.core.drf import StandardPagination
from anlan.core.regioncodes import is_region_code

from . import spatial
from .coords import to_wgs84
from .layers import SYMBOLS, all_layers, built_collection, get_layer
from .models import Region, RegionLevel


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class RegionDetailSerializer(RegionSerializer):
    class Meta(RegionSerializer.Meta):
        fields = [*RegionSerializer.Meta.fields, "boundary", "center_lon", "center_lat", "area_km2", "synthetic"]


@extend_schema(
    parameters=[
        OpenApiParameter("parent", str, description="上级区划12位代码"),
        OpenApiParameter("level", str, enum=RegionLevel.values),
    ]
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """行政区划树（12位统计用区划代码）。列表不含边界；详情含 GeoJSON 边界（WGS84）。"""

    queryset = Region.objects.all()
    lookup_field = "code"
    lookup_value_regex = r"[0-9]+"

    def get_serializer_class(self):
        return RegionDetailSerializer if self.action == "retrieve" else RegionSerializer

    def get_queryset(self):
        qs = Region.objects.restrict(self.request.user)
        if self.action == "list":
            qs = qs.defer("boundary")
            qs = self._filter(qs)
        return qs

    def get_object(self):
        code = self.kwargs["code"]
        if not is_region_code(code):
            raise NotFound(f"区划代码应为12位数字：{code}")
        obj = self.get_queryset().filter(code=code).first()
        if obj is None:
            raise NotFound(f"区划不存在或不在您的管辖范围内：{code}")
        return obj

    def _filter(self, qs):
        params = self.request.query_params
        errors = {}
        parent = params.get("parent")
        if parent:
            if not is_region_code(parent):
                errors["parent"] = [f"区划代码应为12位数字：{parent}"]
            elif not Region.objects.restrict(self.request.user).filter(code=parent).exists():
                errors["parent"] = [f"区划不存在或不在您的管辖范围内：{parent}"]
            else:
                qs = qs.filter(parent_id=parent)
        level = params.get("level")
        if level:
            if level not in RegionLevel.values:
                errors["level"] = [f"层级应为 {'、'.join(RegionLevel.values)} 之一：{level}"]
            else:
                qs = qs.filter(level=level)
        if errors:
            raise ValidationError(errors)
        return qs


class MapLayerSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    group = serializers.CharField()
    geometry = serializers.ChoiceField(choices=["polygon", "point"])
    style = serializers.DictField()
    label_field = serializers.CharField(allow_null=True)
    label_min_zoom = serializers.IntegerField()
    default_visible = serializers.BooleanField()
    labels = serializers.DictField(child=serializers.CharField(), help_text="弹窗显示的属性及其中文名")
    title_field = serializers.CharField(help_text="弹窗标题取自的属性")
    theme_order = serializers.IntegerField(help_text="主题（group）在图层面板中的次序")
    order = serializers.IntegerField(help_text="图层在主题内的次序；置顶图层中次序靠前的画在上面")
    symbol = serializers.ChoiceField(choices=list(SYMBOLS), help_text="点图层的形状")
    cluster = serializers.BooleanField(help_text="点多时聚合显示")
    top = serializers.BooleanField(help_text="画在其他图层之上（报警、预警范围、事件）")
    legend = serializers.ListField(child=serializers.DictField(), help_text="图例：[{label, colour}]，最严重的在前")
    url = serializers.CharField()


class LocateSerializer(serializers.Serializer):
    lon = serializers.FloatField()
    lat = serializers.FloatField()
    village = serializers.DictField(allow_null=True)
    township = serializers.DictField(allow_null=True)
    county = serializers.DictField(allow_null=True)


class MapLayerViewSet(viewsets.ViewSet):
    """一张图图层：列表给出图层说明，详情给出该图层在您管辖范围内的 GeoJSON 要素集。"""

    model = None
    lookup_field = "key"
    lookup_value_regex = r"[a-z0-9_\-]+"
    serializer_class = MapLayerSerializer
    pagination_class = StandardPagination

    @extend_schema(responses=MapLayerSerializer(many=True))
    def list(self, request, format=None):
        layers = [{**layer.describe(), "url": f"/api/v1/map/layers/{layer.key}/"} for layer in all_layers()]
        # Paged like every list in the API (CONTRACT.md), so the schema documents the envelope and the
        # page/page_size parameters it now honours.
        paginator = self.pagination_class()
        return paginator.get_paginated_response(paginator.paginate_queryset(layers, request, view=self))

    @extend_schema(
        responses={(200, "application/json"): {"type": "object", "description": "GeoJSON FeatureCollection"}}
    )
    def retrieve(self, request, key=None, format=None):
        layer = get_layer(key)
        if layer is None:
            raise NotFound(f"图层不存在：{key}")
        # Built by the database, or kept while unchanged (a version): sent as it comes, revalidated by ETag.
        if layer.features_json is not None or layer.version is not None:
            etag, body = built_collection(layer, request.user, request.query_params)
            if etag is not None and f'"{etag}"' in request.headers.get("If-None-Match", ""):
                response = HttpResponse(status=304)
            else:
                response = HttpResponse(body, content_type="application/json")
            if etag is not None:
                response["ETag"] = f'"{etag}"'
                response["Cache-Control"] = "private, no-cache"  # the browser asks each time; 304 if unchanged
            return response
        collection = {"type": "FeatureCollection", "features": layer.features(request.user, request.query_params)}
        return HttpResponse(orjson.dumps(collection), content_type="application/json")


class LocateView(APIView):
    """坐标定位：给出点所在的村（社区）和乡镇（街道）。支持 wgs84 / gcj02 / bd09 输入。"""

    serializer_class = LocateSerializer

    @extend_schema(
        responses=LocateSerializer,
        parameters=[
            OpenApiParameter("lon", float, required=True),
            OpenApiParameter("lat", float, required=True),
            OpenApiParameter("crs", str, enum=["wgs84", "gcj02", "bd09"]),
        ],
    )
    def get(self, request):
        try:
            lon, lat = float(request.query_params["lon"]), float(request.query_params["lat"])
        except (KeyError, ValueError):
            raise ValidationError({"lon": ["请提供数值型经度 lon 和纬度 lat"]}) from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError({"lon": ["经纬度超出范围"]})
        try:
            lon, lat = to_wgs84(lon, lat, request.query_params.get("crs", "wgs84"))
        except ValueError as exc:
            raise ValidationError({"crs": [str(exc)]}) from None
        codes = [spatial.region_of_point(lon, lat, level) for level in ("village", "township", "county")]
        visible = {
            r["code"]: r
            for r in Region.objects.restrict(request.user)
            .filter(code__in=[c for c in codes if c])
            .values("code", "name", "level")
        }
        village, township, county = (visible.get(c) if c else None for c in codes)
        return Response({"lon": lon, "lat": lat, "village": village, "township": township, "county": county})


router.register("regions", RegionViewSet, basename="region")
router.register("map/layers", MapLayerViewSet, basename="map-layer")
