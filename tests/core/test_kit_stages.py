"""The registry kit's `fields_by_status`: a detail field named there shows only in the record's listed statuses
(or when its callable says so); fields not named always show; a name not on the detail is refused at registration,
and so is a stage read from a status field the model does not have."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured

from anlan.core import kit
from anlan.registry.models import Person


def config(**extra) -> kit.ModelConfig:
    return kit.ModelConfig(
        model=Person, list_columns=["name"], form_fields=["name", "phone", "position"], menu_group="测试", **extra
    )


def test_a_field_shows_in_its_statuses_or_by_its_callable():
    c = config(fields_by_status={"phone": {"paid"}, "position": lambda obj: obj.flag}, status_field="state")
    new = SimpleNamespace(state="new", flag=False)
    paid = SimpleNamespace(state="paid", flag=True)
    assert c.detail_columns_of(new) == ["name"]
    assert c.detail_columns_of(paid) == ["name", "phone", "position"]
    assert config().detail_columns_of(new) == ["name", "phone", "position"]


def test_registration_refuses_a_field_not_on_the_detail(monkeypatch):
    monkeypatch.setattr(kit, "_REGISTRY", {})
    with pytest.raises(ImproperlyConfigured, match="amount"):
        kit.register(config(fields_by_status={"amount": {"paid"}}))
    assert kit._REGISTRY == {}


def test_registration_refuses_statuses_without_a_status_field(monkeypatch):
    monkeypatch.setattr(kit, "_REGISTRY", {})
    with pytest.raises(FieldDoesNotExist):
        kit.register(config(fields_by_status={"phone": {"paid"}}))
    kit.register(config(fields_by_status={"phone": lambda obj: True}))  # a callable needs no status field
    assert Person in kit._REGISTRY
