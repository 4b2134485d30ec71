"""Writes of the training app, each in one transaction and audited: attendance entered in bulk, exam
candidates, attempts started and submitted (scored by `scoring`, certificates issued or renewed on a pass),
materials uploaded through core.uploads, and the daily reminder of expiring certificates (站内消息)."""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.audit import AuditItem, append, audit_record, snapshot
from anlan.core.errors import DomainError
from anlan.core.labels import register_actions
from anlan.core.regioncodes import region_prefix, township_of
from anlan.core.roles import COUNTY_ROLES, Role, role_allows
from anlan.core.services import object_create
from anlan.core.uploads import UploadRejected, check_upload
from anlan.inbox.services import Message, notify_many
from anlan.notify import recipients
from anlan.notify.models import Delivery, Notice, NoticeText

from . import scoring
from .models import Attempt, Attendance, Certificate, Exam, Material, Question, Trainee, TrainingSession

register_actions(
    {
        "attendance_save": "登记参训情况",
        "exam_candidates": "添加考生",
        "exam_start": "开始考试",
        "exam_submit": "交卷",
        "certificate_issue": "考试合格发证",
        "certificate_renew": "考试合格续证",
        "certificate_reminder": "证书到期提醒",
        "exam_links_sms": "短信发送考试链接",
    }
)

EXAM_SALT = "anlan.training-exam"
# A submission this long after the time limit still counts (the page's own clock and the network).
GRACE = dt.timedelta(seconds=60)
# Days before expiry at which the holder and the unit are reminded, once each.
REMINDER_DAYS = (90, 30, 7)
EXPIRING_DAYS = 90


# ---------------------------------------------------------------- attendance


def _session_for_change(actor, session: TrainingSession) -> TrainingSession:
    if not role_allows(actor, "change", TrainingSession):
        raise DomainError("training.session_denied", "您的角色不能登记培训班的参训情况", status=403)
    found = TrainingSession.objects.restrict(actor, "change").filter(pk=session.pk).first()
    if found is None:
        raise DomainError("training.session_outside", "该培训班不在您的管辖范围内", status=404)
    return found


def _decimal(value, label: str) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        raise DomainError("training.hours_invalid", f"{label}的学时不是数字") from None


@transaction.atomic
def attendance_save(*, actor, session: TrainingSession, rows: list[dict]) -> int:
    """Record who took part in `session` at once: each row {trainee: id, attended, hours, passed}. A trainee
    listed before and not now is taken off. Hours are between 0 and the session's hours, 0 when absent. All
    rows are checked before anything is written; returns the number of trainees on the list."""
    session = _session_for_change(actor, session)
    ids = [int(r["trainee"]) for r in rows]
    if len(ids) != len(set(ids)):
        raise DomainError("training.attendance_duplicate", "同一人员在名单中出现了两次")
    trainees = {t.pk: t for t in Trainee.objects.restrict(actor).filter(pk__in=ids)}
    if len(trainees) != len(ids):
        raise DomainError("training.attendance_trainee", "名单中有不在您管辖范围内的人员")
    if len(ids) > session.capacity:
        raise DomainError("training.attendance_capacity", f"参训人数 {len(ids)} 人超过计划人数 {session.capacity} 人")
    cleaned = []
    for r in rows:
        trainee = trainees[int(r["trainee"])]
        attended = bool(r.get("attended"))
        hours = _decimal(r.get("hours"), trainee.name) if attended else Decimal(0)
        if hours < 0 or hours > session.hours:
            raise DomainError("training.hours_range", f"{trainee.name}的记入学时应在 0 到 {session.hours} 学时之间")
        passed = r.get("passed")
        cleaned.append((trainee.pk, attended, hours, None if passed in (None, "") else bool(passed)))
    existing = {a.trainee_id: a for a in Attendance.objects.filter(session=session)}
    removed = [a.pk for tid, a in existing.items() if tid not in trainees]
    Attendance.objects.filter(pk__in=removed).delete()
    changed, fresh = [], []
    for tid, attended, hours, passed in cleaned:
        row = existing.get(tid)
        if row is None:
            fresh.append(Attendance(session=session, trainee_id=tid, attended=attended, hours=hours, passed=passed))
        elif (row.attended, row.hours, row.passed) != (attended, hours, passed):
            row.attended, row.hours, row.passed = attended, hours, passed
            changed.append(row)
    Attendance.objects.bulk_create(fresh, batch_size=1000)
    Attendance.objects.bulk_update(changed, ["attended", "hours", "passed"], batch_size=1000)
    audit_record(
        action="attendance_save",
        obj=session,
        actor=actor,
        after={
            "listed": len(cleaned),
            "attended": sum(1 for c in cleaned if c[1]),
            "added": len(fresh),
            "changed": len(changed),
            "removed": len(removed),
        },
    )
    return len(cleaned)


