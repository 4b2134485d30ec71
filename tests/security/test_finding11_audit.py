"""Finding 11 (audit): logins, logouts, failed logins, exports and every view of a full ID number are
written to the tamper-evident audit chain."""

import pytest

from anlan.core.audit import verify_chain
from anlan.core.models import AuditEntry
from anlan.registry.models import Person
from anlan.testing.personas import PASSWORD, persona


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


@pytest.mark.django_db
def test_login_logout_and_failed_login_are_audited(client):
    login(client, "viewer", "Wrong-Pass-1")
    login(client, "nobody", "Wrong-Pass-1")
    login(client, "viewer", PASSWORD)
    client.post("/accounts/logout/")
    failed = AuditEntry.objects.filter(action="login_failed").order_by("id")
    assert [e.after["username"] for e in failed] == ["viewer", "nobody"]
    assert failed[0].after["ip"] == "10.1.2.3"
    assert AuditEntry.objects.filter(action="login", actor_name="viewer").count() == 1
    assert AuditEntry.objects.filter(action="logout", actor_name="viewer").count() == 1
    assert verify_chain().ok


@pytest.mark.django_db
def test_an_excel_export_is_audited(client):
    client.force_login(persona("county_operator"))
    response = client.get("/registry/person/?export=xlsx&q=")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="export")
    assert entry.object_type == "registry.person" and entry.actor_name == "county_operator"
    assert "export=xlsx" in entry.after["query"]


@pytest.mark.django_db
def test_every_view_of_a_full_id_number_is_audited(client):
    person = Person.objects.exclude(id_number="").order_by("pk").first()
    # A masked number is not a view of the full one: nothing to audit.
    client.force_login(persona("county_operator"))
    assert person.id_number not in client.get(f"/registry/person/{person.pk}/").content.decode()
    assert not AuditEntry.objects.filter(action="view_id_number").exists()

    client.force_login(persona("county_admin"))  # the role that sees full ID numbers
    page = client.get(f"/registry/person/{person.pk}/").content.decode()
    assert person.id_number in page
    entry = AuditEntry.objects.get(action="view_id_number")
    assert (entry.object_type, entry.object_id, entry.actor_name) == ("registry.person", str(person.pk), "county_admin")

    data = client.get(f"/api/v1/persons/{person.pk}/").json()
    assert data["id_number"] == person.id_number
    assert AuditEntry.objects.filter(action="view_id_number").count() == 2

    # A list is one entry per person shown, written in one step at the end of the request.
    before = AuditEntry.objects.filter(action="view_id_number").count()
    shown = [p for p in client.get("/api/v1/persons/?page_size=5").json()["results"] if p["id_number"]]
    assert AuditEntry.objects.filter(action="view_id_number").count() == before + len(shown) > before
    assert verify_chain().ok

    # The edit form shows it in full in its input: audited as well.
    before = AuditEntry.objects.filter(action="view_id_number").count()
    assert person.id_number in client.get(f"/registry/person/{person.pk}/edit/").content.decode()
    assert AuditEntry.objects.filter(action="view_id_number").count() == before + 1
