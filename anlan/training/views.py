"""Training pages: registry-kit pages for courses, sessions, trainees (Excel import), certificates (即将到期),
the question bank (Excel import), exams and materials; custom pages for attendance entry in bulk, exam
candidates and results (Excel export), taking an exam (logged in, or by the signed link on the phone),
uploading a material, the training rates per unit, and the public 科普 page. Rows only through
`restrict(user, action)`: a row outside the user's scope is a 404."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core import excel
from anlan.core.errors import DomainError, shown_on
from anlan.core.kit import MenuLink, ModelConfig, register, register_link, role_may
from anlan.core.roles import COUNTY_ROLES, Role, role_allows
from anlan.core.uploads import serve_upload
from anlan.core.views import xlsx_response
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Department, Enterprise
from anlan.resources.models import RescueTeam

from . import filters, selectors, services
from .models import (
    Attempt,
    Attendance,
    Audience,
    Certificate,
    Course,
    Exam,
    Material,
    Question,
    Topic,
    Trainee,
    TrainingSession,
)

GROUP = "培训宣教"


def _attendance_table(session, user):
    rows = [
        (
            a.trainee.name,
            a.trainee.get_category_display(),
            "到课" if a.attended else "缺课",
            f"{a.hours} 学时",
            {True: "合格", False: "不合格"}.get(a.passed, "—"),
        )
        for a in Attendance.objects.filter(session=session).select_related("trainee").order_by("trainee__name")
    ]
    return [(f"参训人员（{len(rows)} 人）", ["姓名", "类别", "到课", "记入学时", "考核"], rows)]


def _certificate_table(trainee, user):
    certs = [
        (c.get_kind_display(), c.number, c.expires_on.strftime("%Y-%m-%d"))
        for c in Certificate.objects.filter(trainee=trainee).order_by("-expires_on")
    ]
    hours = [
        (a.session.title, a.session.ends_on.strftime("%Y-%m-%d"), f"{a.hours} 学时" if a.attended else "缺课")
        for a in Attendance.objects.filter(trainee=trainee).select_related("session").order_by("-session__ends_on")
    ]
    return [("证书", ["证书类别", "编号", "有效期至"], certs), ("参训记录", ["培训班", "结束日期", "学时"], hours)]


register(
    ModelConfig(
        model=Course,
        list_columns=["title", "audience", "topic", "hours", "region"],
        form_fields=["title", "audience", "topic", "hours", "outline", "region"],
        filterset_class=filters.CourseFilterSet,
        search_fields=["title", "outline"],
        selector=lambda qs: qs.select_related("region"),
        menu_group=GROUP,
        menu_order=120,
    )
)
register(
    ModelConfig(
        model=TrainingSession,
        list_columns=["title", "course", "region", "department", "starts_on", "ends_on", "hours", "capacity"],
        form_fields=[
            *("course", "title", "region", "department", "enterprise", "starts_on", "ends_on"),
            *("place", "trainer", "capacity", "hours"),
        ],
        filterset_class=filters.TrainingSessionFilterSet,
        search_fields=["title", "place", "trainer"],
        natural_keys={Department: "code", Enterprise: "credit_code"},
        selector=lambda qs: qs.select_related("course", "region", "department", "enterprise"),
        sortable=["title", "starts_on", "ends_on", "capacity"],
        detail_links=[("登记参训情况", "training:session_attendance", role_may("change", "training.TrainingSession"))],
        related_tables=_attendance_table,
        menu_group=GROUP,
        menu_order=121,
    )
)
register(
    ModelConfig(
        model=Trainee,
        list_columns=["name", "category", "unit_kind", "region", "department", "enterprise", "position", "phone"],
        form_fields=[
            *("name", "category", "unit_kind", "region", "department", "enterprise", "team", "position"),
            *("phone", "user", "person", "active"),
        ],
        import_fields=[
            *("name", "category", "unit_kind", "region", "department", "enterprise", "team", "position", "phone"),
            "active",
        ],
        filterset_class=filters.TraineeFilterSet,
        search_fields=["name", "position"],
        natural_keys={Department: "code", Enterprise: "credit_code", RescueTeam: "name"},
        selector=lambda qs: qs.select_related("region", "department", "enterprise", "team"),
        sortable=["name", "category", "region"],
        related_tables=_certificate_table,
        menu_group=GROUP,
        menu_order=122,
    )
)
register(
    ModelConfig(
        model=Certificate,
        list_columns=["trainee", "kind", "number", "issuer", "issued_on", "expires_on"],
        form_fields=["trainee", "kind", "number", "issuer", "issued_on", "expires_on"],
        filterset_class=filters.CertificateFilterSet,
        search_fields=["number", "trainee__name"],
        selector=lambda qs: qs.select_related("trainee"),
        sortable=["kind", "issued_on", "expires_on"],
        importable=False,
        menu_group=GROUP,
        menu_order=123,
    )
)
register(
    ModelConfig(
        model=Question,
        list_columns=["stem", "kind", "answer", "topic", "audience"],
        form_fields=[
            *("kind", "stem", "option_a", "option_b", "option_c", "option_d", "option_e", "option_f"),
            *("answer", "explanation", "topic", "audience", "region"),
        ],
        filterset_class=filters.QuestionFilterSet,
        search_fields=["stem", "explanation"],
        sortable=["kind", "topic"],
        menu_group=GROUP,
        menu_order=124,
    )
)
register(
    ModelConfig(
        model=Exam,
        list_columns=["title", "region", "mode", "opens_at", "closes_at", "pass_mark", "time_limit_minutes"],
        form_fields=[
            *("title", "region", "session", "mode", "questions", "draw_count", "draw_topic", "draw_audience"),
            *("pass_mark", "time_limit_minutes", "opens_at", "closes_at", "max_attempts", "partial_credit"),
            *("issue_certificate", "certificate_kind", "certificate_years"),
        ],
        filterset_class=filters.ExamFilterSet,
        search_fields=["title"],
        selector=lambda qs: qs.select_related("region"),
        detail_links=[("考生与成绩", "training:exam_results")],
        importable=False,
        menu_group=GROUP,
        menu_order=125,
    )
)
register(
    ModelConfig(
        model=Material,
        list_columns=["title", "kind", "topic", "audience", "is_public", "region"],
        form_fields=["title", "kind", "topic", "audience", "summary", "video_url", "is_public", "region"],
        detail_fields=[
            "title",
            "kind",
            "topic",
            "audience",
            "summary",
            "file_name",
            "video_url",
            "is_public",
            "region",
        ],
        filterset_class=filters.MaterialFilterSet,
        search_fields=["title", "summary"],
        selector=lambda qs: qs.select_related("region"),
        detail_links=[("查看文件", "training:material_file", lambda user, m: bool(m.file))],
        add_url="training:material_upload",
        importable=False,
        menu_group=GROUP,
        menu_order=126,
    )
)

RATE_READERS = frozenset(
    {*COUNTY_ROLES, Role.TOWNSHIP_OPERATOR, Role.DEPARTMENT_OPERATOR, Role.ENTERPRISE_USER, Role.VIEWER}
)
register_link(MenuLink(GROUP, "培训率", "training:rates", Trainee, "view", 127, roles=RATE_READERS))
register_link(MenuLink(GROUP, "我的考试", "training:my_exams", Exam, "view", 128))


# ---------------------------------------------------------------- attendance in bulk


@login_required
def session_attendance(request, pk):
    """The session's list: trainees of the course's audience in the session's unit, ticked when listed, with
    attended, hours and pass for each; one save for the whole list."""
    if not role_allows(request.user, "change", TrainingSession):
        raise PermissionDenied("您的角色不能登记参训情况")
    session = get_object_or_404(
        TrainingSession.objects.restrict(request.user, "change").select_related("course", "region"), pk=pk
    )
    existing = {a.trainee_id: a for a in Attendance.objects.filter(session=session)}
    pool = Trainee.objects.restrict(request.user).filter(active=True)
    category = request.GET.get("category", session.course.audience)
    if category in Audience.values:
        pool = pool.filter(category=category)
    if session.enterprise_id:
        pool = pool.filter(enterprise_id=session.enterprise_id)
    elif session.department_id:
        pool = pool.filter(department_id=session.department_id)
    elif session.region_id[6:9] != "000":
        pool = pool.filter(region__pk__startswith=session.region_id[:9])
    trainees = list(
        pool.select_related("region", "department", "enterprise", "team").order_by("region_id", "name")[:500]
    )
    listed_elsewhere = [pk for pk in existing if pk not in {t.pk for t in trainees}]
    if listed_elsewhere:
        trainees = (
            list(
                Trainee.objects.filter(pk__in=listed_elsewhere).select_related(
                    "region", "department", "enterprise", "team"
                )
            )
            + trainees
        )
    if request.method == "POST":
        rows = []
        for t in trainees:
            if request.POST.get(f"on-{t.pk}"):
                passed = request.POST.get(f"passed-{t.pk}", "")
                rows.append(
                    {
                        "trainee": t.pk,
                        "attended": bool(request.POST.get(f"attended-{t.pk}")),
                        "hours": request.POST.get(f"hours-{t.pk}") or 0,
                        "passed": {"1": True, "0": False}.get(passed),
                    }
                )
        with shown_on(request) as outcome:
            count = services.attendance_save(actor=request.user, session=session, rows=rows)
        if outcome.ok:
            messages.success(request, f"已保存参训名单 {count} 人")
            return redirect("training:trainingsession_detail", pk=session.pk)
    lines = [(t, existing.get(t.pk)) for t in trainees]
    return render(
        request,
        "training/attendance.html",
        {"session": session, "lines": lines, "category": category, "categories": Audience.choices},
    )


# ---------------------------------------------------------------- exams


def _exam(user, pk, action="view") -> Exam:
    return get_object_or_404(Exam.objects.restrict(user, action).select_related("region", "session"), pk=pk)


class CandidatesForm(forms.Form):
    category = forms.ChoiceField(label="人员类别", choices=[("", "全部类别"), *Audience.choices], required=False)
    township = forms.ChoiceField(label="乡镇（街道）", required=False)
    from_session = forms.BooleanField(label="只加培训班到课学员", required=False)

    def __init__(self, *args, county="", **kwargs):
        super().__init__(*args, **kwargs)
        townships = Region.objects.filter(code__startswith=county, level=RegionLevel.TOWNSHIP).order_by("code")
        self.fields["township"].choices = [("", "全部乡镇（街道）"), *((t.code, t.name) for t in townships)]


@login_required
def exam_results(request, pk):
    exam = _exam(request.user, pk)
    may_change = (
        role_allows(request.user, "change", Exam)
        and Exam.objects.restrict(request.user, "change").filter(pk=pk).exists()
    )
    form = CandidatesForm(request.POST or None, county=exam.region_id[:6])
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied("您不能修改这场考试")
        if form.is_valid():
            d = form.cleaned_data
            trainees = services.candidates_query(
                request.user,
                category=d["category"],
                township=d["township"],
                session=exam.session if d["from_session"] and exam.session_id else None,
            )
            with shown_on(request) as outcome:
                added = services.exam_add_candidates(actor=request.user, exam=exam, trainees=trainees)
            if outcome.ok:
                messages.success(request, f"已添加考生 {added} 人")
                return redirect("training:exam_results", pk=exam.pk)
    rows = services.exam_results(exam)
    if request.GET.get("format") == "xlsx":
        data = excel.table_workbook(
            "考试成绩",
            ["姓名", "单位", "类别", "考试次数", "最高分", "是否合格", "交卷时间", "考试链接"],
            [
                [
                    r["trainee"].name,
                    r["unit"],
                    r["trainee"].get_category_display(),
                    r["attempts"],
                    float(r["score"]) if r["score"] is not None else "",
                    {True: "合格", False: "不合格"}.get(r["passed"], "未参考"),
                    timezone.localtime(r["submitted_at"]).strftime("%Y-%m-%d %H:%M") if r["submitted_at"] else "",
                    request.build_absolute_uri(services.exam_link(exam, r["trainee"])) if may_change else "",
                ]
                for r in rows
            ],
        )
        return xlsx_response(data, f"考试成绩_{exam.pk}_{timezone.localdate():%Y%m%d}.xlsx")
    for r in rows:
        r["link"] = services.exam_link(exam, r["trainee"]) if may_change else ""
    return render(
        request,
        "training/exam_results.html",
        {
            "exam": exam,
            "rows": rows,
            "summary": services.exam_summary(exam),
            "state": services.exam_state(exam, timezone.now()),
            "form": form,
            "may_change": may_change,
            "mine": services.trainee_of(request.user, exam),
            "texted": len(services.exam_links_sent(exam)) if may_change else 0,
            "sms_ready": bool(settings.ANLAN_SMS_URL and settings.ANLAN_PUBLIC_URL),
        },
    )


@login_required
@require_POST
def exam_sms(request, pk):
    """短信发送考试链接: every candidate with a phone not texted yet (or all again when asked)."""
    exam = _exam(request.user, pk)
    with shown_on(request) as outcome:
        done = services.exam_send_links(actor=request.user, exam=exam, resend=request.POST.get("resend") == "1")
    if outcome.ok:
        parts = [f"已向 {done.sent} 名考生发送考试链接短信"]
        if done.already:
            parts.append(f"{done.already} 人此前已发送，未重复发送")
        if done.no_phone:
            parts.append(f"{done.no_phone} 人没有手机号码，请用其他方式通知")
        messages.success(request, "；".join(parts))
    return redirect("training:exam_results", pk=exam.pk)


@login_required
def my_exams(request):
    now = timezone.now()
    exams = list(services.open_exams_for(request.user, now).select_related("region"))
    return render(request, "training/my_exams.html", {"my_exams": exams})


def _sheet(request, exam: Exam, trainee: Trainee, via: str, *, back):
    """Start (or resume) the candidate's sitting and take the answers; one page for both ways in."""
    now = timezone.now()
    refused = None
    attempt = None
    if request.method == "POST" and request.POST.get("attempt"):
        given = request.POST["attempt"]
        attempt = Attempt.objects.filter(pk=int(given), exam=exam, trainee=trainee).first() if given.isdigit() else None
        if attempt is None:
            raise Http404
        answers = {key[2:]: request.POST.getlist(key) for key in request.POST if key.startswith("q-")}
        try:
            attempt = services.attempt_submit(attempt=attempt, answers=answers, now=now)
        except DomainError as exc:
            refused = exc.message
            attempt.refresh_from_db()
        return render(
            request, "training/exam_done.html", {"exam": exam, "attempt": attempt, "refused": refused, "back": back}
        )
    if request.method == "POST":
        try:
            attempt = services.attempt_start(exam=exam, trainee=trainee, via=via, now=now)
        except DomainError as exc:
            refused = exc.message
    done = services.attempts_of(exam, trainee).filter(submitted_at__isnull=False).order_by("-submitted_at")
    context = {
        "exam": exam,
        "trainee": trainee,
        "attempt": attempt,
        "questions": services.questions_of(attempt) if attempt else [],
        "seconds_left": max(int((attempt.due_at - now).total_seconds()), 0) if attempt else 0,
        "refused": refused,
        "done": done,
        "state": services.exam_state(exam, now),
        "used": done.count(),
    }
    return render(request, "training/exam_sheet.html", context, status=400 if refused else 200)