# ---------------------------------------------------------------- certificates


def expiring(queryset, today: dt.date, days: int = EXPIRING_DAYS):
    """Certificates of `queryset` expiring from today to `days` days on (the 即将到期 list)."""
    return queryset.filter(expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=days))


def _unit_officers(trainees: list[Trainee]) -> dict[int, set[int]]:
    """Trainee id → active users who keep the trainee's unit: the enterprise's users for an enterprise's staff,
    the department's operators for a department's, the township's operators for the rest (one query)."""
    users = list(
        User.objects.filter(
            is_active=True,
            role__in=[Role.ENTERPRISE_USER, Role.DEPARTMENT_OPERATOR, Role.TOWNSHIP_OPERATOR],
        ).values_list("pk", "role", "region_id", "department_id", "enterprise_id")
    )
    found: dict[int, set[int]] = {}
    for t in trainees:
        township = township_of(t.region_id) or ""
        ids = set()
        for pk, role, region, department, enterprise in users:
            if t.unit_kind == Trainee.UnitKind.ENTERPRISE:
                hit = role == Role.ENTERPRISE_USER and enterprise == t.enterprise_id
            elif t.unit_kind == Trainee.UnitKind.DEPARTMENT:
                hit = role == Role.DEPARTMENT_OPERATOR and department == t.department_id
            else:
                hit = role == Role.TOWNSHIP_OPERATOR and bool(township) and region == township
            if hit:
                ids.add(pk)
        if t.user_id:
            ids.add(t.user_id)
        found[t.pk] = ids
    return found


def reminder_job(today: dt.date) -> str:
    """Daily: remind the holder (when linked to an account) and the unit's keepers of each certificate whose
    days left reach 90, 30 or 7 — once per certificate, expiry date and stage (the inbox's dedupe key)."""
    due = list(
        expiring(Certificate.objects.all(), today, max(REMINDER_DAYS)).select_related("trainee", "trainee__region")
    )
    pairs = []
    stages = sorted(REMINDER_DAYS)
    holders = _unit_officers([c.trainee for c in due])
    link = reverse("training:certificate_list") + "?expiring=true"
    for cert in due:
        left = (cert.expires_on - today).days
        stage = next(s for s in stages if left <= s)
        message = Message(
            category="task",
            title=f"证书即将到期：{cert.trainee.name}的{cert.get_kind_display()}（剩 {left} 天）",
            body=f"证书编号 {cert.number}，有效期至 {cert.expires_on:%Y-%m-%d}，请及时安排复训或换证。",
            link=link,
            dedupe_key=f"training-cert:{cert.pk}:{cert.expires_on:%Y%m%d}:{stage}",
        )
        pairs.extend((user_id, message) for user_id in holders[cert.trainee_id])
    sent = notify_many(pairs)
    if sent:
        append(
            [AuditItem("certificate_reminder", "training.certificate", "", f"{sent} 条提醒", "", None, {"sent": sent})],
            actor="系统",
        )
    return f"即将到期证书 {len(due)} 本，发出提醒 {sent} 条"


def _certificate_number(exam: Exam, today: dt.date) -> str:
    prefix = f"PX{today:%Y}-{exam.pk:04d}-"
    used = Certificate.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{used + 1:04d}"


