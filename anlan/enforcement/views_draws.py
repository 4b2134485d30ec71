"""Pages of the 双随机 part: the 执法检查人员名录库 and 随机抽查事项清单 (registry kit), each inspector's
回避 declarations, the 检查对象名录库, and draws (new, result with 复核). Thin: rules live in services_draws
and the pure draw module."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from anlan.accounts.models import User
from anlan.core import services as core_services
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, ModelConfig, register, register_link
from anlan.core.regioncodes import region_prefix, township_of
from anlan.core.roles import role_allows
from anlan.core.views import PAGE_SIZE
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Enterprise

from . import draw as algorithm
from . import services_draws as services
from .models import CheckMatter, Draw, DrawObject, Inspector, InspectorConflict

MENU_GROUP = "执法检查"


def _officer_users(user):
    """Users a county officer may enter in the 名录库: officers' roles in their scope (one already entered is
    refused by the form's uniqueness check, and stays a valid choice when its own record is edited)."""
    qs = User.objects.filter(role__in=services.OFFICER_ROLES, is_active=True)
    if not user.is_superuser:
        qs = qs.filter(region__pk__startswith=region_prefix(user.region_id or "-"))
    return qs.order_by("username")


def _conflict_rows(inspector, user):
    rows = inspector.conflicts.select_related("enterprise", "enterprise__region").order_by("enterprise__name")
    return [
        (
            "回避申报",
            ["企业", "所属区划", "回避事由", "申报日期"],
            [(c.enterprise.name, c.enterprise.region.name, c.reason or "—", c.declared_on or "—") for c in rows],
        )
    ]


register(
    ModelConfig(
        model=Inspector,
        list_columns=["user", "certificate", "certificate_valid_until", "department", "region", "active"],
        form_fields=["user", "certificate", "certificate_valid_until", "region", "department", "active"],
        search_fields=["certificate", "user__username", "user__first_name"],
        sortable=["certificate", "certificate_valid_until"],
        related_choices={"user": _officer_users},
        selector=lambda qs: qs.select_related("user", "department", "region"),
        related_tables=_conflict_rows,
        detail_links=[("回避申报", "enforcement:inspector_conflicts")],
        importable=False,
        menu_group=MENU_GROUP,
        menu_label="执法检查人员名录库",
        menu_order=92,
    )
)
register(
    ModelConfig(
        model=CheckMatter,
        list_columns=["name", "department", "sector_group", "method", "region"],
        form_fields=["name", "basis", "department", "sector_group", "method", "region"],
        search_fields=["name", "basis"],
        selector=lambda qs: qs.select_related("department", "region"),
        menu_group=MENU_GROUP,
        menu_order=92,
    )
)
register_link(MenuLink(MENU_GROUP, "检查对象名录库", "enforcement:draw_pool", Enterprise, "view", 93, regional=True))
register_link(MenuLink(MENU_GROUP, "双随机抽取", "enforcement:draw_list", Draw, "view", 93, regional=True))


# ---------------------------------------------------------------- conflicts of one inspector


def _inspector(user, pk, action="view") -> Inspector:
    if not role_allows(user, "view", Inspector):
        raise PermissionDenied("您的角色不能查看执法人员")
    found = Inspector.objects.restrict(user, action).select_related("user").filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该执法人员")
    return found


class ConflictForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none())
    reason = forms.CharField(label="回避事由", max_length=200, required=False, help_text="如：近亲属在该企业任职")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, "view").order_by("name")


