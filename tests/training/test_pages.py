"""The training pages open for the roles that use them, with the demo county's rows, in a fixed number of
queries; a role without the right is refused the writing pages."""

import pytest
from django.urls import reverse

from anlan.testing.personas import persona
from anlan.training.models import Exam, Material, TrainingSession

pytestmark = pytest.mark.django_db

LISTS = ["course", "trainingsession", "trainee", "certificate", "question", "exam", "material"]


@pytest.mark.parametrize("name", ["county_operator", "township_officer", "department_operator", "enterprise_user"])
def test_the_lists_open_for_each_unit(client, name):
    client.force_login(persona(name))
    for model in LISTS:
        page = client.get(reverse(f"training:{model}_list"))
        assert page.status_code == 200, model
    assert client.get(reverse("training:rates")).status_code == 200
    assert client.get(reverse("training:my_exams")).status_code == 200


@pytest.mark.parametrize("model", ["trainee", "certificate", "trainingsession", "question"])
def test_lists_make_a_fixed_number_of_queries(client, model, django_assert_max_num_queries):
    client.force_login(persona("county_operator"))
    with django_assert_max_num_queries(25):
        assert client.get(reverse(f"training:{model}_list"), {"page_size": 100}).status_code == 200


def test_the_demo_exam_results_and_a_session_page(client, django_assert_max_num_queries):
    client.force_login(persona("county_operator"))
    exam = Exam.objects.order_by("pk").first()
    with django_assert_max_num_queries(25):
        page = client.get(reverse("training:exam_results", args=[exam.pk]))
    assert page.status_code == 200 and "合格率" in page.content.decode()
    session = TrainingSession.objects.order_by("pk").first()
    assert client.get(reverse("training:trainingsession_detail", args=[session.pk])).status_code == 200
    assert client.get(reverse("training:session_attendance", args=[session.pk])).status_code == 200


def test_a_viewer_neither_enters_attendance_nor_uploads(client):
    client.force_login(persona("viewer"))
    session = TrainingSession.objects.order_by("pk").first()
    assert client.get(reverse("training:session_attendance", args=[session.pk])).status_code == 403
    assert client.get(reverse("training:material_upload")).status_code == 403
    assert client.get(reverse("training:exam_results", args=[Exam.objects.first().pk])).status_code == 200
    assert Material.objects.exists()
