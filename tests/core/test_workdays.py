"""Working days (core.workdays): the county's 节假日与调休 table, entered once (by hand or Excel import on its
registry page), moves every statutory working-day clock — a penalty case's 送达 (行政处罚法 Arts. 61, 85)
and a disaster's 核报 — and the pages' note on holidays goes once the year's holidays are entered."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from anlan.core import workdays
from anlan.core.models import AuditEntry, CalendarDay
from anlan.disasters import clocks as disaster_clocks
from anlan.enforcement import case_clocks
from anlan.testing.helpers import count_queries, xlsx_upload
from anlan.testing.personas import persona

# The 2026 National Day week as test data: Thursday 1 to Wednesday 7 October off, Saturday 10 worked (调休).
NATIONAL_DAY = [(dt.date(2026, 10, d), CalendarDay.Kind.HOLIDAY, "国庆节") for d in range(1, 8)]
MAKE_UP = (dt.date(2026, 10, 10), CalendarDay.Kind.WORKDAY, "国庆节调休")
DECIDED = dt.date(2026, 9, 30)  # a Wednesday


def enter(rows) -> None:
    CalendarDay.objects.bulk_create([CalendarDay(date=d, kind=k, name=n) for d, k, n in rows])


def decided_case():
    """A penalty case decided on DECIDED, not served on the spot (the clock reads attributes only)."""
    return SimpleNamespace(
        procedure="ordinary", opened_on=dt.date(2026, 9, 1), decided_on=DECIDED, served_on=None, notified_on=None,
        hearing_on=None, hearing_notice_on=None, hearing_requested_on=None, hearing_waived_on=None,
        served_on_spot=False,
    )  # fmt: skip


def service_due() -> dt.date:
    return next(c for c in case_clocks.clocks(decided_case(), DECIDED) if c.key == "service").due


def final_report_due() -> dt.datetime:
    stable = timezone.make_aware(dt.datetime(2026, 9, 30, 15, 0))
    clock = disaster_clocks.next_report(
        initial_due=stable - dt.timedelta(days=3), final=False, stable_at=stable,
        submitted=[("initial", stable - dt.timedelta(days=3))], now=stable,
    )  # fmt: skip
    assert clock.key == "final"
    return timezone.localtime(clock.due)


# ---------------------------------------------------------------- the arithmetic (no database)


def test_a_holiday_is_skipped_and_a_make_up_saturday_counts():
    calendar = workdays.Calendar(
        holidays=frozenset(d for d, _, _ in NATIONAL_DAY if d.weekday() < 5), workdays=frozenset({MAKE_UP[0]})
    )
    assert workdays.Calendar().add(DECIDED, 7) == dt.date(2026, 10, 9)  # Monday to Friday only
    # 8 Thu, 9 Fri, 10 Sat (调休), 12–15 Mon–Thu.
    assert calendar.add(DECIDED, 7) == dt.date(2026, 10, 15)
    assert calendar.subtract(dt.date(2026, 10, 15), 7) == DECIDED
    assert calendar.between(DECIDED, dt.date(2026, 10, 15)) == 7
    assert calendar.is_working(MAKE_UP[0]) and not calendar.is_working(dt.date(2026, 10, 5))


@given(
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2028, 12, 31)),
    st.integers(min_value=1, max_value=25),
    st.sets(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2029, 6, 30)), max_size=40),
    st.sets(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2029, 6, 30)), max_size=10),
)
def test_counting_round_trips_over_any_calendar(start, days, holidays, worked):
    calendar = workdays.Calendar(frozenset(holidays - worked), frozenset(worked))
    end = calendar.add(start, days)
    assert calendar.is_working(end) and calendar.between(start, end) == days
    back = calendar.subtract(end, days)
    assert back <= start and calendar.between(back, end) == days


# ---------------------------------------------------------------- the county's table


@pytest.mark.django_db
def test_a_holiday_entered_once_moves_the_service_and_the_final_report_deadlines():
    assert service_due() == dt.date(2026, 10, 9)
    assert final_report_due() == timezone.make_aware(dt.datetime(2026, 10, 2, 15, 0))
    enter([*NATIONAL_DAY, MAKE_UP])
    assert service_due() == dt.date(2026, 10, 15)  # 送达 within 7 working days, holidays not counted
    assert final_report_due() == timezone.make_aware(dt.datetime(2026, 10, 9, 15, 0))  # 核报: 2 working days


@pytest.mark.django_db
def test_the_year_is_imported_from_excel_on_the_registry_page_by_the_county_admin(client):
    rows = [["日期", "类别", "名称"], *[[d, CalendarDay.Kind(k).label, n] for d, k, n in [*NATIONAL_DAY, MAKE_UP]]]
    client.force_login(persona("county_operator"))
    assert client.post("/system/calendarday/import/", {"file": xlsx_upload(rows)}).status_code == 403
    assert client.get("/system/calendarday/").status_code == 200  # every role reads the calendar
    assert not CalendarDay.objects.filter(date__year=2026).exists()
    client.force_login(persona("county_admin"))
    assert "节假日与调休" in client.get("/").content.decode()  # under 系统 in the menu
    response = client.post("/system/calendarday/import/", {"file": xlsx_upload(rows)})
    assert response.status_code == 302, response.content.decode()[:500]
    assert CalendarDay.objects.filter(date__year=2026, kind="holiday").count() == 7
    assert CalendarDay.objects.get(date=MAKE_UP[0]).kind == CalendarDay.Kind.WORKDAY
    assert AuditEntry.objects.filter(object_type="core.calendarday").count() >= 8
    assert service_due() == dt.date(2026, 10, 15)
    listed = client.get("/system/calendarday/").content.decode()
    assert "国庆节调休" in listed and "调休上班" in listed


@pytest.mark.django_db
def test_a_bad_row_is_refused_with_its_reason_and_nothing_is_written(client):
    client.force_login(persona("county_admin"))
    good, bad = [dt.date(2026, 10, 1), "法定节假日（休息）", "国庆节"], ["2026-13-01", "放假", "x"]
    rows = [["日期", "类别", "名称"], good, bad]
    response = client.post("/system/calendarday/import/", {"file": xlsx_upload(rows)})
    page = response.content.decode()
    assert "日期格式应为" in page and "无效选项" in page
    assert not CalendarDay.objects.filter(date__year=2026).exists()


@pytest.mark.django_db
def test_the_note_on_holidays_shows_only_while_the_years_holidays_are_not_entered(client):
    today = timezone.localdate()
    CalendarDay.objects.filter(date__year=today.year).delete()
    client.force_login(persona("county_operator"))
    assert workdays.HOLIDAY_NOTE in client.get("/enforcement/cases/").content.decode()
    assert case_clocks.holiday_note(today) == workdays.HOLIDAY_NOTE
    CalendarDay.objects.create(date=dt.date(today.year, 10, 1), kind=CalendarDay.Kind.HOLIDAY, name="国庆节")
    assert workdays.HOLIDAY_NOTE not in client.get("/enforcement/cases/").content.decode()
    assert case_clocks.holiday_note(today) == ""


@pytest.mark.django_db
def test_within_remembered_the_calendar_is_read_once_for_any_number_of_clocks():
    enter([*NATIONAL_DAY, MAKE_UP])
    with count_queries() as outside:
        service_due()
        service_due()
    assert len(outside.captured_queries) == 2  # one read per count outside
    with count_queries() as inside, workdays.remembered():
        dues = {service_due() for _ in range(25)}
        final_report_due()
    assert dues == {dt.date(2026, 10, 15)} and len(inside.captured_queries) == 1
