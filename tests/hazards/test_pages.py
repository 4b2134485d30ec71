"""The phone pages for reporting and handling hazards: scope, roles and bad input."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anlan.hazards.models import HazardPhoto, HiddenHazard
from anlan.testing.helpers import image_bytes
from anlan.testing.personas import persona

PNG = image_bytes("PNG")


def form(tree, region=None, **extra):
    return {
        "title": "山坡滚石",
        "description": "坡面有松动岩块",
        "level": "general",
        "region": (region or tree.village).code,
        "deadline": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        **extra,
    }


@pytest.mark.django_db
def test_village_worker_reports_with_photo(client, tree):
    client.force_login(persona("village_grid_worker"))
    photo = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    response = client.post("/hazards/report/", {**form(tree), "photo": photo})
    assert response.status_code == 302
    hazard = HiddenHazard.objects.get(title="山坡滚石")
    assert hazard.source == "patrol" and hazard.reporter_name
    assert HazardPhoto.objects.filter(hazard=hazard, stage="before").count() == 1


@pytest.mark.django_db
def test_report_in_other_township_is_refused_and_nothing_written(client, tree):
    client.force_login(persona("village_grid_worker"))
    response = client.post("/hazards/report/", form(tree, region=tree.other_village))
    assert response.status_code == 400
    assert "不在您的管辖范围内" in response.content.decode()
    assert not HiddenHazard.objects.filter(title="山坡滚石").exists()


@pytest.mark.django_db
def test_a_bad_photo_rolls_back_the_report(client, tree):
    client.force_login(persona("village_grid_worker"))
    fake = SimpleUploadedFile("a.png", b"GIF89a not a png", content_type="image/png")
    response = client.post("/hazards/report/", {**form(tree), "photo": fake})
    assert response.status_code == 400
    assert "JPEG" in response.content.decode() or "PNG" in response.content.decode()
    assert not HiddenHazard.objects.filter(title="山坡滚石").exists()


@pytest.mark.django_db
def test_viewer_may_not_report(client):
    client.force_login(persona("viewer"))
    assert client.get("/hazards/report/").status_code == 403


@pytest.mark.django_db
def test_handle_page_of_other_township_is_404_and_wrong_role_step_is_403(client, tree):
    client.force_login(persona("village_grid_worker"))
    client.post("/hazards/report/", form(tree))
    hazard = HiddenHazard.objects.get(title="山坡滚石")
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/hazards/{hazard.pk}/handle/").status_code == 404
    client.force_login(persona("village_grid_worker"))
    refused = client.post(f"/hazards/{hazard.pk}/handle/", {"action": "assign", "responsible": "我"})
    assert refused.status_code == 403
    hazard.refresh_from_db()
    assert hazard.status == "reported"


@pytest.mark.django_db
def test_handle_wrong_state_shows_message(client, tree):
    client.force_login(persona("village_grid_worker"))
    client.post("/hazards/report/", form(tree))
    hazard = HiddenHazard.objects.get(title="山坡滚石")
    client.force_login(persona("township_officer"))
    response = client.post(f"/hazards/{hazard.pk}/handle/", {"action": "verify"})
    assert response.status_code == 400
    assert "不能“验收销号”" in response.content.decode()


@pytest.mark.django_db
def test_photo_is_not_served_out_of_scope(client, tree):
    client.force_login(persona("village_grid_worker"))
    photo = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    client.post("/hazards/report/", {**form(tree), "photo": photo})
    item = HazardPhoto.objects.get(hazard__title="山坡滚石")
    assert client.get(f"/hazards/photo/{item.pk}/").status_code == 200
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/hazards/photo/{item.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_report_page_shows_its_default_deadline_in_the_form_a_date_input_accepts(client):
    client.force_login(persona("village_grid_worker"))
    page = client.get("/hazards/report/").content.decode()
    # <input type="date"> shows only yyyy-MM-dd; the locale's 2026/12/10 leaves the field empty.
    default = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    assert f'type="date" name="deadline" value="{default}"' in page
