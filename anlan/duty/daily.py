"""日报 and 零报告: each township (and each department) reports the previous day to the county by the
county desk's due time (DeskSetting.daily_report_due, 09:00 by default) — a daily report, or a zero report
when there is nothing to report. One per township (department) and date: a second is refused (400).

Missing reports are listed for the county (its 工作台, the 值班日报, the API) once the due time has passed,
and the township's (department's) desk users get one in-app reminder (`remind_missing`, a periodic job).
A desk whose setting says `daily_reports_required = False` (outside the flood season) is not chased.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.audit import audit_record, snapshot
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.regioncodes import county_of, region_prefix
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.geo.models import Region, RegionLevel
from anlan.inbox.services import Message, notify_many
from anlan.registry.models import Department

from .models import REPORTING_ROLES, DailyReport, DeskSetting

# ---------------------------------------------------------------- settings and dates


def setting_for(desk: str) -> DeskSetting:
    """The desk's setting, or the defaults (unsaved) when it has none."""
    return DeskSetting.objects.filter(desk_id=desk).first() or DeskSetting(desk_id=desk)


def due_at(county: str, date: dt.date, setting: DeskSetting | None = None) -> dt.datetime:
    """When the reports of `date` are due at the county: the next day at the desk's due time."""
    setting = setting or setting_for(county)
    return timezone.make_aware(dt.datetime.combine(date + dt.timedelta(days=1), setting.daily_report_due))


def last_due_date(county: str, now: dt.datetime | None = None, setting: DeskSetting | None = None) -> dt.date:
    """The latest report date whose due time has passed at `now` (yesterday after 09:00, else the day before)."""
    now = now or timezone.now()
    yesterday = timezone.localdate(now) - dt.timedelta(days=1)
    return yesterday if now >= due_at(county, yesterday, setting) else yesterday - dt.timedelta(days=1)


# ---------------------------------------------------------------- filing


def _reporter(actor, region: str | None) -> tuple[Region, Department | None]:
    """Which region (and department) `actor` files for, or a refusal: a township its own, a department
    its own (for the county), the county's officers any township of the county (on its behalf)."""
    role = getattr(actor, "role", None)
    if not actor.is_superuser and role not in REPORTING_ROLES:
        raise NotAllowed("duty.report_role_not_allowed", "只有乡镇（街道）、行业部门和县级值班人员可以报送日报")
    if role == Role.DEPARTMENT_OPERATOR:
        department = actor.department
        if department is None:
            raise NotAllowed("duty.report_no_department", "您的账号未关联行业部门，不能报送部门日报")
        if region and region != department.region_id:
            raise DomainError("duty.report_region_mismatch", "部门日报的报送区划应为本部门所属区划", field="region")
        return department.region, department
    target = Region.objects.filter(code=region or "").first() if region else None
    if target is None:
        raise DomainError("duty.report_region_required", "请填写报送日报的乡镇（街道）", field="region")
    if target.level != RegionLevel.TOWNSHIP:
        raise DomainError("duty.report_not_township", "日报（零报告）由乡镇（街道）向县报送", field="region")
    allowed = actor.is_superuser or (
        actor.region_id
        and target.code.startswith(region_prefix(actor.region_id))
        and (role in COUNTY_ROLES or role == Role.TOWNSHIP_OPERATOR)
    )
    if not allowed:
        raise NotAllowed("duty.report_region_outside_scope", f"不能为{target.name}报送日报：不在您的管辖范围内")
    return target, None


def _who(region: Region, department: Department | None) -> str:
    return department.name if department else region.name


@transaction.atomic
def report_file(
    *,
    actor,
    date: dt.date,
    nothing_to_report: bool,
    summary: str = "",
    region: str | None = None,
    at: dt.datetime | None = None,
) -> DailyReport:
    """报送 the 日报 (or the 零报告 when `nothing_to_report`) of `region` (or the actor's department) for `date`."""
    target, department = _reporter(actor, region)
    at = at or timezone.now()
    summary = (summary or "").strip()
    if date > timezone.localdate(at):
        raise DomainError("duty.report_future_date", "不能报送今天以后的日报", field="date")
    if not nothing_to_report and not summary:
        raise DomainError("duty.report_summary_required", "日报须填写情况摘要；无情况请报零报告", field="summary")
    same = DailyReport.objects.filter(date=date)
    same = same.filter(department=department) if department else same.filter(region=target, department__isnull=True)
    duplicate = f"{_who(target, department)}{date:%Y年%m月%d日}的日报（零报告）已报送，不能重复报送"
    if same.exists():
        raise DomainError("duty.report_duplicate", duplicate)
    report = DailyReport(
        region=target,
        department=department,
        date=date,
        nothing_to_report=nothing_to_report,
        summary=summary,
        submitted_by=actor,
        submitted_at=at,
    )
    try:
        with transaction.atomic():  # a report filed at the same moment by someone else: the constraint decides
            report.save()
    except IntegrityError:
        raise DomainError("duty.report_duplicate", duplicate) from None
    audit_record(action="daily_report_file", obj=report, actor=actor, after=snapshot(report))
    return report


