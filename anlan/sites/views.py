"""Hazard-site registry pages, patrol rules and tasks, and the phone page where patrols check in."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, ModelConfig, ScopedModelForm, config_for, display_value, register, register_link
from anlan.core.panels import register_panel
from anlan.core.regioncodes import region_prefix
from anlan.core.roles import COUNTY_ROLES, role_allows
from anlan.registry.models import Department, Person
from anlan.resources.models import Shelter

from . import selectors, services
from .filters import HazardSiteFilterSet, HouseholdFilterSet, PatrolTaskFilterSet
from .models import HazardSite, Household, PatrolRule, PatrolTask
from .selectors import ROLE_TIERS

SITE_FIELDS = [
    *("code", "name", "kind", "scale", "region", "department", "lon", "lat"),
    *("threatened_households", "threatened_people", "threatened_property", "monitors", "monitoring", "status"),
    *("warning_signal", "evacuation_route", "shelter", "notes"),
]


def _site_patrols(site, user):
    rows = [
        (
            t.due,
            t.get_tier_display(),
            t.get_status_display(),
            t.done_by,
            t.distance_m,
            "是" if t.found_problem else "",
            t.note,
        )
        for t in site.patrols.all()[:30]
    ]
    return [("最近巡查", ["截止日期", "层级", "状态", "巡查人", "距离（米）", "异常", "情况"], rows)]


register(
    ModelConfig(
        model=HazardSite,
        list_columns=["code", "name", "kind", "scale", "region", "threatened_people", "monitoring", "status"],
        form_fields=SITE_FIELDS,
        filterset_class=HazardSiteFilterSet,
        search_fields=["code", "name", "notes"],
        natural_keys={Department: "code", Shelter: "name", Person: "pk"},
        selector=lambda qs: qs.select_related("region", "department", "shelter").prefetch_related("monitors"),
        sortable=["code", "name", "region", "threatened_people", "kind"],
        related_tables=_site_patrols,
        menu_group="企业与风险",
        menu_order=36,
    )
)
register(
    ModelConfig(
        model=PatrolRule,
        list_columns=["name", "tier", "frequency", "kinds_label", "season_start", "season_end", "active"],
        extra_labels={"kinds_label": "适用类型"},
        form_fields=["name", "tier", "frequency", "kinds", "season_start", "season_end", "active"],
        importable=False,
        menu_group="系统",
        menu_order=91,
    )
)
register(
    ModelConfig(
        model=PatrolTask,
        list_columns=["site", "tier", "period_start", "due", "status", "done_by", "done_at", "distance_m", "far_away"],
        form_fields=[],
        detail_fields=[
            *("site", "rule", "tier", "period_start", "due", "status", "done_at", "done_by"),
            *("lon", "lat", "distance_m", "far_away", "found_problem", "note"),
        ],
        filterset_class=PatrolTaskFilterSet,
        search_fields=["site__name", "done_by", "note"],
        importable=False,
        selector=lambda qs: qs.select_related("site", "rule"),
        sortable=["due", "status", "tier"],
        menu_group="企业与风险",
        menu_label="巡查记录",
        menu_order=38,
    )
)
register_link(MenuLink("企业与风险", "巡查打卡", "sites:patrols", PatrolTask, "view", 37))

# Which tier of patrols each role walks; county roles see them all.


class CheckInForm(forms.Form):
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    found_problem = forms.BooleanField(label="发现异常（裂缝、变形、渗水、落石等）", required=False)
    note = forms.CharField(label="巡查情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))


@login_required
def patrols(request):
    """Today's patrols of this user, pending first, each with a check-in button (phone-sized)."""
    today = timezone.localdate()
    tasks = list(selectors.my_tasks(request.user, today)[:300])
    pending = [t for t in tasks if t.status == PatrolTask.Status.PENDING]
    context = {
        "today": today,
        "pending": pending,
        "done": [t for t in tasks if t.status == "done"],
        "form": CheckInForm(),
        "may_check_in": _may_check_in(request.user),
    }
    return render(request, "sites/patrols.html", context)


def _may_check_in(user) -> bool:
    return user.is_superuser or user.role in ROLE_TIERS or user.role in COUNTY_ROLES


