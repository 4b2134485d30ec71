"""The 一张图's layer of warnings in force: the boundaries of the regions a warning targets, coloured by its
level, with its headline and times; expired and cancelled warnings leave the map."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.alerts import services
from anlan.alerts.models import Warning
from anlan.testing.personas import persona
from tests.alerts.helpers import issue_warning

pytestmark = pytest.mark.django_db


def areas(client):
    return client.get("/api/v1/map/layers/warnings_in_force/").json()["features"]


def test_a_warning_in_force_is_drawn_as_the_regions_it_targets(client, tree):
    warning = issue_warning(tree, regions=[tree.township], level="orange", headline="山洪橙色预警")
    client.force_login(persona("county_operator"))
    found = [f for f in areas(client) if f["properties"]["id"] == warning.pk]
    assert len(found) == 1
    feature = found[0]
    assert feature["geometry"] == tree.township.boundary
    props = feature["properties"]
    assert props["name"] == "山洪橙色预警" and props["level"] == "橙色" and props["area"] == tree.township.name
    assert props["style"]["fillColor"] == "#f28c28"
    assert props["expires_label"] and props["url"] == f"/alerts/warning/{warning.pk}/"
    assert client.get(props["url"]).status_code == 200


def test_expired_and_cancelled_warnings_are_not_in_force(client, tree):
    expired = issue_warning(tree, regions=[tree.township])
    Warning.objects.filter(pk=expired.pk).update(expires=timezone.now() - dt.timedelta(minutes=1))
    cancelled = issue_warning(tree, regions=[tree.other_township])
    services.warning_follow_up(actor=persona("county_operator"), warning=cancelled, msg_type="Cancel")
    client.force_login(persona("county_operator"))
    shown = {f["properties"]["id"] for f in areas(client)}
    assert expired.pk not in shown and cancelled.pk not in shown
    assert not any(f["properties"]["name"].startswith("解除") for f in areas(client))
