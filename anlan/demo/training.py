"""Demo 培训与宣教 (issue 19 item 5): the county's courses, a year of sessions for every audience, about 800
trainees (cadres of the departments and townships, a grid worker per village, the principals and safety managers
of the enterprises, rescue team members) with their attendance — most reach the year's required hours, some do
not —, certificates of the enterprises' people and rescuers (a few expiring within 90 days, a few already
expired), the question bank (anlan/demo/training_questions.py, real content), one exam of the grid workers open
now with its results, and the 宣教素材库 (posters and documents generated here, videos by address; most public).

Bulk writes only (objects_bulk_create, audited), seeded random, dates relative to today: the test county loads
this part in every run."""

import datetime as dt
import io
from decimal import Decimal

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.roles import Role
from anlan.core.services import objects_bulk_create
from anlan.core.uploads import check_upload
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Enterprise
from anlan.resources.models import RescueTeam
from anlan.training import scoring
from anlan.training.models import (
    Attempt,
    Attendance,
    Certificate,
    Course,
    Exam,
    Material,
    Question,
    Trainee,
    TrainingSession,
)

from .training_questions import QUESTIONS

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟"
    "姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞波斌宇浩凯健俊帆鑫琳晨辉欣怡婷雪梅春松林峰"
COURSES = [
    ("领导干部应急管理能力专题培训", "cadre", "general", "12"),
    ("应急干部安全生产执法业务培训", "cadre", "safety", "12"),
    ("网格员隐患排查与信息报告培训", "grid", "general", "8"),
    ("网格员防汛和地质灾害避险培训", "grid", "flood", "8"),
    ("企业主要负责人安全生产再培训", "principal", "safety", "12"),
    ("安全管理人员安全生产再培训", "safety", "safety", "12"),
    ("救援队伍山洪和地质灾害救援技能培训", "rescue", "rescue", "24"),
    ("救援队伍森林火灾扑救技能培训", "rescue", "forest_fire", "24"),
]
MATERIALS = [
    ("山洪灾害避险明白卡", "image", "flood", "", True),
    ("暴雨预警信号及防御指南", "image", "flood", "", True),
    ("地质灾害识别与避险挂图", "image", "geo", "", True),
    ("森林防火“十不准”宣传画", "image", "forest_fire", "", True),
    ("地震应急避险常识", "image", "quake", "", True),
    ("家庭应急物资储备建议清单", "document", "general", "", True),
    ("企业主要负责人安全生产职责要点", "document", "safety", "principal", True),
    ("网格员隐患排查工作手册", "document", "general", "grid", False),
    ("安全管理人员培训课件（内部）", "document", "safety", "safety", False),
    ("应急科普视频：山洪来了怎么办", "video", "flood", "", True),
    ("应急科普视频：森林火灾自救", "video", "forest_fire", "", True),
    ("应急科普视频：心肺复苏操作", "video", "rescue", "", True),
]
VIDEO_URL = "https://www.mem.gov.cn/kp/"  # 应急管理部 应急科普 channel (the videos stay where they are streamed)
COLOURS = ["#1f5fa8", "#c0392b", "#2e8b57", "#d35400", "#6c3483", "#117a65"]


class _Names:
    def __init__(self, rng):
        self.rng = rng

    def __call__(self) -> str:
        given = "".join(self.rng.choice(list(GIVEN), size=int(self.rng.integers(1, 3))))
        return str(self.rng.choice(list(SURNAMES))) + given

    def phone(self) -> str:
        return "1990019" + "".join(str(d) for d in self.rng.integers(0, 10, size=4))  # the demo's 199 blocks


def _poster(title: str, colour: str) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 840), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 600, 160], fill=colour)
    draw.rectangle([40, 220, 560, 760], outline=colour, width=8)
    for i in range(6):
        draw.rectangle([80, 270 + i * 80, 520, 310 + i * 80], fill=colour if i % 2 == 0 else "#dddddd")
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile(f"{title}.png", out.getvalue())