def _issue_certificate(exam: Exam, trainee: Trainee, today: dt.date, actor) -> Certificate:
    """Renew the trainee's certificate of the exam's kind (latest first), or issue one."""
    expires = _add_years(today, exam.certificate_years)
    cert = (
        Certificate.objects.select_for_update()
        .filter(trainee=trainee, kind=exam.certificate_kind)
        .order_by("-expires_on")
        .first()
    )
    if cert is not None:
        before = snapshot(cert)
        cert.issued_on, cert.expires_on, cert.exam = today, expires, exam
        cert.save(update_fields=["issued_on", "expires_on", "exam", "updated_at"])
        audit_record(action="certificate_renew", obj=cert, actor=actor, before=before, after=snapshot(cert))
        return cert
    cert = Certificate.objects.create(
        trainee=trainee,
        kind=exam.certificate_kind,
        number=_certificate_number(exam, today),
        issuer=exam.region.name,
        issued_on=today,
        expires_on=expires,
        exam=exam,
    )
    audit_record(action="certificate_issue", obj=cert, actor=actor, after=snapshot(cert))
    return cert


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# ---------------------------------------------------------------- exams


def exam_token(exam: Exam, trainee: Trainee) -> str:
    """The candidate's link credential: exam and trainee ids, signed (stable, so a resent link is the same)."""
    return signing.Signer(salt=EXAM_SALT).sign(f"{exam.pk}.{trainee.pk}")


def read_exam_token(token: str) -> tuple[int, int] | None:
    try:
        exam_id, trainee_id = signing.Signer(salt=EXAM_SALT).unsign(token).split(".")
        return int(exam_id), int(trainee_id)
    except (signing.BadSignature, ValueError, TypeError):
        return None


def exam_link(exam: Exam, trainee: Trainee) -> str:
    return reverse("training_exam_public", kwargs={"token": exam_token(exam, trainee)})


def exam_link_topic(exam: Exam) -> str:
    return f"exam:{exam.pk}:link"


def exam_links_sent(exam: Exam) -> set[int]:
    """Trainee ids the exam's link was texted to (queued or sent; a failed SMS does not count): one query."""
    keys = (
        Delivery.objects.filter(notice__topic=exam_link_topic(exam), channel="sms")
        .exclude(status=Delivery.Status.FAILED)
        .values_list("recipient_key", flat=True)
    )
    return {int(k.partition(":")[2]) for k in keys if k.startswith("trainee:")}


@dataclass(frozen=True)
class LinksSent:
    sent: int  # texted now
    already: int  # skipped: texted before (not asked to resend)
    no_phone: int  # skipped: no phone number


@transaction.atomic
def exam_send_links(*, actor, exam: Exam, resend: bool = False) -> LinksSent:
    """短信发送考试链接: each candidate with a phone gets a text with their own signed link, as one notice with a
    text per candidate, enqueued in bulk to notify's outbox (sent by the worker after the commit). Candidates
    already texted are skipped unless `resend`; a failed SMS is sent again."""
    if not role_allows(actor, "change", Exam) or not Exam.objects.restrict(actor, "change").filter(pk=exam.pk).exists():
        raise DomainError("training.exam_denied", "您不能修改这场考试", status=403)
    if not settings.ANLAN_SMS_URL:
        raise DomainError("training.sms_unavailable", "未配置短信网关，不能发送短信；请导出成绩表，把链接发给考生")
    if not settings.ANLAN_PUBLIC_URL:
        raise DomainError(
            "training.public_url_missing", "未配置平台公网地址（ANLAN_PUBLIC_URL），考生在手机上打不开链接，不能发送"
        )
    if exam.closes_at <= timezone.now():
        raise DomainError("training.exam_closed", "考试已截止，不再发送考试链接")
    Exam.objects.select_for_update().filter(pk=exam.pk).first()  # two clicks at once: the second waits, then skips
    candidates = list(exam.candidates.only("pk", "name", "region_id", "phone").order_by("pk"))
    done = set() if resend else exam_links_sent(exam)
    with_phone = [t for t in candidates if t.phone]
    todo = [t for t in with_phone if t.pk not in done]
    result = LinksSent(sent=len(todo), already=len(with_phone) - len(todo), no_phone=len(candidates) - len(with_phone))
    if todo:
        window = (
            f"{timezone.localtime(exam.opens_at):%m月%d日%H:%M}至{timezone.localtime(exam.closes_at):%m月%d日%H:%M}"
        )
        notice = Notice.objects.create(
            topic=exam_link_topic(exam),
            title=f"考试通知：{exam.title}"[:200],
            link=reverse("training:exam_results", kwargs={"pk": exam.pk}),
        )
        minutes = exam.time_limit_minutes
        head = f"【考试通知】请参加在线考试“{exam.title[:60]}”，{window}，限时{minutes}分钟。本人专用链接："
        NoticeText.objects.bulk_create(
            [
                NoticeText(
                    notice=notice,
                    key=f"trainee:{t.pk}",
                    text=f"{head}{settings.ANLAN_PUBLIC_URL}{exam_link(exam, t)}"[:300],
                )
                for t in todo
            ]
        )
        recipients.enqueue(
            notice,
            [recipients.Recipient(f"trainee:{t.pk}", t.name[:100], t.region_id, "candidate", "sms") for t in todo],
            variant=lambda r: r.key,
        )
    audit_record(
        action="exam_links_sms",
        obj=exam,
        actor=actor,
        after={"sent": result.sent, "already": result.already, "no_phone": result.no_phone, "resend": resend},
    )
    return result