@login_required
def inspector_conflicts(request, pk):
    """One inspector's 回避 declarations: declare (enterprise + reason) or remove, each audited."""
    inspector = _inspector(request.user, pk)
    may_write = role_allows(request.user, "add", InspectorConflict)
    form = ConflictForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied("您的角色不能申报回避")
        if form.is_valid():
            with shown_on(form) as outcome:
                services.conflict_declare(actor=request.user, inspector=inspector, **form.cleaned_data)
            if outcome.ok:
                messages.success(request, f"已登记回避：{form.cleaned_data['enterprise']}")
                return redirect("enforcement:inspector_conflicts", pk=inspector.pk)
    rows = inspector.conflicts.select_related("enterprise", "enterprise__region").order_by("enterprise__name")
    context = {"inspector": inspector, "rows": rows, "form": form, "may_write": may_write}
    return render(request, "enforcement/draws/conflicts.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def conflict_remove(request, pk):
    conflict = InspectorConflict.objects.restrict(request.user, "delete").select_related("inspector").filter(pk=pk)
    found = conflict.first()
    if found is None:
        raise Http404("未找到该回避申报")
    inspector_pk = found.inspector_id
    core_services.object_delete(actor=request.user, instance=found)
    messages.success(request, f"已撤销回避：{found.enterprise}")
    return redirect("enforcement:inspector_conflicts", pk=inspector_pk)


# ---------------------------------------------------------------- the 检查对象名录库


@login_required
def draw_pool(request):
    """Enterprises in scope (the 检查对象名录库), by township, with the draws whose pool held each and the
    draws that picked it; those on the 严重失信 list are flagged."""
    if not role_allows(request.user, "view", Enterprise):
        raise PermissionDenied("您的角色不能查看企业")
    townships = _townships(request.user)
    chosen = request.GET.get("township", "")
    qs = (
        Enterprise.objects.restrict(request.user, "view")
        .select_related("region", "department")
        .order_by("region_id", "name")
    )
    if chosen and any(t.code == chosen for t in townships):
        qs = qs.filter(region__pk__startswith=region_prefix(chosen))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [e.pk for e in page.object_list]
    in_pools = dict.fromkeys(ids, 0)
    for pools in Draw.objects.restrict(request.user, "view").values_list("pools", flat=True):
        for enterprise in (pools or {}).get("enterprises", ()):
            if enterprise in in_pools:
                in_pools[enterprise] += 1
    drawn = dict.fromkeys(ids, 0)
    for enterprise in DrawObject.objects.filter(
        enterprise_id__in=ids, draw__in=Draw.objects.restrict(request.user, "view")
    ).values_list("enterprise_id", flat=True):
        drawn[enterprise] += 1
    listed = services.listed_ids(ids)
    names = dict(
        Region.objects.filter(code__in={township_of(e.region_id) for e in page.object_list}).values_list("code", "name")
    )
    rows = [
        {
            "enterprise": e,
            "township": names.get(township_of(e.region_id), e.region.name),
            "pools": in_pools[e.pk],
            "drawn": drawn[e.pk],
            "listed": e.pk in listed,
        }
        for e in page.object_list
    ]
    context = {
        "rows": rows,
        "page": page,
        "townships": townships,
        "township": chosen,
        "querystring": f"township={chosen}",
        "total": page.paginator.count,
    }
    return render(request, "enforcement/draws/pool.html", context)


# ---------------------------------------------------------------- draws


def _townships(user):
    """The regions a user may draw in: their own region and the townships under it."""
    if not user.region_id and not user.is_superuser:
        return []
    prefix = region_prefix(user.region_id) if user.region_id else ""
    qs = Region.objects.filter(code__startswith=prefix, level=RegionLevel.TOWNSHIP).order_by("code")
    return list(qs)


class DrawForm(forms.Form):
    name = forms.CharField(label="抽取名称", max_length=200, help_text="如：2026年第一季度危化企业双随机抽查")
    region = forms.ChoiceField(label="抽取区划", help_text="在该区划（含下级）的企业中抽取")
    matter = forms.ModelChoiceField(label="抽查事项", queryset=CheckMatter.objects.none(), required=False)
    count = forms.IntegerField(label="抽取企业数", min_value=1, initial=5)
    inspectors_per_object = forms.IntegerField(
        label="每家执法人员数",
        min_value=algorithm.MIN_INSPECTORS,
        initial=2,
        help_text="至少 2 名（行政处罚法第四十二条：执法人员不得少于两人）",
        error_messages={"min_value": "每家企业至少抽取 2 名执法人员（行政处罚法第四十二条）"},
    )
    seed = forms.CharField(
        label="随机种子",
        max_length=algorithm.SEED_MAX_LENGTH,
        required=False,
        help_text="可不填：系统用安全随机数生成；填写后任何人可用同一种子复算",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if user.region_id:
            own = Region.objects.filter(code=user.region_id).first()
            if own is not None:
                choices.append((own.code, f"{own.name}（全部）"))
        choices += [(t.code, t.name) for t in _townships(user) if t.code != user.region_id]
        self.fields["region"].choices = choices
        self.fields["matter"].queryset = CheckMatter.objects.restrict(user, "view").order_by("name")


def _may_draw(user) -> bool:
    return role_allows(user, "add", Draw)


@login_required
def draw_list(request):
    if not role_allows(request.user, "view", Draw):
        raise PermissionDenied("您的角色不能查看双随机抽取")
    qs = Draw.objects.restrict(request.user, "view").select_related("region", "matter", "created_by")
    page = Paginator(qs.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "rows": page.object_list, "may_draw": _may_draw(request.user), "querystring": ""}
    return render(request, "enforcement/draws/list.html", context)


@login_required
def draw_create(request):
    if not _may_draw(request.user):
        raise PermissionDenied("您的角色不能发起双随机抽取")
    form = DrawForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            record = services.draw_create(actor=request.user, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, f"已完成抽取：{record.count} 家企业，种子 {record.seed}")
            return redirect("enforcement:draw_detail", pk=record.pk)
    return render(request, "enforcement/draws/form.html", {"form": form}, status=400 if form.errors else 200)


def _draw(user, pk) -> Draw:
    if not role_allows(user, "view", Draw):
        raise PermissionDenied("您的角色不能查看双随机抽取")
    found = Draw.objects.restrict(user, "view").select_related("region", "matter", "created_by").filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该抽取")
    return found


def _detail_context(record: Draw) -> dict:
    objects = list(
        record.objects_drawn.select_related("enterprise", "enterprise__region").prefetch_related("inspectors__user")
    )
    pools = algorithm.Pools.from_json(record.pools or {})
    shown = {o.enterprise_id for o in objects} | set(pools.enterprises)
    listed = services.listed_ids(shown)
    townships = {township_of(o.enterprise.region_id) for o in objects}
    names = dict(Region.objects.filter(code__in=townships).values_list("code", "name"))
    rows = [
        {
            "position": o.position,
            "enterprise": o.enterprise,
            "township": names.get(township_of(o.enterprise.region_id), o.enterprise.region.name),
            "inspectors": sorted(o.inspectors.all(), key=lambda i: i.user.username),
            "listed": o.enterprise_id in listed,
        }
        for o in objects
    ]
    pool_names = dict(Enterprise.objects.filter(pk__in=pools.enterprises).values_list("pk", "name"))
    officers = {
        u.username: str(u) for u in User.objects.filter(username__in=pools.inspectors).only("username", "display_name")
    }
    return {
        "draw": record,
        "rows": rows,
        "pool_enterprises": [(e, pool_names.get(e, "（已删除）"), e in listed) for e in pools.enterprises],
        "pool_inspectors": [(u, officers.get(u, u)) for u in pools.inspectors],
        "pool_conflicts": [(u, officers.get(u, u), e, pool_names.get(e, "")) for u, e in pools.conflicts],
        "may_verify": True,
    }


@login_required
def draw_detail(request, pk):
    record = _draw(request.user, pk)
    return render(request, "enforcement/draws/detail.html", _detail_context(record))


@login_required
@require_POST
def draw_verify(request, pk):
    """复核: the draw computed again from its seed and pools, shown on the draw's page."""
    record = _draw(request.user, pk)
    context = {**_detail_context(record), "verified": services.draw_verify(record)}
    return render(request, "enforcement/draws/detail.html", context)
