"""Document numbers: sequential per kind and year from 1, without gaps when an issue rolls back, never the
same number twice when two officers issue at once (PostgreSQL, where two connections really run together)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from anlan.core.errors import DomainError
from anlan.enforcement import numbering
from anlan.enforcement.models import DocumentCounter, DocumentKind, IssuedDocument
from anlan.enforcement.numbering import issue_document
from anlan.testing.personas import persona

K = DocumentKind
# Years no demo data issues documents in.
YEAR = 2031


def _issue(kind, year, tree, actor=None, month=3):
    return issue_document(
        actor=actor or persona("county_operator"), kind=kind, region=tree.township, issued_on=dt.date(year, month, 1)
    )


@pytest.mark.django_db
def test_numbers_run_from_one_per_kind_and_year(tree):
    first, second = _issue(K.INSPECTION_RECORD, YEAR, tree), _issue(K.INSPECTION_RECORD, YEAR, tree, month=12)
    order = _issue(K.RECTIFICATION_ORDER, YEAR, tree)
    next_year = _issue(K.INSPECTION_RECORD, YEAR + 1, tree, month=1)
    assert (first.seq, second.seq, order.seq, next_year.seq) == (1, 2, 1, 1)
    assert first.number == f"（巫山）应急检记〔{YEAR}〕1号"
    assert second.number == f"（巫山）应急检记〔{YEAR}〕2号"
    assert order.number == f"（巫山）应急责改〔{YEAR}〕1号"
    assert next_year.number == f"（巫山）应急检记〔{YEAR + 1}〕1号"
    assert numbering.next_seq(K.INSPECTION_RECORD, YEAR) == 3
    assert numbering.next_seq(K.INSPECTION_RECORD, YEAR) == 3  # a preview takes nothing


@pytest.mark.django_db
def test_a_rolled_back_issue_leaves_no_gap(tree):
    _issue(K.PENALTY_DECISION, YEAR, tree)

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        taken = _issue(K.PENALTY_DECISION, YEAR, tree)
        assert taken.seq == 2
        raise Refused  # the step that needed the document failed after the number was taken
    again = _issue(K.PENALTY_DECISION, YEAR, tree)
    assert again.seq == 2 and again.number.endswith(f"〔{YEAR}〕2号")
    assert DocumentCounter.objects.get(kind=K.PENALTY_DECISION, year=YEAR).last == 2
    assert list(IssuedDocument.objects.filter(kind=K.PENALTY_DECISION, year=YEAR).values_list("seq", flat=True)) == [
        2,
        1,
    ]


@pytest.mark.django_db
def test_the_abbreviation_in_force_is_printed_and_old_numbers_keep_theirs(tree):
    before = _issue(K.HEARING_NOTICE, YEAR, tree)
    numbering.set_abbreviations(actor=persona("county_operator"), values={K.HEARING_NOTICE: "听证告"})
    after = _issue(K.HEARING_NOTICE, YEAR, tree)
    assert before.number == f"（巫山）应急听告〔{YEAR}〕1号"
    assert after.number == f"（巫山）应急听证告〔{YEAR}〕2号"
    before.refresh_from_db()
    assert before.number == f"（巫山）应急听告〔{YEAR}〕1号"


@pytest.mark.django_db
def test_the_short_name_is_the_setting_or_the_county_of_the_documents_region(tree, settings):
    assert numbering.county_short_name(tree.village) == "巫山"
    settings.ANLAN_ENFORCEMENT_SHORT_NAME = "巫"
    assert _issue(K.CASE_OPENING, YEAR, tree).number == f"（巫）应急立审〔{YEAR}〕1号"


@pytest.mark.django_db
def test_abbreviations_are_refused_when_ambiguous_or_not_by_county_roles(tree):
    with pytest.raises(DomainError) as refused:
        numbering.set_abbreviations(actor=persona("county_operator"), values={K.CASE_CLOSING: "罚决"})
    assert refused.value.code == "document.prefix_duplicate" and refused.value.field == K.CASE_CLOSING
    assert "《结案审批表》与《行政处罚决定书》的简称都是“罚决”" in refused.value.message
    with pytest.raises(DomainError) as refused:
        numbering.set_abbreviations(actor=persona("county_operator"), values={K.CASE_CLOSING: " "})
    assert refused.value.code == "document.prefix_invalid"
    with pytest.raises(DomainError) as refused:
        numbering.set_abbreviations(actor=persona("township_officer"), values={K.CASE_CLOSING: "结"})
    assert refused.value.status == 403
    with pytest.raises(DomainError) as refused:
        _issue("no_such_kind", YEAR, tree)
    assert refused.value.code == "document.unknown_kind"


@pytest.mark.django_db
def test_taking_a_number_locks_the_counter_row(tree):
    with CaptureQueriesContext(connection) as queries:
        _issue(K.INTERROGATION, YEAR, tree)
    if connection.vendor == "postgresql":
        assert any("FOR UPDATE" in q["sql"] and "enforcement_documentcounter" in q["sql"] for q in queries)


def _waiting_for_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.postgres_only  # concurrent connections: SQLite serialises writers (the SQLite run deselects it)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("counter_exists", [True, False], ids=["counter-row", "first-of-the-year"])
def test_two_officers_issuing_at_once_never_share_a_number(tree, counter_exists):
    """The first holds its number in an open transaction; the second must wait for it (seen waiting on a
    lock in pg_stat_activity), then take the next number. Without the row lock both would read the same
    last number; without the unique-index fallback the first-of-the-year case would fail."""
    actor = persona("county_operator")
    if counter_exists:
        _issue(K.ON_SPOT_DECISION, YEAR, tree, actor)
    base = DocumentCounter.objects.filter(kind=K.ON_SPOT_DECISION, year=YEAR).values_list("last", flat=True).first()
    base = base or 0
    first_took, release = threading.Event(), threading.Event()
    taken: dict[str, int] = {}
    errors: list[BaseException] = []

    def first():
        try:
            with transaction.atomic():
                taken["first"] = _issue(K.ON_SPOT_DECISION, YEAR, tree, actor).seq
                first_took.set()
                assert release.wait(timeout=30), "the second officer never blocked"
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            first_took.set()
        finally:
            connection.close()

    def second():
        try:
            assert first_took.wait(timeout=30)
            taken["second"] = _issue(K.ON_SPOT_DECISION, YEAR, tree, actor).seq
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert first_took.wait(timeout=30)
    blocked = False
    for _ in range(3000):  # until the second officer waits on the lock (bounded: 30 s of polls)
        if _waiting_for_a_lock():
            blocked = True
            break
        threading.Event().wait(0.01)
    release.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert blocked, "the second issue did not wait for the first one's lock"
    assert (taken["first"], taken["second"]) == (base + 1, base + 2)
    numbers = list(IssuedDocument.objects.filter(kind=K.ON_SPOT_DECISION, year=YEAR).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == base + 2
