"""专项整治 pages: the list (with each user's own share), create, the campaign page (coverage by assignment,
the enterprises not yet inspected, the steps), closing with a summary drafted from the figures."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core import excel
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, register_link
from anlan.core.regioncodes import region_prefix
from anlan.core.roles import Role, role_allows
from anlan.core.views import xlsx_response
from anlan.core.widgets import DateOnly
from anlan.geo.models import Region, RegionLevel
from anlan.registry.gbt4754 import INDUSTRY_CHOICES

from . import services_campaigns as services
from .campaign_workflow import FLOW
from .models import RISK_FLAG_CHOICES, Campaign, Checklist
from .models.common import CAMPAIGN_INSPECTORS

# Those who run or carry out campaigns, and the county's read-only users (not village workers nor teams).
CAMPAIGN_READERS = frozenset({*CAMPAIGN_INSPECTORS, Role.VIEWER})
register_link(
    MenuLink(
        "执法检查", "专项整治", "enforcement:campaign_list", Campaign, "view", 98, regional=True, roles=CAMPAIGN_READERS
    )
)

UNINSPECTED_SHOWN = 300


class CampaignForm(forms.ModelForm):
    industry = forms.ChoiceField(
        label="行业（GB/T 4754 大类）", required=False, choices=[("", "（不限行业）"), *INDUSTRY_CHOICES]
    )
    risk_flag = forms.ChoiceField(
        label="风险特征", required=False, choices=[("", "（不限）"), *RISK_FLAG_CHOICES.items()]
    )

    class Meta:
        model = Campaign
        fields = ["name", "region", "industry", "risk_flag", "starts_on", "ends_on", "checklist", "assign_by"]
        widgets = {"starts_on": DateOnly(), "ends_on": DateOnly()}
        help_texts = {"assign_by": "按部门：管行业必须管安全，行业主管部门检查本行业企业；按乡镇：属地检查"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        prefix = region_prefix(user.region_id or "")
        self.fields["region"].queryset = Region.objects.filter(
            code__startswith=prefix, level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP]
        ).order_by("code")
        self.fields["region"].help_text = "整县或某一乡镇（街道）"
        self.fields["checklist"].queryset = Checklist.objects.filter(active=True)


class CloseForm(forms.Form):
    summary = forms.CharField(
        label="总结", widget=forms.Textarea(attrs={"rows": 10}), help_text="已按当前数据生成初稿，请核对修改后提交"
    )


def _campaign(user, pk, action="view") -> Campaign:
    if action != "view" and not role_allows(user, action, Campaign):
        raise PermissionDenied("专项整治由县级人员组织")
    return get_object_or_404(Campaign.objects.restrict(user, action).select_related("region", "checklist"), pk=pk)


def _county(user) -> bool:
    return user.is_superuser or role_allows(user, "add", Campaign)


@login_required
def campaign_list(request):
    if not (request.user.is_superuser or request.user.role in CAMPAIGN_READERS):
        raise PermissionDenied("专项整治供执法部门、乡镇（街道）和县级只读用户查看")
    qs = Campaign.objects.restrict(request.user).select_related("region")
    status = request.GET.get("status", "")
    if status in Campaign.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    campaigns = list(page)
    mine = services.my_assignments(request.user, campaigns)
    context = {
        "rows": [(c, services.criteria_text(c), mine.get(c.pk)) for c in campaigns],
        "page": page,
        "status": status,
        "statuses": Campaign.Status.choices,
        "may_create": _county(request.user),
        "own_share": request.user.role in (Role.TOWNSHIP_OPERATOR, Role.DEPARTMENT_OPERATOR),
    }
    return render(request, "enforcement/campaign_list.html", context)


@login_required
def campaign_create(request):
    if not _county(request.user):
        raise PermissionDenied("专项整治由县级人员组织")
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            campaign = services.campaign_create(actor=request.user, campaign=form.save(commit=False))
        if outcome.ok:
            messages.success(request, "已新建专项整治，请生成任务分配后启动")
            return redirect("enforcement:campaign_detail", pk=campaign.pk)
    return render(request, "enforcement/campaign_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def campaign_detail(request, pk):
    if not (request.user.is_superuser or request.user.role in CAMPAIGN_READERS):
        raise PermissionDenied("专项整治供执法部门、乡镇（街道）和县级只读用户查看")
    campaign = _campaign(request.user, pk)
    lines, total = services.coverage(request.user, campaign)
    if request.GET.get("export") == "xlsx":
        rows = [line.cells() for line in [*lines, total]]
        data = excel.table_workbook("覆盖情况", services.COVERAGE_HEADERS, rows)
        return xlsx_response(data, f"专项整治覆盖情况_{campaign.pk}_{timezone.localdate():%Y%m%d}.xlsx")
    start = reverse("enforcement:inspection_start")
    missing = list(services.uninspected(request.user, campaign)[: UNINSPECTED_SHOWN + 1])
    may_inspect = campaign.status == Campaign.Status.ACTIVE and (
        request.user.is_superuser or request.user.role in CAMPAIGN_INSPECTORS
    )
    context = {
        "campaign": campaign,
        "criteria": services.criteria_text(campaign),
        "lines": lines,
        "total": total,
        "headers": services.COVERAGE_HEADERS,
        "missing": [
            (t, f"{start}?campaign={campaign.pk}&enterprise={t.enterprise_id}") for t in missing[:UNINSPECTED_SHOWN]
        ],
        "missing_more": len(missing) > UNINSPECTED_SHOWN,
        "may_inspect": may_inspect,
        "steps": FLOW.allowed(request.user, campaign),
    }
    return render(request, "enforcement/campaign_detail.html", context)


@login_required
@require_POST
def campaign_assign(request, pk):
    campaign = _campaign(request.user, pk, "change")
    with shown_on(request) as outcome:
        assignments = services.campaign_assign(actor=request.user, campaign=campaign)
    if outcome.ok:
        targets = sum(a.target for a in assignments)
        messages.success(request, f"已生成 {len(assignments)} 项任务，共 {targets} 家企业")
    return redirect("enforcement:campaign_detail", pk=pk)


@login_required
@require_POST
def campaign_start(request, pk):
    campaign = _campaign(request.user, pk, "change")
    with shown_on(request) as outcome:
        services.campaign_start(actor=request.user, campaign=campaign)
    if outcome.ok:
        messages.success(request, "专项整治已启动，各任务单位可开始检查")
    return redirect("enforcement:campaign_detail", pk=pk)


@login_required
def campaign_close(request, pk):
    campaign = _campaign(request.user, pk, "change")
    if not FLOW.may(request.user, campaign, FLOW["close"]):
        raise PermissionDenied("专项整治由县级人员总结结束")
    if campaign.status != Campaign.Status.ACTIVE:
        messages.error(request, f"当前状态为“{campaign.get_status_display()}”，不能总结结束")
        return redirect("enforcement:campaign_detail", pk=pk)
    lines, total = services.coverage(request.user, campaign)
    form = CloseForm(request.POST or None, initial={"summary": services.draft_summary(campaign, lines, total)})
    if request.method == "POST" and form.is_valid():
        with shown_on(form, "summary") as outcome:
            services.campaign_close(actor=request.user, campaign=campaign, summary=form.cleaned_data["summary"])
        if outcome.ok:
            messages.success(request, "专项整治已总结结束")
            return redirect("enforcement:campaign_detail", pk=pk)
    context = {"campaign": campaign, "form": form, "lines": lines, "total": total, "headers": services.COVERAGE_HEADERS}
    return render(request, "enforcement/campaign_close.html", context, status=400 if form.errors else 200)