def reports(user) -> QuerySet[DailyReport]:
    return DailyReport.objects.restrict(user).select_related("region", "department", "submitted_by")


# ---------------------------------------------------------------- who has not reported


def townships(parent: str) -> QuerySet[Region]:
    # Without their boundaries: callers name the townships, and a boundary is a large GeoJSON parsed per row
    # (the county 工作台 asks on every request).
    return Region.objects.filter(parent_id=parent, level=RegionLevel.TOWNSHIP).defer("boundary").order_by("code")


def missing_townships(parent: str, date: dt.date) -> list[Region]:
    """The townships directly under `parent` with no report (日报 or 零报告) for `date`."""
    filed = DailyReport.objects.filter(date=date, department__isnull=True).values("region_id")
    return list(townships(parent).exclude(code__in=filed))


def reporting_departments(county: str) -> QuerySet[Department]:
    """The county's departments asked for a daily report: those with an active operator on the platform (a
    department without an account cannot file, and is not chased)."""
    staffed = User.objects.filter(is_active=True, role=Role.DEPARTMENT_OPERATOR).values("department_id")
    return Department.objects.filter(region_id=county, pk__in=staffed).order_by("code")


def missing_departments(county: str, date: dt.date) -> list[Department]:
    """The county's reporting departments with no report for `date`."""
    filed = DailyReport.objects.filter(date=date, department__isnull=False).values("department_id")
    return list(reporting_departments(county).exclude(pk__in=filed))


@dataclass
class Missing:
    county: Region
    date: dt.date
    due: dt.datetime
    townships: list = field(default_factory=list)
    departments: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.townships) + len(self.departments)


def overdue(county: Region, now: dt.datetime | None = None) -> Missing | None:
    """The reports past their due time at `now` that the county has not received (None: not chased)."""
    setting = setting_for(county.code)
    if not setting.daily_reports_required:
        return None
    date = last_due_date(county.code, now, setting)
    return Missing(
        county,
        date,
        due_at(county.code, date, setting),
        missing_townships(county.code, date),
        missing_departments(county.code, date),
    )


def remind_missing(now: dt.datetime | None = None) -> int:
    """Remind each township (department) whose report is overdue, once per report date: an in-app message
    to its desk users (township operators of the township; the department's operators). Idempotent."""
    now = now or timezone.now()
    pairs = []
    for county in Region.objects.filter(level=RegionLevel.COUNTY):
        late = overdue(county, now)
        if late is None or not late.count:
            continue
        day = f"{late.date:%m月%d日}"
        due = timezone.localtime(late.due).strftime("%m月%d日%H:%M")
        link = reverse("duty:daily_reports")
        # The filers of each kind: township operators by township, department operators by department.
        filers = [
            ("region_id", Role.TOWNSHIP_OPERATOR, {t.code: t for t in late.townships}, "", "各乡镇（街道）"),
            ("department_id", Role.DEPARTMENT_OPERATOR, {d.pk: d for d in late.departments}, "dept", "各行业部门"),
        ]
        for column, role, missing, key_prefix, whom in filers:
            users = User.objects.filter(is_active=True, role=role, **{f"{column}__in": list(missing)})
            for user_id, owner in users.values_list("pk", column):
                message = Message(
                    category="task",
                    title=f"请报送{day}值班日报：{missing[owner].name}尚未报送",
                    body=f"{county.name}要求{whom}于{due}前报送{day}日报；无情况请报零报告。",
                    link=link,
                    dedupe_key=f"duty-daily:{key_prefix}{owner}:{late.date.isoformat()}",
                )
                pairs.append((user_id, message))
    return notify_many(pairs)


def home_notices(user) -> list[tuple[str, str]]:
    """工作台: the county's officers see which townships and departments have not reported."""
    if not (user.is_superuser or user.role in COUNTY_ROLES) or not user.region_id:
        return []
    county = Region.objects.filter(code=county_of(user.region_id)).defer("boundary").first()
    late = overdue(county) if county else None
    if late is None or not late.count:
        return []
    names = "、".join([*(t.name for t in late.townships), *(d.name for d in late.departments)])
    link = f"{reverse('duty:daily_reports')}?date={late.date.isoformat()}"
    return [(f"{late.date:%m月%d日}值班日报逾期未报 {late.count} 个：{names}", link)]