def exam_state(exam: Exam, now: dt.datetime) -> str:
    if now < exam.opens_at:
        return "未开考"
    if now > exam.closes_at:
        return "已截止"
    return "考试中"


@transaction.atomic
def exam_add_candidates(*, actor, exam: Exam, trainees) -> int:
    """Add trainees (a queryset already limited to the actor's scope) as candidates; returns how many were new."""
    if not role_allows(actor, "change", Exam) or not Exam.objects.restrict(actor, "change").filter(pk=exam.pk).exists():
        raise DomainError("training.exam_denied", "您不能修改这场考试", status=403)
    have = set(exam.candidates.values_list("pk", flat=True))
    new = [pk for pk in trainees.values_list("pk", flat=True) if pk not in have]
    Exam.candidates.through.objects.bulk_create(
        [Exam.candidates.through(exam_id=exam.pk, trainee_id=pk) for pk in new], batch_size=2000
    )
    audit_record(action="exam_candidates", obj=exam, actor=actor, after={"added": len(new)})
    return len(new)


def question_pool(exam: Exam):
    """The questions an exam may draw: the bank of its county (and the exam's region), by its topic and
    audience (the audience's questions and the general ones)."""
    pool = Question.objects.filter(region__pk__startswith=exam.region_id[:6])
    if exam.draw_topic:
        pool = pool.filter(topic=exam.draw_topic)
    if exam.draw_audience:
        pool = pool.filter(Q(audience=exam.draw_audience) | Q(audience=""))
    return pool


def _paper(exam: Exam) -> list[int]:
    if exam.mode == Exam.Mode.FIXED:
        ids = list(exam.questions.order_by("pk").values_list("pk", flat=True))
    else:
        pool = list(question_pool(exam).values_list("pk", flat=True))
        ids = random.SystemRandom().sample(pool, min(exam.draw_count, len(pool)))
    if not ids:
        raise DomainError("training.exam_empty", "这场考试没有可用的试题，请联系组织单位")
    return ids


def attempts_of(exam: Exam, trainee: Trainee):
    return Attempt.objects.filter(exam=exam, trainee=trainee)


