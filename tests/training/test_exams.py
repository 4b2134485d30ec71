"""Online exams: start and submit, automatic scoring, the time limit, the attempts limit, the window, the signed
per-candidate link on the phone, and a pass issuing or renewing a certificate."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from anlan.core.errors import DomainError
from anlan.testing.personas import persona
from anlan.training import services
from anlan.training.models import Attempt, Certificate, Question

from . import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree):
    qs = helpers.questions(tree.county)
    someone = helpers.trainee(tree.township, name="王五")
    exam = helpers.exam(tree.county, qs, candidates=[someone])
    return exam, someone, qs


def test_all_right_scores_100_and_a_pass_issues_then_renews_the_certificate(setup):
    exam, someone, qs = setup
    exam.issue_certificate, exam.max_attempts = True, 3
    exam.save()
    attempt = services.attempt_start(exam=exam, trainee=someone, via="link")
    done = services.attempt_submit(attempt=attempt, answers=helpers.right_answers(qs))
    assert (done.score, done.correct, done.passed) == (Decimal("100.0"), 3, True)
    cert = Certificate.objects.get(trainee=someone)
    assert cert.kind == "training" and cert.exam == exam
    assert cert.expires_on == cert.issued_on.replace(year=cert.issued_on.year + 3)
    # A pass is final: no second sitting.
    with pytest.raises(DomainError, match="已通过"):
        services.attempt_start(exam=exam, trainee=someone, via="link")
    # The same certificate kind from another exam is renewed, not duplicated.
    cert.issued_on, cert.expires_on = dt.date(2020, 1, 1), dt.date(2023, 1, 1)
    cert.save()
    again = helpers.exam(exam.region, qs, candidates=[someone], issue_certificate=True, certificate_years=2)
    second = services.attempt_submit(
        attempt=services.attempt_start(exam=again, trainee=someone, via="link"), answers=helpers.right_answers(qs)
    )
    assert second.passed
    renewed = Certificate.objects.get(trainee=someone)
    assert renewed.pk == cert.pk and renewed.issued_on == timezone.localdate()
    assert renewed.expires_on.year == timezone.localdate().year + 2


def test_a_missing_option_on_the_multiple_choice_costs_the_question_unless_partial_credit(setup):
    exam, someone, qs = setup
    single, multiple, tf = qs
    answers = {str(single.pk): "B", str(multiple.pk): ["A", "C"], str(tf.pk): "错"}
    first = services.attempt_submit(
        attempt=services.attempt_start(exam=exam, trainee=someone, via="link"), answers=answers
    )
    assert (first.score, first.passed) == (Decimal("33.3"), False)
    exam.partial_credit, exam.pass_mark = True, 50
    exam.save()
    second = services.attempt_submit(
        attempt=services.attempt_start(exam=exam, trainee=someone, via="link"), answers=answers
    )
    assert (second.score, second.passed) == (Decimal("50.0"), True)
    assert second.answers[str(multiple.pk)] == "AC"


def test_a_sheet_handed_in_after_the_time_limit_is_not_accepted(setup):
    exam, someone, qs = setup
    start = timezone.now()
    attempt = services.attempt_start(exam=exam, trainee=someone, via="link", now=start)
    assert attempt.due_at == start + dt.timedelta(minutes=30)
    services.attempt_submit(attempt=attempt, answers=helpers.right_answers(qs), now=start + dt.timedelta(minutes=32))
    attempt.refresh_from_db()
    assert attempt.timed_out and attempt.passed is False and attempt.score == 0
    # Within the minute's grace the sheet still counts.
    late = services.attempt_start(exam=exam, trainee=someone, via="link", now=start + dt.timedelta(minutes=40))
    done = services.attempt_submit(
        attempt=late, answers=helpers.right_answers(qs), now=late.due_at + dt.timedelta(seconds=30)
    )
    assert done.passed


def test_the_time_limit_never_runs_past_the_exams_close(setup):
    exam, someone, _ = setup
    exam.closes_at = timezone.now() + dt.timedelta(minutes=10)
    exam.save()
    attempt = services.attempt_start(exam=exam, trainee=someone, via="link")
    assert attempt.due_at == exam.closes_at


def test_attempts_are_limited_and_an_open_sitting_is_resumed_not_counted_twice(setup):
    exam, someone, qs = setup
    wrong = {str(q.pk): "A" for q in qs}
    first = services.attempt_start(exam=exam, trainee=someone, via="link")
    assert services.attempt_start(exam=exam, trainee=someone, via="link").pk == first.pk  # reopened page
    services.attempt_submit(attempt=first, answers=wrong)
    services.attempt_submit(attempt=services.attempt_start(exam=exam, trainee=someone, via="link"), answers=wrong)
    with pytest.raises(DomainError, match="已用完 2 次"):
        services.attempt_start(exam=exam, trainee=someone, via="link")
    assert Attempt.objects.filter(exam=exam).count() == 2
    with pytest.raises(DomainError, match="已经交卷"):
        services.attempt_submit(attempt=first, answers=helpers.right_answers(qs))


def test_outside_the_window_or_off_the_list_nobody_starts(setup, tree):
    exam, someone, _ = setup
    with pytest.raises(DomainError, match="未开考"):
        services.attempt_start(exam=exam, trainee=someone, via="link", now=exam.opens_at - dt.timedelta(minutes=1))
    with pytest.raises(DomainError, match="已截止"):
        services.attempt_start(exam=exam, trainee=someone, via="link", now=exam.closes_at + dt.timedelta(minutes=1))
    stranger = helpers.trainee(tree.township, name="赵六")
    with pytest.raises(DomainError, match="不在这场考试的考生名单"):
        services.attempt_start(exam=exam, trainee=stranger, via="link")


def test_a_drawn_paper_takes_its_count_from_the_topic_and_audience(setup, tree):
    _, someone, _ = setup
    drawn = helpers.exam(
        tree.county, [], candidates=[someone], mode="draw", draw_count=5, draw_topic="flood", draw_audience="grid"
    )
    attempt = services.attempt_start(exam=drawn, trainee=someone, via="link")
    assert len(attempt.question_ids) == 5 == len(set(attempt.question_ids))
    papers = Question.objects.filter(pk__in=attempt.question_ids)
    assert {q.topic for q in papers} == {"flood"} and {q.audience for q in papers} <= {"grid", ""}
    tiny = helpers.exam(tree.county, [], candidates=[someone], mode="draw", draw_count=500, draw_topic="quake")
    quake = Question.objects.filter(region__pk__startswith=tree.county.code[:6], topic="quake").count()
    assert len(services.attempt_start(exam=tiny, trainee=someone, via="link").question_ids) == quake  # all there are


def test_the_candidate_takes_the_exam_on_the_phone_by_the_signed_link(client, setup):
    exam, someone, qs = setup
    url = services.exam_link(exam, someone)
    assert client.get(url).status_code == 200
    assert client.get(url[:-3] + "xx/").status_code == 404  # a forged signature
    page = client.post(url)
    assert "交卷" in page.content.decode()
    attempt = Attempt.objects.get(exam=exam, trainee=someone)
    data = {"attempt": attempt.pk}
    for key, value in helpers.right_answers(qs).items():
        data[f"q-{key}"] = value
    done = client.post(url, data)
    assert "得分 100.0 分" in done.content.decode()
    attempt.refresh_from_db()
    assert attempt.via == "link" and attempt.passed


def test_a_logged_in_candidate_finds_the_exam_under_my_exams(client, setup):
    exam, someone, _ = setup
    user = persona("village_grid_worker")
    someone.user = user
    someone.save()
    client.force_login(user)
    page = client.get(reverse("training:my_exams")).content.decode()
    assert exam.title in page
    assert client.get(reverse("training:exam_take", args=[exam.pk])).status_code == 200
    other = persona("viewer")
    client.force_login(other)
    assert exam.title not in client.get(reverse("training:my_exams")).content.decode()
    assert client.get(reverse("training:exam_take", args=[exam.pk])).status_code == 404


def test_the_results_table_and_its_export(client, setup):
    exam, someone, qs = setup
    services.attempt_submit(
        attempt=services.attempt_start(exam=exam, trainee=someone, via="link"), answers=helpers.right_answers(qs)
    )
    client.force_login(persona("county_operator"))
    page = client.get(reverse("training:exam_results", args=[exam.pk])).content.decode()
    assert "王五" in page and "100.0 分" in page and "合格" in page
    export = client.get(reverse("training:exam_results", args=[exam.pk]) + "?format=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_sitting_left_open_is_closed_as_timed_out_when_the_next_one_starts(setup):
    exam, someone, _ = setup
    start = timezone.now() - dt.timedelta(hours=2)
    exam.opens_at = start - dt.timedelta(hours=1)
    exam.save()
    left = services.attempt_start(exam=exam, trainee=someone, via="link", now=start)
    second = services.attempt_start(exam=exam, trainee=someone, via="link")
    left.refresh_from_db()
    assert second.pk != left.pk and left.timed_out and left.passed is False and left.score == 0
    services.attempt_submit(attempt=second, answers={})  # nothing answered: 0 points, the second attempt
    with pytest.raises(DomainError, match="已用完 2 次"):
        services.attempt_start(exam=exam, trainee=someone, via="link")


def test_a_forged_attempt_id_on_the_phone_page_is_a_404(client, setup):
    exam, someone, _ = setup
    url = services.exam_link(exam, someone)
    assert client.post(url, {"attempt": "abc"}).status_code == 404
    assert client.post(url, {"attempt": "999999"}).status_code == 404