@login_required
def exam_take(request, pk):
    exam = get_object_or_404(Exam.objects.filter(candidates__user=request.user).distinct(), pk=pk)
    trainee = services.trainee_of(request.user, exam)
    return _sheet(request, exam, trainee, Attempt.Via.LOGIN, back="training:my_exams")


def exam_public(request, token):
    """The candidate's phone page: the signed link is the credential (most candidates have no account)."""
    found = services.read_exam_token(token)
    if found is None:
        raise Http404
    exam = get_object_or_404(Exam.objects.select_related("region"), pk=found[0])
    trainee = get_object_or_404(exam.candidates.all(), pk=found[1])
    return _sheet(request, exam, trainee, Attempt.Via.LINK, back="")


# ---------------------------------------------------------------- materials


class MaterialForm(forms.ModelForm):
    upload = forms.FileField(label="文件", required=False, help_text="文档：PDF、Word、PowerPoint；图片：JPEG、PNG")

    class Meta:
        model = Material
        fields = ["title", "kind", "topic", "audience", "summary", "video_url", "is_public", "region"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from anlan.core.kit import regions_writable_by

        self.fields["region"].queryset = regions_writable_by(user).exclude(level=RegionLevel.VILLAGE)
        if user is not None and user.region_id:
            self.fields["region"].initial = user.region_id


@login_required
def material_add(request):
    if not role_allows(request.user, "add", Material):
        raise PermissionDenied("您的角色不能上传宣教素材")
    form = MaterialForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            material = services.material_create(
                actor=request.user, material=form.save(commit=False), upload=form.cleaned_data.get("upload")
            )
        if outcome.ok:
            messages.success(request, "素材已保存")
            return redirect("training:material_detail", pk=material.pk)
    return render(request, "training/material_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def material_file(request, pk):
    material = get_object_or_404(Material.objects.restrict(request.user), pk=pk)
    return serve_upload(material.file, material.file_name)


def public_material_file(request, pk):
    material = get_object_or_404(Material.objects.filter(is_public=True).exclude(file=""), pk=pk)
    return serve_upload(material.file, material.file_name)


def kepu(request):
    """科普 (no login): public materials only, filtered by hazard and audience; built for the phone."""
    qs = Material.objects.filter(is_public=True).order_by("-created_at", "-id")
    topic = request.GET.get("topic", "")
    audience = request.GET.get("audience", "")
    if topic in Topic.values:
        qs = qs.filter(topic=topic)
    if audience == "public":
        qs = qs.filter(audience="")
    elif audience in Audience.values:
        qs = qs.filter(audience=audience)
    return render(
        request,
        "training/kepu.html",
        {
            "materials": list(qs[:200]),
            "topic": topic,
            "audience": audience,
            "topics": Topic.choices,
            "audiences": [("public", "社会公众"), *Audience.choices],
        },
    )


# ---------------------------------------------------------------- training rates


@login_required
def rates(request):
    if not (request.user.is_superuser or request.user.role in RATE_READERS):
        raise PermissionDenied("您的角色不查看培训率")
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = year if 2019 <= year <= today.year else today.year
    category = request.GET.get("category", "")
    categories = [category] if category in Audience.values else []
    start, end = selectors.year_span(year)
    trainees = Trainee.objects.restrict(request.user)
    units = selectors.unit_rates(trainees, start, end, categories)
    done, total = selectors.overall(trainees, start, end, categories)
    overall = (Decimal(done) * 100 / total).quantize(Decimal("0.1")) if total else None
    required = [(label, selectors.required_hours(value)) for value, label in Audience.choices]
    return render(
        request,
        "training/rates.html",
        {
            "units": units,
            "year": year,
            "years": list(range(today.year, 2019, -1)),
            "category": category,
            "categories": Audience.choices,
            "done": done,
            "total": total,
            "overall": overall,
            "required": required,
        },
    )
