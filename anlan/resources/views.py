from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from anlan.core.errors import shown_on
from anlan.core.kit import ModelConfig, config_for, register
from anlan.core.roles import role_allows
from anlan.geo.models import Region
from anlan.registry.models import Department, Enterprise

from . import services
from .filters import EquipmentFilterSet, ExpertFilterSet, RescueTeamFilterSet, ShelterFilterSet
from .models import Equipment, Expert, RescueTeam, Shelter, ShelterCheck, Specialty

register(
    ModelConfig(
        model=RescueTeam,
        list_columns=["name", "kind", "region", "headcount", "specialties", "readiness", "leader", "leader_phone"],
        form_fields=[
            *("name", "kind", "region", "department", "enterprise", "specialties", "headcount", "social_grade"),
            *("readiness", "address", "lon", "lat", "leader", "leader_phone", "duty_phone", "notes"),
        ],
        filterset_class=RescueTeamFilterSet,
        search_fields=["name", "leader", "address"],
        natural_keys={Department: "code", Specialty: "name", Enterprise: "credit_code"},
        selector=lambda qs: qs.select_related("region").prefetch_related("specialties"),
        sortable=["name", "kind", "region", "headcount", "readiness"],
        menu_group="应急资源",
        menu_order=40,
    )
)

register(
    ModelConfig(
        model=Expert,
        list_columns=["name", "specialties", "title", "organisation", "region", "availability", "phone"],
        form_fields=[
            "name",
            "region",
            "specialties",
            "title",
            "organisation",
            "phone",
            "availability",
            "lon",
            "lat",
            "notes",
        ],
        filterset_class=ExpertFilterSet,
        search_fields=["name", "organisation", "title"],
        natural_keys={Specialty: "name"},
        selector=lambda qs: qs.select_related("region").prefetch_related("specialties"),
        sortable=["name", "region", "availability"],
        menu_group="应急资源",
        menu_order=41,
    )
)

register(
    ModelConfig(
        model=Equipment,
        list_columns=["name", "kind", "quantity", "region", "team", "owner", "status"],
        form_fields=["name", "kind", "quantity", "region", "team", "owner", "specs", "status", "lon", "lat"],
        filterset_class=EquipmentFilterSet,
        search_fields=["name", "owner", "specs"],
        selector=lambda qs: qs.select_related("region", "team"),
        sortable=["name", "kind", "quantity", "region", "status"],
        menu_group="应急资源",
        menu_order=42,
    )
)

register(
    ModelConfig(
        model=Shelter,
        list_columns=["name", "level", "period", "region", "capacity", "occupancy", "status", "manager"],
        form_fields=[
            *("name", "region", "level", "period", "site_class", "effective_area_m2", "area_per_person_m2"),
            *("address", "lon", "lat", "has_water", "has_power", "has_toilets", "has_medical", "has_broadcast"),
            *("manager", "manager_phone", "status"),
        ],
        detail_fields=[
            *("name", "region", "level", "period", "site_class", "effective_area_m2", "area_per_person_m2"),
            *("capacity", "occupancy", "address", "lon", "lat", "has_water", "has_power", "has_toilets"),
            *("has_medical", "has_broadcast", "manager", "manager_phone", "status"),
        ],
        extra_labels={"capacity": "容量（人）", "occupancy": "在场人数"},
        filterset_class=ShelterFilterSet,
        search_fields=["name", "address", "manager"],
        selector=lambda qs: services.with_occupancy(qs.select_related("region")),
        sortable=["name", "level", "region", "effective_area_m2", "status"],
        detail_links=[("入住登记", "resources:shelter_checks")],
        menu_group="应急资源",
        menu_order=44,
    )
)


class ShelterCheckForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ShelterCheck.Kind.choices)
    people = forms.IntegerField(label="人数", min_value=1, max_value=100000)
    household = forms.CharField(label="户主/联系人", max_length=64, required=False)
    from_region = forms.CharField(label="来自（村/社区代码）", max_length=12, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)


@login_required
def shelter_checks(request, pk):
    """Check people in and out of a shelter and see the register."""
    user = request.user
    if not role_allows(user, "view", Shelter):
        raise PermissionDenied
    shelter = get_object_or_404(config_for(Shelter).queryset(user), pk=pk)
    form = ShelterCheckForm(request.POST or None)
    if request.method == "POST":
        if not role_allows(user, "change", Shelter):
            raise PermissionDenied("您的角色无权登记入住")
        if form.is_valid():
            data = form.cleaned_data
            origin = None
            if data["from_region"]:
                origin = Region.objects.filter(code=data["from_region"]).first()
                if origin is None:
                    form.add_error("from_region", f"区划不存在：{data['from_region']}")
            if not form.errors:
                with shown_on(form, whole_form=True) as outcome:
                    services.shelter_check(
                        actor=user,
                        shelter=shelter,
                        kind=data["kind"],
                        people=data["people"],
                        household=data["household"],
                        from_region=origin,
                        note=data["note"],
                    )
                if outcome.ok:
                    messages.success(request, "已登记")
                    return redirect("resources:shelter_checks", pk=shelter.pk)
    checks = shelter.checks.select_related("from_region").order_by("-at", "-id")[:100]
    context = {
        "shelter": shelter,
        "form": form,
        "checks": checks,
        "detail_url": config_for(Shelter).reverse("detail", shelter.pk),
        "can_change": role_allows(user, "change", Shelter),
    }
    return render(request, "resources/shelter_checks.html", context, status=400 if form.errors else 200)
