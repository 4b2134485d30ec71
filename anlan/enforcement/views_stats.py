"""执法统计 (/enforcement/stats/): the tables of stats.py for a year and an area, charts, Excel."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator
from django.shortcuts import render
from django.utils import timezone

from anlan.core import excel
from anlan.core.kit import MenuLink, register_link
from anlan.core.regioncodes import region_prefix
from anlan.core.roles import Role
from anlan.core.views import xlsx_response
from anlan.geo.models import Region, RegionLevel

from . import stats
from .models import Inspection
from .models.common import CAMPAIGN_INSPECTORS

# Who reads the statistics: those who inspect (their scope's figures) and the county's read-only users.
STATS_READERS = frozenset({*CAMPAIGN_INSPECTORS, Role.VIEWER})

register_link(
    MenuLink("执法检查", "执法统计", "enforcement:stats", Inspection, "view", 99, regional=True, roles=STATS_READERS)
)


class StatsForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, error_messages={"min_value": "年度不能早于 2000 年"})
    region = forms.ModelChoiceField(
        label="区域", queryset=Region.objects.none(), required=False, empty_label="（全部）", to_field_name="code"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].validators.append(MaxValueValidator(this_year, f"年度不能晚于 {this_year} 年"))
        self.fields["year"].widget.attrs.update({"min": 2000, "max": this_year})
        self.fields["region"].queryset = Region.objects.filter(
            code__startswith=region_prefix(user.region_id or ""), level=RegionLevel.TOWNSHIP
        ).order_by("code")


@login_required
def statistics(request):
    user = request.user
    if not (user.is_superuser or user.role in STATS_READERS):
        raise PermissionDenied("执法统计供执法人员、乡镇（街道）和县级只读用户查看")
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year))
    form = StatsForm(data, user=user)
    year, region = timezone.localdate().year, None
    if form.is_valid():
        year, region = form.cleaned_data["year"], form.cleaned_data["region"]
    tables = stats.enforcement_statistics(user, year=year, region_code=region.code if region else None)
    if request.GET.get("export") == "xlsx" and not form.errors:
        suffix = f"_{region.name}" if region else ""
        return xlsx_response(excel.tables_workbook(stats.sheets(tables, year)), f"执法统计_{year}{suffix}.xlsx")
    context = {
        "form": form,
        "year": year,
        "region": region,
        "tables": [(name, stats.headers(name), stats.page_rows(lines)) for name, lines in tables.items()],
        "charts": stats.statistics_charts(tables, year),
        "query": data.urlencode(),
        "department_only": user.role == Role.DEPARTMENT_OPERATOR,
    }
    return render(request, "enforcement/stats.html", context, status=400 if form.errors else 200)
