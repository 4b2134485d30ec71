from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from anlan.core.errors import DomainError, shown_on
from anlan.core.kit import MenuLink, ModelConfig, register, register_link
from anlan.core.roles import role_allows
from anlan.core.widgets import DateOnly
from anlan.geo.models import Region
from anlan.registry.models import Enterprise

from . import services
from .models import Movement, Stock, SupplyItem, SupplyNorm, Warehouse

register(
    ModelConfig(
        model=SupplyItem,
        list_columns=["code", "name", "category", "unit", "spec", "shelf_life_days", "alert_below"],
        form_fields=["code", "name", "unit", "spec", "shelf_life_days", "alert_below"],
        extra_labels={"category": "大类"},
        search_fields=["code", "name"],
        menu_group="应急物资",
        menu_order=50,
    )
)

register(
    ModelConfig(
        model=Warehouse,
        list_columns=["name", "level", "region", "address", "manager", "manager_phone"],
        form_fields=[
            *("name", "level", "region", "enterprise", "agreement_partner", "agreement_expires", "area_m2"),
            *("address", "lon", "lat", "manager", "manager_phone"),
        ],
        natural_keys={Enterprise: "credit_code"},
        search_fields=["name", "address", "manager"],
        selector=lambda qs: qs.select_related("region"),
        menu_group="应急物资",
        menu_order=51,
    )
)

register(
    ModelConfig(
        model=Stock,
        list_columns=["warehouse", "item", "batch", "expires_on", "quantity"],
        form_fields=[],
        importable=False,  # stock is derived from the ledger: never entered directly
        selector=lambda qs: qs.select_related("warehouse", "item").filter(quantity__gt=0),
        sortable=["expires_on", "quantity"],
        menu_group="应急物资",
        menu_order=52,
    )
)

register(
    ModelConfig(
        model=Movement,
        list_columns=["at", "kind", "warehouse", "item", "batch", "quantity", "counterpart", "reference", "actor_name"],
        form_fields=[],
        importable=False,
        selector=lambda qs: qs.select_related("warehouse", "item", "counterpart"),
        sortable=["at", "quantity"],
        menu_group="应急物资",
        menu_order=53,
    )
)

register(
    ModelConfig(
        model=SupplyNorm,
        list_columns=["item", "quantity", "per_persons", "period_days", "source"],
        form_fields=["item", "quantity", "per_persons", "period_days", "source"],
        natural_keys={SupplyItem: "code"},
        selector=lambda qs: qs.select_related("item"),
        menu_group="应急物资",
        menu_order=55,
    )
)

register_link(MenuLink("应急物资", "出入库登记", "supplies:move", Warehouse, "change", 54))
register_link(MenuLink("应急物资", "库存预警", "supplies:alerts", Stock, "view", 56))
register_link(MenuLink("应急物资", "保障能力测算", "supplies:adequacy", SupplyNorm, "view", 57))

KIND_CHOICES = [
    ("receive", "入库"),
    ("issue", "出库"),
    ("transfer_out", "调拨到其他仓库"),
    ("allocate", "调拨至事件"),
    ("return", "归还入库"),
    ("write_off", "报损核销"),
]


class MovementForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=KIND_CHOICES)
    warehouse = forms.ModelChoiceField(label="仓库", queryset=Warehouse.objects.none())
    item = forms.ModelChoiceField(label="物资", queryset=SupplyItem.objects.none())
    quantity = forms.DecimalField(label="数量", min_value=0.01, max_digits=14, decimal_places=2)
    batch = forms.CharField(label="批次", max_length=64, required=False, help_text="出库时留空则按有效期先到先出")
    expires_on = forms.DateField(label="有效期至", required=False, widget=DateOnly())
    counterpart = forms.ModelChoiceField(label="调入仓库（调出时）", queryset=Warehouse.objects.none(), required=False)
    reference = forms.CharField(label="关联事件/单据", max_length=100, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.restrict(user, "change")
        self.fields["item"].queryset = SupplyItem.objects.restrict(user)
        # Transfers may go to any warehouse the user can see (e.g. a township sending to the county depot).
        self.fields["counterpart"].queryset = Warehouse.objects.restrict(user)


@login_required
def movement_create(request):
    """Record goods in, out, transferred, allocated to an incident, returned or written off."""
    if not role_allows(request.user, "change", Warehouse):
        raise PermissionDenied("您的角色无权办理出入库")
    form = MovementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        common = {
            "actor": request.user,
            "item": d["item"],
            "quantity": d["quantity"],
            "reference": d["reference"],
            "note": d["note"],
        }
        with shown_on(form, whole_form=True) as outcome:
            if d["kind"] in ("receive", "return"):
                services.stock_receive(
                    warehouse=d["warehouse"], kind=d["kind"], batch=d["batch"], expires_on=d["expires_on"], **common
                )
            elif d["kind"] == "transfer_out":
                if d["counterpart"] is None:
                    raise DomainError("stock.counterpart_required", "调拨须选择调入仓库", field="counterpart")
                services.stock_transfer(source=d["warehouse"], target=d["counterpart"], batch=d["batch"], **common)
            else:
                services.stock_issue(warehouse=d["warehouse"], kind=d["kind"], batch=d["batch"], **common)
        if outcome.ok:
            messages.success(request, "已登记")
            return redirect("supplies:movement_list")
    status = 400 if form.errors else 200
    return render(request, "supplies/movement_form.html", {"form": form}, status=status)


@login_required
def alerts(request):
    """Low-stock and near-expiry alerts within the user's scope."""
    days = _int(request.GET.get("days"), 30)
    context = {
        "low": services.low_stock(request.user),
        "expiring": services.near_expiry(request.user, days=days),
        "days": days,
        "today": timezone.localdate(),
    }
    return render(request, "supplies/alerts.html", context)


class AdequacyForm(forms.Form):
    region = forms.ModelChoiceField(label="保障区域", queryset=Region.objects.none(), to_field_name="code")
    population = forms.IntegerField(label="保障人数", min_value=1, max_value=10_000_000)
    days = forms.IntegerField(label="保障天数", min_value=1, max_value=365, initial=7)
    hours = forms.FloatField(
        label="到达时限（小时）",
        min_value=0.5,
        max_value=72,
        required=False,
        help_text="填写则计入全县在此时限内可运达的仓库库存，留空则只计本区域内仓库",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.restrict(user).exclude(level="village")


@login_required
def adequacy(request):
    """Gap per item between what a population needs (norms) and what is stored in the area."""
    user = request.user
    initial = {"region": user.region_id, "population": 3000, "days": 7, "hours": 4}
    form = AdequacyForm(request.GET or None, user=user, initial=initial)
    rows = []
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        rows = services.adequacy(
            user, region_code=d["region"].code, population=d["population"], days=d["days"], hours=d["hours"]
        )
    return render(request, "supplies/adequacy.html", {"form": form, "rows": rows})


def _int(value, default: int) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return default
