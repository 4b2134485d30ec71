"""The penalty calculator (CONTRACT.md `POST /api/v1/enforcement/penalty/evaluate`; 行政处罚法 Arts. 51, 67, 72)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anlan.enforcement import penalty
from anlan.testing.personas import persona

URL = "/api/v1/enforcement/penalty/evaluate"
SERVED = dt.date(2026, 3, 2)  # a Monday: the due date (+15) is a Tuesday, counted in calendar days


@pytest.mark.parametrize(
    ("party", "fine", "procedure"),
    [
        ("person", "200", "summary"),  # the boundary is included (二百元以下)
        ("person", "200.01", "ordinary"),
        ("person", "0", "summary"),
        ("organisation", "3000", "summary"),
        ("organisation", "3000.01", "ordinary"),
        ("organisation", "200.01", "summary"),
    ],
)
def test_summary_procedure_boundaries_include_the_limit(party, fine, procedure):
    assert penalty.procedure_for(party, fine) == procedure


@given(st.decimals(min_value=0, max_value=100000, places=2), st.sampled_from(["person", "organisation"]))
def test_summary_exactly_when_within_the_partys_limit(fine, party):
    limit = {"person": Decimal(200), "organisation": Decimal(3000)}[party]
    assert (penalty.procedure_for(party, fine) == "summary") == (fine <= limit)


def test_due_is_fifteen_calendar_days_after_service():
    assert penalty.payment_due(SERVED) == dt.date(2026, 3, 17)
    saturday = dt.date(2026, 3, 7)
    assert penalty.payment_due(saturday) == dt.date(2026, 3, 22)  # a Sunday: calendar days, not moved


def test_surcharge_days_and_cap():
    due = penalty.payment_due(SERVED)
    assert penalty.evaluate("organisation", 10000, SERVED, due).days_late == 0  # paid on the due day: on time
    late = penalty.evaluate("organisation", 10000, SERVED, due + dt.timedelta(days=1))
    assert (late.days_late, late.surcharge_yuan) == (1, Decimal("300.00"))
    at_cap = penalty.evaluate("organisation", 10000, SERVED, due + dt.timedelta(days=34))
    assert at_cap.surcharge_yuan == Decimal("10000.00")  # 34 × 3 % = 102 %: capped at the fine
    assert penalty.evaluate("organisation", 10000, SERVED, due + dt.timedelta(days=33)).surcharge_yuan == Decimal(
        "9900.00"
    )


@given(
    st.decimals(min_value=0, max_value=10_000_000, places=2),
    st.integers(min_value=0, max_value=2000),
)
def test_surcharge_is_three_percent_a_day_never_above_the_fine(fine, days):
    paid = penalty.payment_due(SERVED) + dt.timedelta(days=days)
    result = penalty.evaluate("organisation", fine, SERVED, paid)
    assert result.days_late == days
    assert 0 <= result.surcharge_yuan <= fine
    expected = (fine * Decimal("0.03") * days).quantize(Decimal("0.01"))
    assert result.surcharge_yuan == min(fine, expected)


@given(st.decimals(min_value=Decimal("0.01"), max_value=1_000_000, places=2), st.integers(min_value=0, max_value=400))
def test_surcharge_never_drops_when_paying_later(fine, days):
    assert penalty.surcharge(fine, days + 1) >= penalty.surcharge(fine, days)


def test_large_fine_setting_has_the_unverified_default(settings):
    assert penalty.is_large_fine("person", 20000) and not penalty.is_large_fine("person", 19999.99)
    assert penalty.is_large_fine("organisation", 50000) and not penalty.is_large_fine("organisation", 49999)
    assert "尚未核实" in penalty.large_fine_note()
    settings.ANLAN_ENFORCEMENT_LARGE_FINE_YUAN = {"person": 10000, "organisation": 100000}
    assert penalty.is_large_fine("person", 10000) and not penalty.is_large_fine("organisation", 50000)
    assert "100,000" in penalty.large_fine_note()


@pytest.fixture
def api(client, db):
    client.force_login(persona("viewer"))  # a calculator: every role may use it
    return client


def post(client, body):
    return client.post(URL, body, content_type="application/json")


@pytest.mark.parametrize("url", [URL, URL + "/"])
def test_contract_shape_without_dates(api, url):
    response = api.post(url, {"party": "person", "fine_yuan": 200}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == {"procedure": "summary", "due": None, "days_late": None, "surcharge_yuan": None}


def test_contract_shape_with_dates(api):
    body = {"party": "organisation", "fine_yuan": 3000.01, "served_on": "2026-03-02", "paid_on": "2026-03-19"}
    response = post(api, body)
    assert response.status_code == 200, response.content
    assert response.json() == {"procedure": "ordinary", "due": "2026-03-17", "days_late": 2, "surcharge_yuan": 180.0}
    unpaid = post(api, {"party": "organisation", "fine_yuan": 3000, "served_on": "2026-03-02"}).json()
    assert unpaid == {"procedure": "summary", "due": "2026-03-17", "days_late": None, "surcharge_yuan": None}


@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        ({"fine_yuan": 10}, "party", ""),
        ({"party": "company", "fine_yuan": 10}, "party", "当事人类别"),
        ({"party": "person"}, "fine_yuan", ""),
        ({"party": "person", "fine_yuan": "abc"}, "fine_yuan", "罚款金额"),
        ({"party": "person", "fine_yuan": -1}, "fine_yuan", "负数"),
        ({"party": "person", "fine_yuan": 10, "served_on": "2026-13-01"}, "served_on", "送达日期"),
        ({"party": "person", "fine_yuan": 10, "paid_on": "2026-03-01"}, "served_on", "送达日期"),
        ({"party": "person", "fine_yuan": 10, "served_on": "2026-03-02", "paid_on": "2026-03-01"}, "paid_on", "早于"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_in_chinese(api, body, field, text):
    response = post(api, body)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors, errors
    message = " ".join(errors[field])
    assert text in message and any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_anonymous_is_refused(client, db):
    assert post(client, {"party": "person", "fine_yuan": 1}).status_code in (401, 403)
