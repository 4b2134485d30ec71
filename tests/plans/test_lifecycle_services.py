"""A plan's life cycle through its services: 评审/论证 by Art. 21, 备案 due 20 working days after 公布 (holidays
and 调休 counted), the county's 5-working-day check, returned then resubmitted, gapless filing numbers, the
备案登记表 in Word, evaluations and revision triggers, and who may do what."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document

from anlan.core.documents import OfficialDocument
from anlan.core.errors import DomainError
from anlan.core.models import CalendarDay
from anlan.core.workdays import add_working_days
from anlan.plans import rules, status
from anlan.plans import services_lifecycle as lifecycle
from anlan.plans.calendar import WorkCalendar
from anlan.plans.models import Plan, PlanFiling, RevisionTrigger
from anlan.registry.models import Enterprise
from anlan.testing.personas import persona

from .helpers import drill_kind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def docx(text: str = "测试预案正文", name: str = "预案.docx") -> SimpleUploadedFile:
    doc = OfficialDocument()
    doc.title(text)
    return SimpleUploadedFile(name, doc.bytes())


def township_plan(tree, *, published_on=None, actor="township_officer") -> Plan:
    plan = lifecycle.plan_save(
        actor=persona(actor),
        name=f"{tree.township.name}测试应急预案",
        kind=Plan.Kind.TOWNSHIP,
        region=tree.township,
        kinds=[drill_kind()],
    )
    lifecycle.version_add(actor=persona(actor), plan=plan, upload=docx(), published_on=published_on)
    plan.refresh_from_db()
    return plan


# ---------------------------------------------------------------- pure rules


@pytest.mark.parametrize(
    ("kind", "unit", "expected"),
    [
        ("overall", rules.UnitFacts(), "review"),
        ("township", rules.UnitFacts(), "review"),
        ("enterprise", rules.UnitFacts(industry="26", scale="small"), "review"),  # chemicals
        ("enterprise", rules.UnitFacts(industry="08"), "review"),  # mining
        ("enterprise", rules.UnitFacts(industry="48", scale="micro"), "review"),  # construction
        ("enterprise", rules.UnitFacts(industry="13", flags=frozenset({"is_hazchem"})), "review"),
        ("enterprise", rules.UnitFacts(industry="13", scale="medium"), "review"),  # medium-sized
        ("enterprise", rules.UnitFacts(industry="13", scale="small"), "verify"),
        ("onsite", rules.UnitFacts(industry="52", scale="micro"), "verify"),
    ],
)
def test_review_mode_follows_article_21(kind, unit, expected):
    decision = rules.default_review_mode(kind, unit)
    assert decision.value == expected and decision.reason


def test_evaluation_cycle_follows_article_35():
    assert rules.default_evaluation_years("enterprise", rules.UnitFacts(scale="large")).value == 3
    assert rules.default_evaluation_years("enterprise", rules.UnitFacts(scale="small")).value is None
    assert rules.default_evaluation_years("special", rules.UnitFacts()).value == 3  # the setting's default
    assert rules.add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)


# ---------------------------------------------------------------- 备案 deadlines


def test_filing_is_due_20_working_days_after_publication_with_holidays_and_a_working_saturday(tree):
    published = dt.date(2026, 9, 25)  # a Friday: National Day week and a 调休 Saturday fall in the 20 days
    assert lifecycle.filing_due_on(published) == dt.date(2026, 10, 23)  # without a calendar: 4 weeks
    for day in range(1, 8):
        CalendarDay.objects.create(date=dt.date(2026, 10, day), kind=CalendarDay.Kind.HOLIDAY, name="国庆节")
    CalendarDay.objects.create(date=dt.date(2026, 10, 10), kind=CalendarDay.Kind.WORKDAY, name="国庆调休")
    # 5 weekday holidays (1, 2, 5, 6, 7 October) push it on 5 working days, the working Saturday pulls it back 1.
    assert lifecycle.filing_due_on(published) == dt.date(2026, 10, 29)
    assert WorkCalendar.around([published], published).add(published, 20) == dt.date(2026, 10, 29)

    plan = township_plan(tree, published_on=published)
    state = status.states(Plan.objects.filter(pk=plan.pk), today=dt.date(2026, 10, 29))[plan.pk]
    assert (state.filing, state.filing_due) == ("due", dt.date(2026, 10, 29))
    state = status.states(Plan.objects.filter(pk=plan.pk), today=dt.date(2026, 10, 30))[plan.pk]
    assert state.filing == "late" and state.late
    assert plan.pk in status.matching(Plan.objects.all(), "filing_late", today=dt.date(2026, 10, 30))
    assert plan.pk not in status.matching(Plan.objects.all(), "filing_late", today=dt.date(2026, 10, 29))


def test_the_county_check_is_due_in_5_working_days(tree):
    today = timezone.localdate()
    CalendarDay.objects.create(date=add_working_days(today, 1), kind=CalendarDay.Kind.HOLIDAY, name="测试假日")
    plan = township_plan(tree, published_on=today)
    filing = lifecycle.filing_submit(actor=persona("township_officer"), plan=plan)
    assert filing.status == PlanFiling.Status.SUBMITTED
    assert filing.due_on == add_working_days(today, 20)
    assert filing.check_due_on == add_working_days(today, 5)
    assert (filing.check_due_on - today).days >= 6  # the holiday (and any weekend) not counted
    assert plan.pk in status.matching(Plan.objects.all(), "checking")
    assert plan.pk not in status.matching(Plan.objects.all(), "filing_due")


def test_a_returned_filing_names_what_is_missing_and_is_submitted_again(tree):
    plan = township_plan(tree, published_on=timezone.localdate())
    owner, county = persona("township_officer"), persona("county_operator")
    first = lifecycle.filing_submit(actor=owner, plan=plan)
    with pytest.raises(ValidationError):  # one round at a time
        lifecycle.filing_submit(actor=owner, plan=plan)
    with pytest.raises(ValidationError):  # the county must say what is missing
        lifecycle.filing_return(actor=county, filing=first, missing_items="  ")
    with pytest.raises(DomainError):  # the owner does not check its own filing
        lifecycle.filing_return(actor=owner, filing=first, missing_items="评审意见")
    lifecycle.filing_return(actor=county, filing=first, missing_items="1. 专家评审意见\n2. 风险评估报告")
    state = status.states(Plan.objects.filter(pk=plan.pk))[plan.pk]
    assert state.filing == "returned" and state.needs_filing
    with pytest.raises(DomainError):  # a returned round is closed
        lifecycle.filing_file(actor=county, filing=first)
    second = lifecycle.filing_submit(actor=owner, plan=plan)
    filed = lifecycle.filing_file(actor=county, filing=second)
    assert filed.number.startswith(f"备〔{timezone.localdate().year}〕")
    assert status.states(Plan.objects.filter(pk=plan.pk))[plan.pk].filing == "filed"
    with pytest.raises(ValidationError):  # this version is filed
        lifecycle.filing_submit(actor=owner, plan=plan)
    first.refresh_from_db()
    assert first.status == PlanFiling.Status.RETURNED and "风险评估报告" in first.missing_items


def test_filing_numbers_are_gapless_per_year_even_after_a_refused_check(tree):
    county = persona("county_operator")
    year = timezone.localdate().year
    before = PlanFiling.objects.filter(number__startswith=f"备〔{year}〕").count()
    numbers = []
    for i in range(3):
        plan = lifecycle.plan_save(
            actor=county, name=f"编号测试预案{i}", kind=Plan.Kind.TOWNSHIP, region=tree.township, kinds=[drill_kind()]
        )
        lifecycle.version_add(actor=county, plan=plan, upload=docx(), published_on=timezone.localdate())
        filing = lifecycle.filing_submit(actor=county, plan=plan)
        numbers.append(lifecycle.filing_file(actor=county, filing=filing).number)
        with pytest.raises(DomainError):  # filing it twice takes no number
            lifecycle.filing_file(actor=county, filing=filing)
    assert numbers == [f"备〔{year}〕{before + n}号" for n in (1, 2, 3)]


def test_the_registration_form_opens_in_word_with_its_number(tree):
    plan = township_plan(tree, published_on=timezone.localdate())
    filing = lifecycle.filing_submit(actor=persona("township_officer"), plan=plan)
    filing = lifecycle.filing_file(actor=persona("county_operator"), filing=filing)
    document = Document(io.BytesIO(lifecycle.registration_form(filing)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "备案登记表" in text and filing.number in text
    assert plan.name in cells


# ---------------------------------------------------------------- who may do what


def test_an_enterprise_user_files_only_its_own_plan(tree):
    user = persona("enterprise_user")
    mine = lifecycle.plan_save(actor=user, name="本企业综合应急预案", kinds=[drill_kind()])
    assert (mine.enterprise_id, mine.kind, mine.region_id) == (
        user.enterprise_id,
        Plan.Kind.ENTERPRISE,
        user.enterprise.region_id,
    )
    other = Enterprise.objects.exclude(pk=user.enterprise_id).filter(region__code__startswith="500237").first()
    theirs = lifecycle.plan_save(
        actor=persona("county_operator"),
        name="他企预案",
        kind=Plan.Kind.ENTERPRISE,
        enterprise=other,
        region=other.region,
        kinds=[drill_kind()],
    )
    lifecycle.version_add(actor=persona("county_operator"), plan=theirs, upload=docx(), published_on=None)
    assert not Plan.objects.restrict(user, "view").filter(pk=theirs.pk).exists()
    with pytest.raises(DomainError) as refused:
        lifecycle.filing_submit(actor=user, plan=theirs)
    assert refused.value.status == 404
    with pytest.raises(DomainError):
        lifecycle.plan_save(actor=user, plan=theirs, name="改名")
    assert Plan.objects.get(pk=theirs.pk).name == "他企预案"


def test_a_township_cannot_change_the_county_plan_but_may_raise_a_trigger(tree):
    county_plan = lifecycle.plan_save(
        actor=persona("county_operator"), name="县测试专项预案", region=tree.county, kinds=[drill_kind()]
    )
    officer = persona("township_officer")
    with pytest.raises(DomainError) as refused:
        lifecycle.plan_save(actor=officer, plan=county_plan, name="乡镇改的")
    assert refused.value.status == 403
    with pytest.raises(DomainError):
        lifecycle.version_add(actor=officer, plan=county_plan, upload=docx())
    from anlan.plans.services import trigger_add

    trigger_add(actor=officer, plan=county_plan, reason="practice", description="演练发现转移路线不通")
    assert county_plan.triggers.filter(status=RevisionTrigger.Status.OPEN).count() == 1


def test_choosing_the_other_review_mode_needs_a_reason(tree):
    county = persona("county_operator")
    base = {"actor": county, "name": "县专项预案", "region": tree.county, "kinds": [drill_kind()]}
    with pytest.raises(ValidationError) as refused:
        lifecycle.plan_save(**base, review_mode="verify")
    assert "review_reason" in refused.value.message_dict
    plan = lifecycle.plan_save(
        actor=county,
        name="县专项预案",
        region=tree.county,
        kinds=[drill_kind()],
        review_mode="verify",
        review_reason="市局统一组织论证",
    )
    assert plan.review_mode == "verify" and "市局统一组织论证" in plan.notes
    # Editing other facts keeps the mode chosen with its reason, without asking again.
    assert lifecycle.plan_save(actor=county, plan=plan, name="县专项预案（修订）").review_mode == "verify"
    assert lifecycle.plan_save(**base).review_mode == "review"


# ---------------------------------------------------------------- versions, evaluations, triggers


def test_a_new_version_keeps_the_old_one_and_resolves_chosen_triggers(tree):
    plan = township_plan(tree)
    officer = persona("township_officer")
    from anlan.plans.services import trigger_add

    trigger = trigger_add(actor=officer, plan=plan, reason="risks", description="新增地灾隐患点")
    with pytest.raises(ValidationError):  # not Word or PDF
        lifecycle.version_add(actor=officer, plan=plan, upload=SimpleUploadedFile("a.docx", b"<html>"))
    second = lifecycle.version_add(actor=officer, plan=plan, upload=docx("修订稿"), note="修订", resolves=[trigger.pk])
    assert second.number == 2 and plan.versions.count() == 2
    trigger.refresh_from_db()
    assert trigger.status == RevisionTrigger.Status.RESOLVED and trigger.resolved_by_id == second.pk
    with pytest.raises(ValidationError):  # already resolved
        lifecycle.version_add(actor=officer, plan=plan, upload=docx(), resolves=[trigger.pk])


def test_evaluation_due_and_an_evaluation_that_asks_for_revision(tree):
    today = timezone.localdate()
    plan = township_plan(tree, published_on=today - dt.timedelta(days=3 * 365 - 30))
    assert plan.evaluation_years == 3
    state = status.states(Plan.objects.filter(pk=plan.pk), today)[plan.pk]
    assert state.evaluation_flag == "soon" and plan.pk in status.matching(Plan.objects.all(), "evaluation_due", today)
    later = today + dt.timedelta(days=60)
    assert status.states(Plan.objects.filter(pk=plan.pk), later)[plan.pk].evaluation_flag == "overdue"
    lifecycle.evaluation_record(
        actor=persona("township_officer"),
        plan=plan,
        evaluated_on=today,
        evaluator="镇应急办组织专家",
        conclusion="职责调整后需修订",
        needs_revision=True,
    )
    plan.refresh_from_db()
    assert plan.last_evaluated_on == today
    state = status.states(Plan.objects.filter(pk=plan.pk), today)[plan.pk]
    assert state.evaluation_due == rules.add_years(today, 3) and not state.evaluation_flag
    assert state.open_triggers == 1 and plan.pk in status.matching(Plan.objects.all(), "triggers")
