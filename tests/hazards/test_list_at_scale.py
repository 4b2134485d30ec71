"""The hidden-hazard list at a large county's size (issue 21): the open and overdue filters name the open
statuses (the (status, deadline) index answers them), and a register too large for a drop-down is filtered
by the enterprise's number instead of a select of every enterprise."""

import pytest
from django.utils import timezone

from anlan.hazards import filters, workflow
from anlan.hazards.models import HiddenHazard
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def test_open_and_overdue_filters_count_what_not_closed_counts(client):
    client.force_login(persona("county_operator"))
    today = timezone.localdate()
    hazards = HiddenHazard.objects.filter(region__code__startswith="500237")
    not_closed = hazards.exclude(status=workflow.CLOSED)
    assert set(hazards.values_list("status", flat=True)) <= {*workflow.OPEN, workflow.CLOSED}
    for query, expected in (
        ("open=true", not_closed.count()),
        ("open=false", hazards.filter(status=workflow.CLOSED).count()),
        ("overdue=true", not_closed.filter(deadline__lt=today).count()),
        ("overdue=false", hazards.count() - not_closed.filter(deadline__lt=today).count()),
    ):
        response = client.get(f"/api/v1/hazards/?{query}")
        assert response.status_code == 200
        assert response.json()["count"] == expected > 0, query


def test_a_large_register_is_filtered_by_number_not_by_a_select_of_every_enterprise(client, monkeypatch):
    client.force_login(persona("county_operator"))
    hazard = HiddenHazard.objects.filter(enterprise__isnull=False).order_by("pk").first()
    page = client.get("/hazards/hiddenhazard/").content.decode()
    assert 'select name="enterprise"' in page  # the demo county's register: a drop-down

    monkeypatch.setattr(filters, "ENTERPRISE_CHOICES_MAX", 10)
    page = client.get(f"/hazards/hiddenhazard/?enterprise={hazard.enterprise_id}").content.decode()
    assert 'select name="enterprise"' not in page and 'type="number" name="enterprise"' in page
    assert hazard.title in page
    expected = HiddenHazard.objects.filter(enterprise=hazard.enterprise).count()
    assert client.get(f"/api/v1/hazards/?enterprise={hazard.enterprise_id}").json()["count"] == expected
    # A number outside the register is refused by the form as before (a message, not a server error).
    assert client.get("/hazards/hiddenhazard/?enterprise=999999999").status_code in (200, 400)
