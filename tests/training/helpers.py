"""Builders for the training tests: trainees, sessions with attendance, questions and exams."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from anlan.training.models import Attendance, Course, Exam, Question, Trainee, TrainingSession


def trainee(region, name="张三", category="grid", unit_kind="township", **extra) -> Trainee:
    return Trainee.objects.create(name=name, category=category, unit_kind=unit_kind, region=region, **extra)


def course(county, audience="grid", hours="8") -> Course:
    return Course.objects.create(
        title="网格员防汛培训", audience=audience, topic="flood", hours=Decimal(hours), region=county
    )


def session(region, course_, ends_on=None, hours="8", capacity=50, **extra) -> TrainingSession:
    ends_on = ends_on or timezone.localdate()
    return TrainingSession.objects.create(
        course=course_,
        title=f"{course_.title}（{ends_on:%m月}）",
        region=region,
        starts_on=ends_on - dt.timedelta(days=1),
        ends_on=ends_on,
        place="县应急管理局会议室",
        trainer="李老师",
        capacity=capacity,
        hours=Decimal(hours),
        **extra,
    )


def attend(session_, trainee_, hours, attended=True) -> Attendance:
    return Attendance.objects.create(session=session_, trainee=trainee_, attended=attended, hours=Decimal(str(hours)))


def questions(county) -> list[Question]:
    rows = [
        {
            "kind": "single",
            "stem": "生产经营单位的主要负责人对本单位安全生产工作负什么责任？",
            "option_a": "部分责任",
            "option_b": "全面责任",
            "option_c": "领导责任",
            "answer": "B",
            "topic": "safety",
        },
        {
            "kind": "multiple",
            "stem": "山洪来临前应当怎样做？",
            "option_a": "向高处转移",
            "option_b": "沿河谷顺流跑",
            "option_c": "听从村干部指挥",
            "option_d": "带好随身必需品",
            "answer": "ACD",
            "topic": "flood",
        },
        {
            "kind": "truefalse",
            "stem": "发现山火后应立即拨打 12119 森林火警电话。",
            "answer": "对",
            "topic": "forest_fire",
        },
    ]
    made = []
    for r in rows:
        q = Question(region=county, **r)
        q.full_clean()
        q.save()
        made.append(q)
    return made


def exam(county, qs, *, candidates=(), **extra) -> Exam:
    now = timezone.now()
    fields = {
        "title": "防汛知识考试",
        "region": county,
        "mode": Exam.Mode.FIXED,
        "pass_mark": 60,
        "time_limit_minutes": 30,
        "opens_at": now - dt.timedelta(hours=1),
        "closes_at": now + dt.timedelta(days=3),
        "max_attempts": 2,
    }
    fields.update(extra)
    e = Exam.objects.create(**fields)
    e.questions.set(qs)
    e.candidates.set(candidates)
    return e


def right_answers(qs) -> dict:
    return {str(q.pk): list(q.answer) if q.kind == "multiple" else q.answer for q in qs}
