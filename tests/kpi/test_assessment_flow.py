"""考核 through its services: opening a scheme makes a sheet per township with a score per item, computed from
the indicator value and the unit's tasks and linked to them; the unit self-assesses (its own sheet only) and
submits; the county reviews, finishes, ranks and publishes; every step is audited."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anlan.core.errors import DomainError
from anlan.core.models import AuditEntry
from anlan.geo.models import Region, RegionLevel
from anlan.kpi import services_assessment as svc
from anlan.kpi.models import Assessment, AssessmentItem, AssessmentScheme, Indicator, IndicatorValue, KeyTask, Score
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db
YEAR = 2019  # a year with no demo tasks: the test county carries this year's division table
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def evidence():
    return SimpleUploadedFile("台账.pdf", PDF, content_type="application/pdf")


@pytest.fixture
def scheme(tree):
    county = persona("county_operator")
    indicator = Indicator.objects.create(
        region=tree.county, code="closure", name="隐患整改闭环率", unit="%", direction="gte", target=D("95")
    )
    value = IndicatorValue.objects.create(
        indicator=indicator, period_start=dt.date(YEAR, 1, 1), period_end=dt.date(YEAR, 12, 31), value=D("93")
    )
    ours = KeyTask.objects.create(
        region=tree.county, year=YEAR, number="1.1", title="建设乡镇应急队伍", deadline=dt.date(YEAR, 6, 30),
        status=KeyTask.Status.DONE, completed_on=dt.date(YEAR, 6, 1),
    )  # fmt: skip
    late = KeyTask.objects.create(
        region=tree.county, year=YEAR, number="1.2", title="修订乡镇预案", deadline=dt.date(YEAR, 6, 30),
        status=KeyTask.Status.IN_PROGRESS,
    )  # fmt: skip
    ours.townships.add(tree.township)
    late.townships.add(tree.township)
    s = svc.scheme_create(
        actor=county,
        scheme=AssessmentScheme(region=tree.county, year=YEAR, title=f"{YEAR}年度乡镇考核", target="township"),
    )
    svc.item_save(
        actor=county,
        item=AssessmentItem(
            scheme=s, category="安全生产", title="隐患闭环", points=D("10"), method="indicator", indicator=indicator,
            deduct_per_unit=D("2"),
        ),
    )  # fmt: skip
    svc.item_save(actor=county, item=AssessmentItem(scheme=s, title="重点任务", points=D("8"), method="tasks"))
    svc.item_save(
        actor=county,
        item=AssessmentItem(scheme=s, title="值班值守", points=D("5"), method="manual", evidence_required="值班表"),
    )
    s.value, s.ours, s.late = value, ours, late
    return s


def test_opening_makes_a_sheet_per_township_with_linked_computed_scores(scheme, tree):
    sheets = svc.scheme_open(actor=persona("county_operator"), scheme=scheme)
    townships = Region.objects.filter(parent=tree.county, level=RegionLevel.TOWNSHIP).count()
    assert len(sheets) == townships
    assert Score.objects.filter(assessment__scheme=scheme).count() == townships * 3
    ours = Assessment.objects.get(scheme=scheme, region=tree.township)
    by_title = {s.item.title: s for s in ours.scores.select_related("item")}
    closure = by_title["隐患闭环"]
    assert closure.computed_points == D("6.00")  # 93 vs 95: 2 short × 2 points
    assert closure.indicator_value == scheme.value
    assert closure.evidence[0]["kind"] == "indicator_value" and closure.evidence[0]["id"] == scheme.value.pk
    tasks = by_title["重点任务"]
    assert tasks.computed_points == D("4.00")  # one of two done by the deadline
    assert {e["id"] for e in tasks.evidence if e["kind"] == "task"} == {scheme.ours.pk, scheme.late.pk}
    other = Assessment.objects.get(scheme=scheme, region=tree.other_township)
    assert other.scores.get(item__title="重点任务").computed_points is None  # no task of its own
    assert AuditEntry.objects.filter(action="assessment_scheme_open").exists()
    with pytest.raises(DomainError, match="不能再修改"):
        svc.item_save(actor=persona("county_operator"), item=AssessmentItem(scheme=scheme, title="x", points=1))


def test_a_unit_sees_and_writes_only_its_own_sheet(scheme, tree):
    svc.scheme_open(actor=persona("county_operator"), scheme=scheme)
    officer = persona("township_officer")
    visible = set(Assessment.objects.restrict(officer, "view").values_list("region_id", flat=True))
    assert visible == {tree.township.pk}
    other = Assessment.objects.get(scheme=scheme, region=tree.other_township)
    with pytest.raises(DomainError):
        svc.sheet_for(officer, other.pk)
    with pytest.raises(DomainError, match="本单位"):
        svc.self_assess(actor=officer, score=other.scores.first(), points="3")
    assert not Assessment.objects.restrict(persona("department_operator"), "view").filter(scheme=scheme).exists()


def test_self_assessment_submit_review_rank_publish(scheme, tree):
    county = persona("county_operator")
    svc.scheme_open(actor=county, scheme=scheme)
    officer = persona("township_officer")
    sheet = Assessment.objects.get(scheme=scheme, region=tree.township)
    manual = sheet.scores.get(item__method="manual")
    with pytest.raises(DomainError, match="0 到 5"):
        svc.self_assess(actor=officer, score=manual, points="6")
    svc.self_assess(actor=officer, score=manual, points="5", note="全年值班无脱岗")
    with pytest.raises(DomainError, match="未上传佐证材料"):
        svc.sheet_submit(actor=officer, sheet=sheet)
    svc.self_assess(actor=officer, score=manual, points="5", upload=evidence())
    sheet = svc.sheet_submit(actor=officer, sheet=sheet)
    assert sheet.status == "submitted" and sheet.self_total == D("15.00")  # 6 + 4 + 5

    # The other township submits too, with a lower self score.
    other = Assessment.objects.get(scheme=scheme, region=tree.other_township)
    other_officer = persona("other_township_officer")
    svc.self_assess(actor=other_officer, score=other.scores.get(item__method="manual"), points="2", upload=evidence())
    svc.sheet_submit(actor=other_officer, sheet=other)

    with pytest.raises(DomainError):
        svc.review_score(actor=officer, score=manual, points="1")
    svc.review_score(actor=county, score=manual, points="4", note="缺两周值班记录")
    sheet = svc.sheet_finish(actor=county, sheet=sheet)
    assert sheet.final_total == D("14.00") and sheet.rank == 1
    other = svc.sheet_finish(actor=county, sheet=other)
    assert other.final_total == D("8.00") and other.rank == 2  # 6 + 0(no tasks, none self-scored) + 2

    svc.scheme_step(actor=county, scheme=scheme, action="review")
    with pytest.raises(DomainError, match="未完成评审"):
        svc.scheme_step(actor=county, scheme=scheme, action="publish")
    for s in Assessment.objects.filter(scheme=scheme).exclude(status="reviewed"):
        s.status = "reviewed"
        s.final_total = D("1")
        s.save()
    svc.rerank(scheme=scheme)
    published = svc.scheme_step(actor=county, scheme=scheme, action="publish")
    assert published.status == "published"
    assert AuditEntry.objects.filter(action__in=["assessment_submit", "assessment_finish"]).count() == 4


def test_a_department_scheme_scores_the_tasks_it_leads_or_joins_and_only_it_writes_its_sheet(tree):
    county, dept_user = persona("county_operator"), persona("department_operator")
    water = dept_user.department
    KeyTask.objects.create(
        region=tree.county, year=YEAR, number="2.1", title="山洪沟治理", deadline=dt.date(YEAR, 9, 30),
        lead_department=water, status=KeyTask.Status.DONE, completed_on=dt.date(YEAR, 10, 8),
    )  # fmt: skip
    joined = KeyTask.objects.create(
        region=tree.county, year=YEAR, number="2.2", title="水库安全鉴定", deadline=dt.date(YEAR, 9, 30),
        status=KeyTask.Status.DONE, completed_on=dt.date(YEAR, 9, 1),
    )  # fmt: skip
    joined.cooperating.add(water)
    s = svc.scheme_create(
        actor=county, scheme=AssessmentScheme(region=tree.county, year=YEAR, title="部门考核", target="department")
    )
    svc.item_save(actor=county, item=AssessmentItem(scheme=s, title="重点任务", points=D("10"), method="tasks"))
    with pytest.raises(DomainError):
        svc.scheme_create(
            actor=dept_user, scheme=AssessmentScheme(region=tree.county, year=YEAR, title="x", target="department")
        )
    svc.scheme_open(actor=county, scheme=s)
    mine = Assessment.objects.restrict(dept_user, "view").get(scheme=s)
    assert mine.department == water and mine.unit_name == water.name
    assert Assessment.objects.restrict(dept_user, "view").filter(scheme=s).count() == 1
    score = mine.scores.get()
    assert score.computed_points == D("5.00")  # the led task was late, the joined one on time
    labels = [e["label"] for e in score.evidence if e["kind"] == "task"]
    assert labels == ["2.1 山洪沟治理（逾期完成）", "2.2 水库安全鉴定（按期完成）"]
    other = Assessment.objects.filter(scheme=s).exclude(pk=mine.pk).first()
    with pytest.raises(DomainError):
        svc.self_assess(actor=dept_user, score=other.scores.get(), points="1")
    with pytest.raises(DomainError):
        svc.self_assess(actor=persona("township_officer"), score=score, points="1")
    svc.sheet_submit(actor=dept_user, sheet=mine)
    assert Assessment.objects.get(pk=mine.pk).self_total == D("5.00")