@transaction.atomic
def attempt_start(*, exam: Exam, trainee: Trainee, via: str, now: dt.datetime | None = None) -> Attempt:
    """Open a sitting, or return the one still running. Refused outside the window, to a non-candidate, after
    a pass, and when the attempts are used up."""
    now = now or timezone.now()
    trainee = Trainee.objects.select_for_update().get(pk=trainee.pk)  # one start at a time per candidate
    if not exam.candidates.filter(pk=trainee.pk).exists():
        raise DomainError("training.not_candidate", "您不在这场考试的考生名单中", status=403)
    running = attempts_of(exam, trainee).filter(submitted_at__isnull=True, due_at__gt=now - GRACE).first()
    if running is not None:
        return running
    state = exam_state(exam, now)
    if state != "考试中":
        raise DomainError("training.exam_closed", f"考试{state}（考试时间 {_window(exam)}）")
    done = list(attempts_of(exam, trainee).values_list("passed", flat=True))
    if any(done):
        raise DomainError("training.exam_passed", "您已通过这场考试，无需再考")
    if len(done) >= exam.max_attempts:
        raise DomainError("training.exam_attempts", f"您已用完 {exam.max_attempts} 次考试机会")
    _close_abandoned(exam, trainee, now)
    due = min(now + dt.timedelta(minutes=exam.time_limit_minutes), exam.closes_at)
    attempt = Attempt.objects.create(
        exam=exam, trainee=trainee, via=via, question_ids=_paper(exam), started_at=now, due_at=due
    )
    audit_record(action="exam_start", obj=attempt, actor=_candidate(trainee, via), after={"exam": exam.pk})
    return attempt


def _window(exam: Exam) -> str:
    opens, closes = timezone.localtime(exam.opens_at), timezone.localtime(exam.closes_at)
    return f"{opens:%m-%d %H:%M} 至 {closes:%m-%d %H:%M}"


def _candidate(trainee: Trainee, via: str) -> str:
    return f"{trainee.name}（考生）" if via == Attempt.Via.LINK else f"{trainee.name}"


def _close_abandoned(exam: Exam, trainee: Trainee, now: dt.datetime) -> None:
    """Sittings left open past their time limit are closed as timed out with no score (audited)."""
    abandoned = list(attempts_of(exam, trainee).filter(submitted_at__isnull=True, due_at__lte=now - GRACE))
    if not abandoned:
        return
    Attempt.objects.filter(pk__in=[a.pk for a in abandoned]).update(
        submitted_at=now, timed_out=True, score=Decimal(0), passed=False, correct=0
    )
    append(
        [
            AuditItem("exam_submit", "training.attempt", str(a.pk), str(a), exam.region_id, None, {"timed_out": True})
            for a in abandoned
        ],
        actor="系统",
    )


def questions_of(attempt: Attempt) -> list[Question]:
    """The attempt's questions in the order drawn (one query)."""
    by_id = Question.objects.in_bulk(attempt.question_ids)
    return [by_id[pk] for pk in attempt.question_ids if pk in by_id]