def _document(title: str, summary: str) -> SimpleUploadedFile:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph(summary)
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile(f"{title}.docx", out.getvalue())


def load(*, actor, county, townships, departments, today: dt.date | None = None, seed: int = 42) -> dict[str, int]:
    today = today or timezone.localdate()
    now = timezone.now()
    rng = np.random.default_rng(seed + 19005)
    name = _Names(rng)
    townships = sorted(townships, key=lambda t: t.code)
    jan1 = dt.date(today.year, 1, 1)
    span = max((today - jan1).days - 3, 1)

    courses = objects_bulk_create(
        actor=actor,
        model=Course,
        instances=[
            Course(
                title=t,
                audience=a,
                topic=p,
                hours=Decimal(h),
                region=county,
                outline=f"{t}：法规要求、典型案例、实操要点。",
                synthetic=True,
            )
            for t, a, p, h in COURSES
        ],
    )
    by_audience: dict[str, list[Course]] = {}
    for c in courses:
        by_audience.setdefault(c.audience, []).append(c)

    # ---- trainees
    trainees: list[Trainee] = []

    def add(category, unit_kind, region_id, **extra):
        trainees.append(
            Trainee(
                name=name(),
                category=category,
                unit_kind=unit_kind,
                region_id=region_id,
                phone=name.phone(),
                synthetic=True,
                **extra,
            )
        )

    for d in departments:
        for position in ("分管负责人", "业务骨干"):
            add("cadre", Trainee.UnitKind.DEPARTMENT, d.region_id, department=d, position=position)
    for t in townships:
        for position in ("党委书记", "乡镇长", "分管应急副职", "应急办主任"):
            add("cadre", Trainee.UnitKind.TOWNSHIP, t.code, position=position)
    villages = list(Region.objects.filter(code__startswith=county.code[:6], level=RegionLevel.VILLAGE).order_by("code"))
    for v in villages[:300]:
        add("grid", Trainee.UnitKind.TOWNSHIP, v.code, position="网格员")
    enterprises = list(Enterprise.objects.filter(region__pk__startswith=county.code[:6]).order_by("pk")[:110])
    for e in enterprises:
        add("principal", Trainee.UnitKind.ENTERPRISE, e.region_id, enterprise=e, position="主要负责人")
        add("safety", Trainee.UnitKind.ENTERPRISE, e.region_id, enterprise=e, position="安全管理人员")
    teams = list(RescueTeam.objects.filter(region__pk__startswith=county.code[:6]).order_by("pk"))
    rescuers = 0
    for team in teams:
        for _ in range(min(6, 130 - rescuers)):
            add("rescue", Trainee.UnitKind.TEAM, team.region_id, team=team, position="队员")
            rescuers += 1
    trainees = objects_bulk_create(actor=actor, model=Trainee, instances=trainees)
    grid_user = (
        User.objects.filter(role=Role.VILLAGE_WORKER, region__pk__startswith=county.code[:6]).order_by("pk").first()
    )
    if grid_user is not None:  # the demo's grid worker takes the open exam logged in (我的考试)
        mine = next((t for t in trainees if t.category == "grid" and t.region_id == grid_user.region_id), None)
        if mine is not None:
            Trainee.objects.filter(pk=mine.pk).update(user=grid_user, name=grid_user.get_full_name() or mine.name)
            mine.user_id = grid_user.pk

    # ---- sessions: each audience's sessions spread over the year so far
    sessions: list[TrainingSession] = []
    plan: list[tuple[TrainingSession, list[Trainee]]] = []

    def day(i, n):
        return jan1 + dt.timedelta(days=span * (i + 1) // (n + 1))

    def session(course, region_id, ends_on, people, days=1, **extra):
        s = TrainingSession(
            course=course,
            title=f"{ends_on.year}年{course.title}（第{len([x for x in sessions if x.course is course]) + 1}期）",
            region_id=region_id,
            starts_on=ends_on - dt.timedelta(days=days - 1),
            ends_on=ends_on,
            place=extra.pop("place", "县应急管理局培训中心"),
            trainer=extra.pop("trainer", "县应急管理局 " + name()),
            capacity=len(people) + 10,
            hours=course.hours,
            synthetic=True,
            **extra,
        )
        sessions.append(s)
        plan.append((s, people))

    def split(people, n):
        return [people[i::n] for i in range(n)]

    by_category: dict[str, list[Trainee]] = {}
    for t in trainees:
        by_category.setdefault(t.category, []).append(t)
    for i, group in enumerate(split(by_category.get("cadre", []), 3)):
        session(by_audience["cadre"][i % 2], county.code, day(i * 3 + 1, 10), group, days=2, place="县委党校")
    grid_by_township: dict[str, list[Trainee]] = {}
    for t in by_category.get("grid", []):
        grid_by_township.setdefault(t.region_id[:9].ljust(12, "0"), []).append(t)
    for i, t in enumerate(townships):
        people = grid_by_township.get(t.code, [])
        if people:
            session(
                by_audience["grid"][i % 2],
                t.code,
                day(i, len(townships)),
                people,
                place=f"{t.name}便民服务中心",
                trainer=f"{t.name}应急办 {name()}",
            )
    for category in ("principal", "safety"):
        for i, group in enumerate(split(by_category.get(category, []), 4)):
            session(by_audience[category][0], county.code, day(i * 2 + 1, 9), group, days=2)
    for i, group in enumerate(split(by_category.get("rescue", []), 2)):
        session(
            by_audience["rescue"][i], county.code, day(i * 4 + 3, 10), group, days=3, place="县综合应急救援训练基地"
        )
    sessions = objects_bulk_create(actor=actor, model=TrainingSession, instances=sessions)

    attendances = []
    for s, people in plan:
        for t in people:
            r = rng.random()
            if r < 0.08:  # absent
                attendances.append(Attendance(session=s, trainee=t, attended=False, hours=Decimal(0)))
            elif r < 0.18:  # left early: part of the hours
                attendances.append(
                    Attendance(session=s, trainee=t, attended=True, hours=s.hours / 2, passed=bool(rng.random() < 0.5))
                )
            else:
                attendances.append(Attendance(session=s, trainee=t, attended=True, hours=s.hours, passed=True))
    objects_bulk_create(actor=actor, model=Attendance, instances=attendances)

    # ---- certificates: enterprises' principals and safety managers, half the rescuers
    kinds = {
        "principal": Certificate.Kind.PRINCIPAL,
        "safety": Certificate.Kind.SAFETY,
        "rescue": Certificate.Kind.RESCUER,
    }
    certificates = []
    holders = [t for t in trainees if t.category in ("principal", "safety")] + by_category.get("rescue", [])[::2]
    for n, t in enumerate(holders):
        if n % 12 == 0:
            left = int(rng.integers(5, 90))  # expiring within 90 days
        elif n % 37 == 0:
            left = -int(rng.integers(10, 120))  # already expired
        else:
            left = int(rng.integers(91, 3 * 365))
        expires = today + dt.timedelta(days=left)
        certificates.append(
            Certificate(
                trainee=t,
                kind=kinds[t.category],
                number=f"{county.code[:6]}{expires.year - 3}{n + 1:05d}",
                issuer="巫山县应急管理局" if county.code.startswith("500237") else f"{county.name}应急管理局",
                issued_on=expires.replace(year=expires.year - 3)
                if not (expires.month == 2 and expires.day == 29)
                else expires.replace(year=expires.year - 3, day=28),
                expires_on=expires,
                synthetic=True,
            )
        )
    objects_bulk_create(actor=actor, model=Certificate, instances=certificates)

    # ---- the question bank
    questions = []
    for kind, topic, audience, stem, options, answer, explanation in QUESTIONS:
        letters = dict(zip("abcdef", options, strict=False))
        questions.append(
            Question(
                kind=kind,
                topic=topic,
                audience=audience,
                stem=stem,
                answer=answer,
                explanation=explanation,
                region=county,
                synthetic=True,
                **{f"option_{k}": v for k, v in letters.items()},
            )
        )
    questions = objects_bulk_create(actor=actor, model=Question, instances=questions)

    # ---- one exam of the grid workers, open now, with results
    exam = objects_bulk_create(
        actor=actor,
        model=Exam,
        instances=[
            Exam(
                title=f"{today.year}年网格员应急知识考试",
                region=county,
                mode=Exam.Mode.DRAW,
                draw_count=20,
                draw_audience="grid",
                pass_mark=60,
                time_limit_minutes=30,
                opens_at=now - dt.timedelta(days=10),
                closes_at=now + dt.timedelta(days=20),
                max_attempts=2,
                issue_certificate=True,
                certificate_kind=Certificate.Kind.TRAINING,
                certificate_years=3,
                synthetic=True,
            )
        ],
    )[0]
    grid = by_category.get("grid", [])
    candidates = grid[:120]
    Exam.candidates.through.objects.bulk_create(
        [Exam.candidates.through(exam_id=exam.pk, trainee_id=t.pk) for t in candidates], batch_size=2000
    )
    pool = [q for q in questions if q.audience in ("grid", "")]
    attempts = []
    sat = [t for t in candidates if t.user_id is None][:85]  # the demo login's own exam is still to take
    for t in sat:
        paper = [pool[i] for i in rng.choice(len(pool), size=min(20, len(pool)), replace=False)]
        skill = rng.uniform(0.45, 0.98)
        given = [
            q.answer
            if rng.random() < skill
            else ("A" if q.answer != "A" else "B")
            if q.kind != "truefalse"
            else ("错" if q.answer == "对" else "对")
            for q in paper
        ]
        result = scoring.score_sheet([scoring.Key(q.kind, q.answer) for q in paper], given, pass_mark=exam.pass_mark)
        started = now - dt.timedelta(days=int(rng.integers(1, 9)), minutes=int(rng.integers(0, 600)))
        attempts.append(
            Attempt(
                exam=exam,
                trainee=t,
                via=Attempt.Via.LINK,
                question_ids=[q.pk for q in paper],
                answers={str(q.pk): g for q, g in zip(paper, given, strict=True)},
                started_at=started,
                due_at=started + dt.timedelta(minutes=30),
                submitted_at=started + dt.timedelta(minutes=int(rng.integers(8, 29))),
                correct=result.correct,
                score=result.score,
                passed=result.passed,
            )
        )
    objects_bulk_create(actor=actor, model=Attempt, instances=attempts)
    passed_ids = {a.trainee_id for a in attempts if a.passed}
    expires = (
        today.replace(year=today.year + 3)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year + 3, day=28)
    )
    objects_bulk_create(
        actor=actor,
        model=Certificate,
        instances=[
            Certificate(
                trainee_id=pk,
                kind=Certificate.Kind.TRAINING,
                number=f"PX{today:%Y}-{exam.pk:04d}-{n + 1:04d}",
                issuer=county.name,
                issued_on=today,
                expires_on=expires,
                exam=exam,
                synthetic=True,
            )
            for n, pk in enumerate(sorted(passed_ids))
        ],
    )

    # ---- 宣教素材库
    materials = []
    for i, (title, kind, topic, audience, public) in enumerate(MATERIALS):
        summary = f"{title}，供{'社会公众' if not audience else '培训'}使用。"
        m = Material(
            title=title,
            kind=kind,
            topic=topic,
            audience=audience,
            summary=summary,
            is_public=public,
            region=county,
            synthetic=True,
        )
        if kind == "video":
            m.video_url = VIDEO_URL
        else:
            upload = _poster(title, COLOURS[i % len(COLOURS)]) if kind == "image" else _document(title, summary)
            checked = check_upload(upload, images_only=kind == "image")
            m.file, m.file_name = checked.as_file(), checked.display_name
        materials.append(m)
    objects_bulk_create(actor=actor, model=Material, instances=materials)

    return {
        "training_trainees": len(trainees),
        "training_sessions": len(sessions),
        "training_certificates": len(certificates) + len(passed_ids),
        "training_questions": len(questions),
        "training_materials": len(materials),
    }
