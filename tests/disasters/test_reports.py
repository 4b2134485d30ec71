"""灾情报送 services (CONTRACT.md "Disaster statistics"): clocks, stages in order, rows checked naming row and
field with nothing stored, late, escalate, zero reports, corrections after the 核报, and the totals — per
township the latest row, summed (a hypothesis property test over random sequences of reports)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anlan.core.errors import DomainError, NotAllowed
from anlan.core.models import AuditEntry
from anlan.disasters import clocks, indicators, selectors, services
from anlan.disasters.models import DisasterReport, ReportRow
from anlan.inbox.models import Notification
from anlan.testing.personas import demo_tree, persona

from .helpers import new_process

pytestmark = pytest.mark.django_db


def _submit(process, stage, rows, **kw):
    return services.submit_report(actor=persona("county_operator"), process=process, stage=stage, rows=rows, **kw)


def test_a_process_is_due_its_initial_report_two_hours_after_the_start_and_is_audited(tree):
    process = new_process(tree, hours_ago=0.5)
    assert process.initial_due == process.started_at + dt.timedelta(hours=2)
    assert process.region_id == tree.county.code and process.status == "open"
    assert set(process.regions.values_list("code", flat=True)) == {tree.township.code, tree.other_township.code}
    assert AuditEntry.objects.filter(action="disaster_process_create", object_id=str(process.pk)).exists()


def test_a_process_names_only_townships_of_the_county(tree):
    with pytest.raises(DomainError) as refused:
        services.create_process(
            actor=persona("county_operator"), name="x", hazard="flood", started_at=timezone.now(),
            regions=[tree.village.code],
        )  # fmt: skip
    assert refused.value.field == "regions"
    with pytest.raises(NotAllowed):
        new_process(tree, actor=persona("township_officer"))


def test_the_first_report_is_initial_only_once_and_nothing_after_the_final(tree):
    process = new_process(tree)
    with pytest.raises(DomainError, match="首次报送应为初报"):
        _submit(process, "update", [])
    _submit(process, "initial", [{"region": tree.township.code, "affected_people": 120}])
    with pytest.raises(DomainError, match="已有初报"):
        _submit(process, "initial", [{"region": tree.township.code}])
    _submit(process, "final", [{"region": tree.township.code, "affected_people": 130}])
    process.refresh_from_db()
    assert process.status == "final"
    with pytest.raises(DomainError, match="已核报"):
        _submit(process, "update", [])
    assert process.reports.count() == 2


def test_a_bad_row_names_its_index_and_field_and_nothing_is_stored(tree):
    process = new_process(tree)
    rows = [
        {"region": tree.township.code, "deaths": 1},
        {"region": tree.other_township.code, "crop_affected_ha": "5", "crop_failed_ha": "8"},
    ]
    with pytest.raises(services.RowErrors) as refused:
        _submit(process, "initial", rows)
    assert refused.value.rows == {"1": {"crop_failed_ha": "农作物成灾面积不能大于农作物受灾面积"}}
    assert "第 2 行" in refused.value.message and tree.other_township.name in refused.value.message
    assert not DisasterReport.objects.filter(process=process).exists()
    assert not ReportRow.objects.filter(report__process=process).exists()


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"deaths": -1}, "deaths"),
        ({"deaths": 1.5}, "deaths"),
        ({"direct_loss_10k_yuan": "abc"}, "direct_loss_10k_yuan"),
        ({"injured": 2, "seriously_injured": 3}, "seriously_injured"),
        ({"relocated": 10, "relocated_centralised": 4, "relocated_dispersed": 4}, "relocated"),
        ({"dead_cows": 3}, "dead_cows"),
    ],
)
def test_each_rule_of_a_row_names_its_field(tree, row, field):
    process = new_process(tree)
    with pytest.raises(services.RowErrors) as refused:
        _submit(process, "initial", [{"region": tree.township.code, **row}])
    assert list(refused.value.rows["0"]) == [field]


def test_a_township_outside_the_process_or_listed_twice_is_refused(tree):
    process = new_process(tree, townships=[tree.township])
    with pytest.raises(services.RowErrors) as outside:
        _submit(process, "initial", [{"region": tree.other_township.code}])
    assert list(outside.value.rows["0"]) == ["region"]
    with pytest.raises(services.RowErrors) as twice:
        _submit(process, "initial", [{"region": tree.township.code}, {"region": tree.township.code, "deaths": 1}])
    assert list(twice.value.rows) == ["1"] and "重复" in twice.value.rows["1"]["region"]
    assert not process.reports.exists()


def test_an_initial_report_after_its_due_time_is_late(tree):
    on_time = _submit(new_process(tree, hours_ago=1), "initial", [{"region": tree.township.code}])
    late = _submit(new_process(tree, hours_ago=3, name="迟报"), "initial", [{"region": tree.township.code}])
    assert (on_time.late, late.late) == (False, True)


def test_ten_dead_and_missing_in_the_totals_escalate_and_tell_the_county_desk(tree):
    process = new_process(tree)
    first = _submit(process, "initial", [{"region": tree.township.code, "deaths": 4, "missing": 2}])
    assert first.escalate is False
    # The other township's 4 missing bring the county's totals to 10: escalate, though no row has 10.
    second = _submit(process, "update", [{"region": tree.other_township.code, "missing": 4}])
    assert second.escalate is True
    assert second.totals["deaths"] + second.totals["missing"] == 10
    told = Notification.objects.filter(dedupe_key=f"duty:disaster:{process.pk}:escalate")
    assert told.exists() and "须同时报省厅和应急管理部" in told.first().title
    # The duty desk lists it as an open item of the county desk.
    from anlan.disasters import duty_items

    items = duty_items.escalated(tree.county.code, timezone.now())
    assert [i.key for i in items] == [f"disaster:{process.pk}:escalate"]


def test_an_update_that_lists_nothing_or_changes_nothing_is_a_zero_report(tree):
    process = new_process(tree)
    _submit(process, "initial", [{"region": tree.township.code, "affected_people": 50}])
    empty = _submit(process, "update", [])
    same = _submit(process, "update", [{"region": tree.township.code, "affected_people": 50}])
    changed = _submit(process, "update", [{"region": tree.township.code, "affected_people": 60}])
    assert (empty.zero_report, same.zero_report, changed.zero_report) == (True, True, False)
    assert [r.number for r in process.reports.order_by("number")] == [1, 2, 3, 4]


def test_totals_take_each_townships_latest_row(tree):
    process = new_process(tree)
    _submit(process, "initial", [
        {"region": tree.township.code, "affected_people": 100, "direct_loss_10k_yuan": "12.5"},
        {"region": tree.other_township.code, "affected_people": 40},
    ])  # fmt: skip
    report = _submit(process, "update", [{"region": tree.township.code, "affected_people": 150}])
    total = services.totals(process)
    # 150 (the township's latest, which no longer carries the loss) + 40 (the other's first and only row)
    assert total["affected_people"] == 190 and total["direct_loss_10k_yuan"] == Decimal("0")
    assert report.totals["affected_people"] == 190


def test_after_the_final_report_a_correction_with_its_reason_becomes_the_latest(tree):
    process = new_process(tree)
    _submit(process, "initial", [{"region": tree.township.code, "deaths": 1}])
    with pytest.raises(DomainError, match="核报之前"):
        services.correct_report(actor=persona("county_operator"), process=process, rows=[], reason="x")
    _submit(process, "final", [{"region": tree.township.code, "deaths": 2}])
    with pytest.raises(DomainError, match="更正原因"):
        services.correct_report(
            actor=persona("county_operator"), process=process, rows=[{"region": tree.township.code}], reason=" "
        )
    fix = services.correct_report(
        actor=persona("county_operator"),
        process=process,
        rows=[{"region": tree.township.code, "deaths": 3}],
        reason="核查发现一名失联人员确认遇难",
    )
    assert fix.stage == "correction" and fix.reason.startswith("核查")
    assert services.totals(process)["deaths"] == 3
    assert AuditEntry.objects.filter(action="disaster_report_correction", object_id=str(fix.pk)).exists()


def test_clocks_initial_then_daily_update_by_nine_then_final_after_stable(tree, settings):
    settings.ANLAN_DISASTER_UPDATE_BY = "09:00"
    process = new_process(tree, hours_ago=1)
    now = timezone.now()
    clock = selectors.clock_of(selectors.processes(persona("county_operator")).get(pk=process.pk), now)
    assert (clock.label, clock.due, clock.overdue(now)) == ("初报", process.initial_due, False)
    _submit(process, "initial", [{"region": tree.township.code}], now=now - dt.timedelta(days=1))
    tomorrow_morning = timezone.localtime(now).replace(hour=10, minute=0)
    clock = clocks.next_report(
        initial_due=process.initial_due, final=False, stable_at=None,
        submitted=[("initial", now - dt.timedelta(days=1))], now=tomorrow_morning,
    )  # fmt: skip
    assert clock.label == "续报" and timezone.localtime(clock.due).hour == 9 and clock.overdue(tomorrow_morning)
    friday = timezone.make_aware(dt.datetime(2026, 12, 4, 15, 0))
    final = clocks.next_report(initial_due=process.initial_due, final=False, stable_at=friday,
                               submitted=[("initial", friday)], now=friday)  # fmt: skip
    assert final.label == "核报" and timezone.localtime(final.due).date() == dt.date(2026, 12, 8)  # Mon, Tue


def test_the_reminder_job_tells_the_county_desk_of_an_overdue_initial_report_once(tree):
    process = new_process(tree, hours_ago=3)
    assert services.remind_reports() >= 1
    key = f"duty:disaster:{process.pk}:initial"
    first = Notification.objects.filter(dedupe_key=key).count()
    assert first >= 1
    services.remind_reports()
    assert Notification.objects.filter(dedupe_key=key).count() == first


# ---------------------------------------------------------------- the property: totals = Σ latest rows

FIGURES = ("affected_people", "deaths", "missing", "crop_affected_ha", "direct_loss_10k_yuan")


@st.composite
def report_sequences(draw):
    """A list of reports, each listing a subset of the two townships with random cumulative figures."""
    reports = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        listed = draw(st.lists(st.sampled_from([0, 1]), unique=True, max_size=2))
        rows = []
        for t in listed:
            row = {name: draw(st.integers(min_value=0, max_value=500)) for name in FIGURES[:3]}
            row["crop_affected_ha"] = str(draw(st.decimals(min_value=0, max_value=1000, places=2)))
            row["direct_loss_10k_yuan"] = str(draw(st.decimals(min_value=0, max_value=10000, places=2)))
            rows.append((t, row))
        reports.append(rows)
    return reports


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sequence=report_sequences())
def test_totals_always_equal_the_sum_of_each_townships_latest_row(db, sequence):
    tree = demo_tree()
    townships = [tree.township.code, tree.other_township.code]
    process = new_process(tree)
    latest: dict[str, dict] = {}
    for index, rows in enumerate(sequence):
        stage = "initial" if index == 0 else "update"
        if stage == "initial" and not rows:
            rows = [(0, {})]
        _submit(process, stage, [{"region": townships[t], **row} for t, row in rows])
        for t, row in rows:
            latest[townships[t]] = indicators.parse_row(row)[0]
    expected = indicators.add_rows(latest.values())
    assert services.totals(process) == expected
    assert process.reports.order_by("-number").first().totals == indicators.as_json(expected)


def test_the_workbench_and_the_duty_desk_show_an_overdue_initial_report(client, tree):
    from anlan.disasters import duty_items
    from anlan.overview.items import workbench

    process = new_process(tree, hours_ago=3)
    shown = {s.key: s for s in workbench(persona("county_operator"))}
    assert shown["disaster_reports"].count >= 1 and shown["disaster_reports"].url == "/disasters/owed/"
    client.force_login(persona("county_operator"))
    assert client.get("/disasters/owed/").context["page"].paginator.count == shown["disaster_reports"].count
    assert "disaster_reports" not in {s.key for s in workbench(persona("township_officer"))}
    items = duty_items.reports_owed(tree.county.code, timezone.now())
    assert any(i.key == f"disaster:{process.pk}:initial" and "初报" in i.title and "已逾期" in i.title for i in items)
    assert duty_items.reports_owed(tree.township.code, timezone.now()) == []  # the county reports, not the township
