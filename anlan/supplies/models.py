"""Supply catalogue (GB/T 38565), warehouses, the movement ledger, stock derived from it, and norms."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from anlan.core.fields import BlindIndexField, EncryptedCharField
from anlan.core.labels import register_actions
from anlan.core.models import AnlanModel
from anlan.core.roles import LOCAL_REGISTRY_ROLES
from anlan.core.scoping import ScopedManager, ScopeSpec
from anlan.core.validators import validate_phone

from .gbt38565 import major_category, validate_supply_code

__all__ = ["Movement", "Stock", "SupplyItem", "SupplyNorm", "Warehouse"]


class SupplyItem(AnlanModel):
    """A catalogue item, coded by GB/T 38565. Shared by the whole county (not owned by a township)."""

    code = models.CharField("物资编码", max_length=7, unique=True, validators=[validate_supply_code])
    name = models.CharField("物资名称", max_length=64)
    unit = models.CharField("计量单位", max_length=16)
    spec = models.CharField("规格", max_length=100, blank=True)
    shelf_life_days = models.PositiveIntegerField("保质期（天）", null=True, blank=True)
    alert_below = models.DecimalField(
        "低库存预警线",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text="单个仓库该物资库存低于此数量时预警（0 表示不预警）",
    )

    scope_spec = ScopeSpec(region=None)  # the national catalogue: the same for every township
    write_roles = frozenset({"county_admin", "county_operator"})

    class Meta:
        verbose_name = "物资品目"
        verbose_name_plural = "物资目录"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def category(self) -> str:
        return major_category(self.code)


class Warehouse(AnlanModel):
    """A store of supplies: government warehouses at three levels, enterprise and agreement reserves."""

    class Level(models.TextChoices):
        COUNTY = "county", "县级储备库"
        TOWNSHIP = "township", "乡镇（街道）储备点"
        VILLAGE = "village", "村（社区）储备点"
        ENTERPRISE = "enterprise", "企业储备"
        AGREEMENT = "agreement", "协议储备"

    name = models.CharField("仓库名称", max_length=100)
    level = models.CharField("类别", max_length=16, choices=Level.choices)
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT)
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="储备企业", null=True, blank=True, on_delete=models.PROTECT
    )
    agreement_partner = models.CharField("协议单位", max_length=100, blank=True)
    agreement_expires = models.DateField("协议到期日", null=True, blank=True)
    area_m2 = models.FloatField("库房面积（㎡）", null=True, blank=True)
    address = models.CharField("地址", max_length=200)
    lon = models.FloatField("经度")
    lat = models.FloatField("纬度")
    manager = models.CharField("管理人", max_length=64)
    manager_phone = EncryptedCharField(
        "管理人电话", sensitive_kind="phone", max_length_plain=20, validators=[validate_phone]
    )
    manager_phone_index = BlindIndexField("管理人电话检索索引", source="manager_phone")

    scope_spec = ScopeSpec(region="region", enterprise="enterprise")

    write_roles = LOCAL_REGISTRY_ROLES

    class Meta:
        verbose_name = "仓库"
        verbose_name_plural = "仓库与储备点"
        ordering = ["region_id", "name"]

    def __str__(self):
        return self.name


class Movement(models.Model):
    """One line of the stock ledger. Stock is the sum of the ledger; nothing else changes it."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", "入库"
        ISSUE = "issue", "出库"
        TRANSFER_OUT = "transfer_out", "调出"
        TRANSFER_IN = "transfer_in", "调入"
        ALLOCATE = "allocate", "调拨至事件"
        RETURN = "return", "归还入库"
        WRITE_OFF = "write_off", "报损核销"

    INBOUND = frozenset({Kind.RECEIVE, Kind.TRANSFER_IN, Kind.RETURN})

    warehouse = models.ForeignKey(Warehouse, verbose_name="仓库", on_delete=models.PROTECT, related_name="movements")
    item = models.ForeignKey(SupplyItem, verbose_name="物资", on_delete=models.PROTECT, related_name="movements")
    batch = models.CharField("批次", max_length=64, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    quantity = models.DecimalField(
        "数量", max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    at = models.DateTimeField("时间", db_index=True)
    counterpart = models.ForeignKey(
        Warehouse, verbose_name="对方仓库", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField("关联事件/单据", max_length=100, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    actor_name = models.CharField("经办人", max_length=150)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="warehouse__region", enterprise="warehouse__enterprise")
    write_roles = frozenset()  # written only by supplies.services, never through the kit or API CRUD

    class Meta:
        verbose_name = "出入库记录"
        verbose_name_plural = "出入库台账"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.item.name} {self.quantity}{self.item.unit}"

    @property
    def signed_quantity(self) -> Decimal:
        return self.quantity if self.kind in self.INBOUND else -self.quantity


class Stock(models.Model):
    """The balance of one item and batch in one warehouse: kept equal to the ledger's sum by
    supplies.services in the same transaction as each movement (never written anywhere else)."""

    warehouse = models.ForeignKey(Warehouse, verbose_name="仓库", on_delete=models.PROTECT, related_name="stock")
    item = models.ForeignKey(SupplyItem, verbose_name="物资", on_delete=models.PROTECT, related_name="stock")
    batch = models.CharField("批次", max_length=64, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    quantity = models.DecimalField("库存数量", max_digits=14, decimal_places=2)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="warehouse__region", enterprise="warehouse__enterprise")
    write_roles = frozenset()  # derived from the ledger by supplies.services only

    class Meta:
        verbose_name = "库存"
        verbose_name_plural = "库存"
        ordering = ["warehouse_id", "item_id", "expires_on", "batch"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "item", "batch"], name="stock_one_row_per_batch"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stock_never_negative"),
        ]

    def __str__(self):
        return f"{self.warehouse} {self.item.name} {self.batch} {self.quantity}"


class SupplyNorm(AnlanModel):
    """How much of an item a displaced population needs: `quantity` per `per_persons` people per
    `period_days` days (0 = once). Defaults come from reference/standards.md §6; the bureau edits them."""

    item = models.OneToOneField(SupplyItem, verbose_name="物资", on_delete=models.CASCADE, related_name="norm")
    quantity = models.DecimalField("数量", max_digits=10, decimal_places=3, validators=[MinValueValidator(0)])
    per_persons = models.PositiveIntegerField("每多少人", default=1, validators=[MinValueValidator(1)])
    period_days = models.PositiveIntegerField("周期（天，0为一次性）", default=0)
    source = models.CharField("依据", max_length=200)

    scope_spec = ScopeSpec(region=None)  # one set of norms for the bureau
    write_roles = frozenset({"county_admin", "county_operator"})

    class Meta:
        verbose_name = "保障标准"
        verbose_name_plural = "物资保障标准"
        ordering = ["item__code"]

    def __str__(self):
        period = f"每{self.period_days}天" if self.period_days else "一次性"
        return f"{self.item.name}：每{self.per_persons}人{self.quantity.normalize():f}{self.item.unit}（{period}）"


# Each ledger entry is audited as `stock_<kind>` (services.py): named by the movement kind.
register_actions({f"stock_{kind}": f"物资{label}" for kind, label in Movement.Kind.choices})