@login_required
def check_in(request, pk):
    if request.method != "POST":
        return redirect("sites:patrols")
    if not _may_check_in(request.user):
        raise PermissionDenied("您的角色无需巡查打卡")
    task = get_object_or_404(PatrolTask.objects.restrict(request.user), pk=pk)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("sites:patrols")
    d = form.cleaned_data
    with shown_on(request) as outcome:
        task = services.check_in(
            actor=request.user, task=task, lon=d["lon"], lat=d["lat"], note=d["note"], found_problem=d["found_problem"]
        )
    if outcome.ok:
        where = f"，距隐患点约 {task.distance_m} 米" if task.distance_m is not None else "（未取得位置）"
        far = "，位置偏远，将提请核实" if task.far_away else ""
        messages.success(request, f"{task.site} 已打卡{where}{far}")
        if task.found_problem:
            messages.warning(request, "发现异常：如需整改，请上报隐患；险情紧急请立即组织撤离并报告")
    return redirect("sites:patrols")


# ---------------------------------------------------------------- threatened households (避险转移到户到人)

HOUSEHOLD_FIELDS = [
    *("site", "region", "head_name", "phone", "people", "vulnerable", "vulnerable_note"),
    *("address", "lon", "lat", "guardian", "active"),
]


def guardian_choices(user):
    """Who may be named 包保责任人: active users of the writer's own region subtree (township staff name
    their village workers without being able to open the user registry)."""
    users = User.objects.filter(is_active=True).only("pk", "username", "first_name", "last_name")
    if user.is_superuser:
        return users
    return users.filter(region__pk__startswith=region_prefix(user.region_id)) if user.region_id else users.none()


class HouseholdForm(ScopedModelForm):
    class Meta:
        model = Household
        fields = HOUSEHOLD_FIELDS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["guardian"].label_from_instance = _person_label
        self.fields["guardian"].error_messages["invalid_choice"] = "包保责任人不存在或不在您的管辖范围内"


def _person_label(user) -> str:
    name = user.get_full_name().strip()
    return f"{name}（{user.username}）" if name else user.username


register(
    ModelConfig(
        model=Household,
        list_columns=["head_name", "site", "region", "people", "vulnerable", "phone", "guardian", "active"],
        form_fields=HOUSEHOLD_FIELDS,
        form_class=HouseholdForm,
        filterset_class=HouseholdFilterSet,
        search_fields=["head_name", "address", "site__name", "site__code"],
        natural_keys={HazardSite: "code", User: "username"},
        related_choices={"guardian": guardian_choices},
        selector=lambda qs: qs.select_related("site", "region", "guardian"),
        sortable=["head_name", "site", "region", "people", "vulnerable"],
        menu_group="企业与风险",
        menu_label="受威胁户",
        menu_order=37,
        # Its transfer marks are kept (disasters.TransferMark.household is PROTECT).
        protected_hint="该户已有避险转移记录，须保留备查；如该户已搬离或不再受威胁，请编辑并将“在册”设为“否”",
    )
)


def roster_summary(site) -> dict:
    """The site's active roster summed, and whether it agrees with the registered threatened figures."""
    figures = site.households.filter(active=True).aggregate(
        households=Count("pk"), people=Sum("people"), vulnerable=Sum("vulnerable")
    )
    figures = {k: v or 0 for k, v in figures.items()}
    figures["differs"] = bool(figures["households"]) and (
        figures["households"] != site.threatened_households or figures["people"] != site.threatened_people
    )
    return figures


def site_households_panel(request, site):
    """On the site's page: its households, people, vulnerable and 包保责任人, and a warning when the roster
    does not add up to the registered 威胁户数/威胁人数 (they are kept, not derived: see docs)."""
    user = request.user
    if not role_allows(user, "view", Household):
        return None
    households = list(
        Household.objects.restrict(user)
        .filter(site=site)
        .select_related("region", "guardian")
        .order_by("-active", "head_name")
    )
    rows = [(h, display_value(h, "phone", user), h.guardian and _person_label(h.guardian)) for h in households]
    config = config_for(Household)
    return "sites/_site_households.html", {
        "site": site,
        "summary": roster_summary(site),
        "rows": rows,
        "list_url": config.reverse("list") + f"?site={site.pk}",
        "add_url": config.reverse("add") if role_allows(user, "add", Household) else "",
        "import_url": config.reverse("import") if role_allows(user, "add", Household) else "",
    }


register_panel("sites.hazardsite", site_households_panel, order=10)