@transaction.atomic
def attempt_submit(*, attempt: Attempt, answers: dict, now: dt.datetime | None = None) -> Attempt:
    """Hand in: answers {question id (str): letters or list}. After the time limit (and a minute's grace) the
    sheet is not accepted: the sitting is returned `timed_out`, with no score. A pass issues or renews the
    exam's certificate when the exam says so."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().select_related("exam", "exam__region", "trainee").get(pk=attempt.pk)
    if attempt.submitted_at is not None:
        raise DomainError("training.exam_submitted", "这次考试已经交卷")
    exam = attempt.exam
    if now > attempt.due_at + GRACE:
        attempt.submitted_at, attempt.timed_out = now, True
        attempt.score, attempt.passed, attempt.correct = Decimal(0), False, 0
        attempt.save()
        audit_record(
            action="exam_submit", obj=attempt, actor=_candidate(attempt.trainee, attempt.via), after={"timed_out": True}
        )
        return attempt  # kept as timed out (a refusal raised here would roll that back): the page says so
    questions = questions_of(attempt)
    given = [answers.get(str(q.pk)) for q in questions]
    result = scoring.score_sheet(
        [scoring.Key(q.kind, q.answer) for q in questions],
        given,
        pass_mark=exam.pass_mark,
        partial_credit=exam.partial_credit,
    )
    attempt.answers = {str(q.pk): scoring.given_letters(q.kind, g) for q, g in zip(questions, given, strict=True)}
    attempt.submitted_at = now
    attempt.correct, attempt.score, attempt.passed = result.correct, result.score, result.passed
    attempt.save()
    who = _candidate(attempt.trainee, attempt.via)
    audit_record(
        action="exam_submit", obj=attempt, actor=who, after={"score": str(result.score), "passed": result.passed}
    )
    if result.passed and exam.issue_certificate:
        _issue_certificate(exam, attempt.trainee, timezone.localdate(now), who)
    return attempt


def exam_results(exam: Exam) -> list[dict]:
    """One row per candidate: attempts used, best score, passed or not (two queries)."""
    attempts = list(Attempt.objects.filter(exam=exam, submitted_at__isnull=False).order_by("trainee_id", "-score"))
    best: dict[int, Attempt] = {}
    used: dict[int, int] = {}
    for a in attempts:
        best.setdefault(a.trainee_id, a)
        used[a.trainee_id] = used.get(a.trainee_id, 0) + 1
    rows = []
    for t in exam.candidates.select_related("region", "department", "enterprise", "team").order_by("region_id", "name"):
        a = best.get(t.pk)
        rows.append(
            {
                "trainee": t,
                "unit": t.unit_label,
                "attempts": used.get(t.pk, 0),
                "score": a.score if a else None,
                "passed": a.passed if a else None,
                "submitted_at": a.submitted_at if a else None,
                "timed_out": a.timed_out if a else False,
            }
        )
    return rows


def exam_summary(exam: Exam) -> dict:
    rows = exam_results(exam)
    taken = [r for r in rows if r["attempts"]]
    passed = sum(1 for r in taken if r["passed"])
    return {
        "candidates": len(rows),
        "taken": len(taken),
        "passed": passed,
        "pass_rate": round(passed * 100 / len(taken), 1) if taken else None,
    }


def open_exams_for(user, now: dt.datetime | None = None):
    """Exams open now for which one of the user's trainee records is a candidate, not yet passed."""
    now = now or timezone.now()
    return (
        Exam.objects.filter(opens_at__lte=now, closes_at__gte=now, candidates__user=user)
        .exclude(attempts__trainee__user=user, attempts__passed=True)
        .distinct()
    )


def trainee_of(user, exam: Exam) -> Trainee | None:
    return exam.candidates.filter(user=user).first()


# ---------------------------------------------------------------- materials

DOCUMENT_TYPES = ("pdf", "docx", "pptx")


@transaction.atomic
def material_create(*, actor, material: Material, upload=None) -> Material:
    """A material with its file checked by content (images re-encoded; documents PDF, Word or PowerPoint;
    size limited by core.uploads); a video names its address instead of a file."""
    if material.kind != Material.Kind.VIDEO:
        if upload is None:
            raise DomainError("training.material_file", "请选择要上传的文件", field="file")
        try:
            checked = check_upload(upload, images_only=material.kind == Material.Kind.IMAGE)
        except UploadRejected as exc:
            raise DomainError("training.material_file", str(exc), field="file") from None
        if material.kind == Material.Kind.DOCUMENT and checked.extension not in DOCUMENT_TYPES:
            raise DomainError("training.material_file", "文档素材只接受 PDF、Word 或 PowerPoint 文件", field="file")
        material.file = checked.as_file()
        material.file_name = checked.display_name
    elif upload is not None:
        raise DomainError("training.material_file", "视频素材请填写视频地址，不上传文件", field="file")
    return object_create(actor=actor, instance=material)


def county_roles_only(user) -> bool:
    return bool(user.is_superuser or user.role in COUNTY_ROLES)


def candidates_query(actor, *, category: str = "", township: str = "", session: TrainingSession | None = None):
    """Trainees the actor may add to an exam: in scope, active, by category, township or a session's attendees."""
    qs = Trainee.objects.restrict(actor).filter(active=True)
    if category:
        qs = qs.filter(category=category)
    if township:
        qs = qs.filter(region__pk__startswith=region_prefix(township))
    if session is not None:
        qs = qs.filter(attendances__session=session, attendances__attended=True)
    return qs


def attendance_counts(sessions) -> dict[int, tuple[int, int]]:
    """Session id → (listed, attended), one query."""
    rows = (
        Attendance.objects.filter(session__in=sessions)
        .values("session_id")
        .annotate(n=Count("id"), a=Count("id", filter=Q(attended=True)))
    )
    return {r["session_id"]: (r["n"], r["a"]) for r in rows}
