"""Choice lists draw names without decrypting phones and ID numbers (core.fields.names_only): the filter and
the form of a list over people decrypt nothing per option, and no model's name reads an encrypted column."""

import inspect

import pytest

from anlan.core import crypto
from anlan.core.fields import encrypted_fields, encrypted_models, names_only
from anlan.registry.models import Person
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def decryptions(monkeypatch):
    """The values decrypted, counted."""
    seen = []
    original = crypto.decrypt_field

    def counted(token):
        seen.append(token)
        return original(token)

    monkeypatch.setattr(crypto, "decrypt_field", counted)
    return seen


@pytest.mark.parametrize("model", encrypted_models(), ids=lambda m: m._meta.label)
def test_a_row_is_named_without_its_encrypted_columns(model):
    encrypted = {f.attname for f in encrypted_fields(model)}
    # What the name is made of, for every model (some have no row in the demo county)...
    source = inspect.getsource(model.__str__) if "__str__" in vars(model) else ""
    assert not [name for name in encrypted if f"self.{name}" in source], source
    # ...and a demo row named with those columns left unloaded: they stay unloaded.
    row = names_only(model._default_manager.all()).first()
    if row is not None:
        assert encrypted <= row.get_deferred_fields()
        str(row)
        assert encrypted <= row.get_deferred_fields()


def test_the_ranger_filter_offers_every_person_by_name_and_decrypts_none(client, decryptions):
    client.force_login(persona("county_admin"))
    page = client.get("/forestfire/ranger/")
    assert page.status_code == 200
    html = page.content.decode()
    people = list(Person.objects.order_by("pk").values_list("name", flat=True))
    assert len(people) > 1000
    assert f">{people[0]}</option>" in html and f">{people[-1]}</option>" in html
    # Before, every person's phone and ID number: two decryptions per option. What remains is the header's
    # on-duty people, whose phones the county administrator sees.
    assert len(decryptions) <= 6, len(decryptions)


def test_the_ranger_form_offers_people_without_decrypting_them(client, decryptions):
    client.force_login(persona("county_admin"))
    page = client.get("/forestfire/ranger/add/")
    assert page.status_code == 200
    assert Person.objects.order_by("pk").values_list("name", flat=True).first() in page.content.decode()
    assert len(decryptions) <= 6, len(decryptions)


def test_a_list_decrypts_no_column_it_does_not_show(client, decryptions):
    """The hazard list shows no reporter phone: the 50 rows' phones are not read (before: one decryption a row)."""
    client.force_login(persona("county_admin"))
    page = client.get("/hazards/hiddenhazard/")
    assert page.status_code == 200 and page.content.decode().count("/hazards/hiddenhazard/") > 50
    assert len(decryptions) <= 6, len(decryptions)
