"""The 一张图 layers a person turns on are kept on the server for them: the map opens the same on any
browser, an unknown layer is refused with nothing written, and the change is audited."""

import json

import pytest

from anlan.accounts.models import User
from anlan.core.models import AuditEntry
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db
URL = "/accounts/map-layers/"


def put(client, body):
    return client.put(URL, data=json.dumps(body), content_type="application/json")


def chosen_on_the_map_page(client) -> list:
    html = client.get("/geo/map/").content.decode()
    start = html.index('id="chosen-layers"')
    return json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])


def test_the_chosen_layers_follow_the_user_to_another_browser(client, django_user_model):
    officer = persona("township_officer")
    client.force_login(officer)
    assert client.get(URL).json() == {"layers": []}  # nothing chosen yet: the layers' defaults
    assert chosen_on_the_map_page(client) == []
    response = put(client, {"layers": ["townships", "alarms_open", "geohazard_sites", "alarms_open"]})
    assert response.status_code == 200
    assert response.json() == {"layers": ["townships", "alarms_open", "geohazard_sites"]}
    assert User.objects.get(pk=officer.pk).map_layers == ["townships", "alarms_open", "geohazard_sites"]
    entry = AuditEntry.objects.filter(action="map_layers_save", object_id=str(officer.pk)).get()
    assert entry.after == {"map_layers": ["townships", "alarms_open", "geohazard_sites"]}

    from django.test import Client

    other_browser = Client()
    other_browser.force_login(officer)
    assert chosen_on_the_map_page(other_browser) == ["townships", "alarms_open", "geohazard_sites"]
    other_browser.force_login(persona("county_operator"))
    assert chosen_on_the_map_page(other_browser) == []  # someone else's choice is their own


def test_an_unknown_layer_or_a_bad_body_is_refused_with_nothing_written(client):
    officer = persona("township_officer")
    client.force_login(officer)
    put(client, {"layers": ["townships"]})
    response = put(client, {"layers": ["townships", "no_such_layer"]})
    assert response.status_code == 400 and "no_such_layer" in response.json()["detail"]
    assert put(client, {"layers": "townships"}).status_code == 400
    bad = client.put(URL, data="{not json", content_type="application/json")
    assert bad.status_code == 400 and "JSON" in bad.json()["detail"]
    assert User.objects.get(pk=officer.pk).map_layers == ["townships"]
    assert AuditEntry.objects.filter(action="map_layers_save", object_id=str(officer.pk)).count() == 1


def test_saving_the_same_choice_again_writes_nothing(client):
    client.force_login(persona("viewer"))
    put(client, {"layers": ["county"]})
    put(client, {"layers": ["county"]})
    assert AuditEntry.objects.filter(action="map_layers_save").count() == 1
    assert client.post(URL).status_code == 405
