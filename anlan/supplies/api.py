import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router
from anlan.core.errors import DomainError
from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet
from anlan.core.kit import ensure_ordered
from anlan.geo.models import Region

from . import services
from .models import Movement, Stock, SupplyItem, SupplyNorm, Warehouse


class SupplyItemSerializer(ScopedSerializer):
    category = serializers.CharField(read_only=True, help_text="GB/T 38565 大类")

    class Meta:
        model = SupplyItem
        fields = ["id", "code", "name", "category", "unit", "spec", "shelf_life_days", "alert_below"]


class SupplyItemViewSet(ScopedModelViewSet):
    """物资目录（GB/T 38565 编码）。"""

    queryset = SupplyItem.objects.all()
    serializer_class = SupplyItemSerializer
    filterset_fields = ["code"]


class WarehouseFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")

    class Meta:
        model = Warehouse
        fields = ["region", "level"]


class WarehouseSerializer(ScopedSerializer):
    class Meta:
        model = Warehouse
        fields = [
            *("id", "name", "level", "region", "enterprise", "agreement_partner", "agreement_expires", "area_m2"),
            *("address", "lon", "lat", "manager", "manager_phone", "synthetic"),
        ]
        read_only_fields = ["synthetic"]


class WarehouseViewSet(ScopedModelViewSet):
    """仓库与储备点（县、乡、村三级，企业储备，协议储备）。"""

    queryset = Warehouse.objects.all()
    serializer_class = WarehouseSerializer
    filterset_class = WarehouseFilterSet


class StockFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="warehouse__region")
    item = django_filters.CharFilter(field_name="item__code", label="物资编码")

    class Meta:
        model = Stock
        fields = ["region", "warehouse", "item"]


class StockSerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    unit = serializers.CharField(source="item.unit", read_only=True)
    region = serializers.CharField(source="warehouse.region_id", read_only=True)

    class Meta:
        model = Stock
        fields = [
            "id",
            "warehouse",
            "region",
            "item",
            "item_code",
            "item_name",
            "unit",
            "batch",
            "expires_on",
            "quantity",
        ]


class StockViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """库存（由出入库台账计算，只读）。"""

    queryset = Stock.objects.all()
    serializer_class = StockSerializer
    filterset_class = StockFilterSet

    def get_queryset(self):
        qs = Stock.objects.restrict(self.request.user).select_related("item", "warehouse").filter(quantity__gt=0)
        return ensure_ordered(qs)


class MovementSerializer(ScopedSerializer):
    kind = serializers.ChoiceField(
        choices=["receive", "issue", "transfer_out", "allocate", "return", "write_off"],
        help_text="transfer_out 同时生成调出与调入两条记录",
    )
    item = serializers.SlugRelatedField(slug_field="code", queryset=SupplyItem.objects.all())

    class Meta:
        model = Movement
        fields = [
            *("id", "warehouse", "item", "batch", "expires_on", "kind", "quantity", "at", "counterpart"),
            *("reference", "note", "actor_name"),
        ]
        read_only_fields = ["id", "at", "actor_name"]

    def get_fields(self):
        fields = super().get_fields()
        user = getattr(self.context.get("request"), "user", None)
        if user is not None and user.is_authenticated:
            # Stock moves out of or into a warehouse the user may change; transfers may target any visible one.
            fields["warehouse"].queryset = Warehouse.objects.restrict(user, "change")
        return fields


class MovementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """出入库台账：库存的唯一来源。POST 登记一笔出入库（不足时 400，不会出现负库存）。"""

    queryset = Movement.objects.all()
    serializer_class = MovementSerializer
    filterset_fields = ["warehouse", "kind"]
    # Moving stock is a change to the warehouse, which township and village roles may make.
    scope_actions = {"create": "view"}

    def get_queryset(self):
        qs = Movement.objects.restrict(self.request.user).select_related("item", "warehouse")
        return ensure_ordered(qs)

    def create(self, request, *args, **kwargs):
        from anlan.core.roles import role_allows

        if not role_allows(request.user, "change", Warehouse):
            return Response({"detail": "您的角色无权办理出入库"}, status=status.HTTP_403_FORBIDDEN)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        common = {
            "actor": request.user,
            "item": d["item"],
            "quantity": d["quantity"],
            "reference": d.get("reference", ""),
            "note": d.get("note", ""),
        }
        if d["kind"] in ("receive", "return"):
            made = [
                services.stock_receive(
                    warehouse=d["warehouse"],
                    kind=d["kind"],
                    batch=d.get("batch", ""),
                    expires_on=d.get("expires_on"),
                    **common,
                )
            ]
        elif d["kind"] == "transfer_out":
            if not d.get("counterpart"):
                raise DomainError("stock.counterpart_required", "调拨须指定调入仓库 counterpart", field="quantity")
            made = services.stock_transfer(
                source=d["warehouse"], target=d["counterpart"], batch=d.get("batch", ""), **common
            )
        else:
            made = services.stock_issue(warehouse=d["warehouse"], kind=d["kind"], batch=d.get("batch", ""), **common)
        data = MovementSerializer(made, many=True, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class SupplyNormSerializer(ScopedSerializer):
    item = serializers.SlugRelatedField(slug_field="code", queryset=SupplyItem.objects.all())

    class Meta:
        model = SupplyNorm
        fields = ["id", "item", "quantity", "per_persons", "period_days", "source"]


class AdequacyRequestSerializer(serializers.Serializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    population = serializers.IntegerField(min_value=1)
    days = serializers.IntegerField(min_value=1, default=7)
    hours = serializers.FloatField(min_value=0.5, required=False, help_text="只计能在此时限内运达的仓库")


class AdequacyRowSerializer(serializers.Serializer):
    item = serializers.CharField(source="item.code")
    name = serializers.CharField(source="item.name")
    unit = serializers.CharField(source="item.unit")
    need = serializers.IntegerField()
    available = serializers.DecimalField(max_digits=14, decimal_places=2)
    gap = serializers.DecimalField(max_digits=14, decimal_places=2)


class SupplyNormViewSet(ScopedModelViewSet):
    """物资保障标准（每多少人、每多少天、需多少），及保障能力测算。"""

    queryset = SupplyNorm.objects.all()
    serializer_class = SupplyNormSerializer
    selector = staticmethod(lambda qs: qs.select_related("item"))
    scope_actions = {"adequacy": "view"}

    @extend_schema(request=AdequacyRequestSerializer, responses=AdequacyRowSerializer(many=True))
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])  # one row per item, unpaged
    def adequacy(self, request):
        """`{"region": CODE, "population": n, "days": 7}` → 每种物资的需求、现有与缺口。"""
        ask = AdequacyRequestSerializer(data=request.data)
        ask.is_valid(raise_exception=True)
        region = ask.validated_data["region"]
        if not Region.objects.restrict(request.user).filter(code=region.code).exists():
            raise ValidationError({"region": [f"区划不在您的管辖范围内：{region.code}"]})
        rows = services.adequacy(
            request.user,
            region_code=region.code,
            population=ask.validated_data["population"],
            days=ask.validated_data["days"],
            hours=ask.validated_data.get("hours"),
        )
        return Response(AdequacyRowSerializer(rows, many=True).data)


router.register("supplies/items", SupplyItemViewSet, basename="supplyitem")
router.register("supplies/warehouses", WarehouseViewSet, basename="warehouse")
router.register("supplies/stock", StockViewSet, basename="stock")
router.register("supplies/movements", MovementViewSet, basename="movement")
router.register("supplies/norms", SupplyNormViewSet, basename="supplynorm")
