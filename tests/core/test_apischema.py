"""The OpenAPI document is built once per process and language (anlan.core.apischema): a second request
of `/api/v1/schema/`, in YAML or JSON, and the API reference page do not run drf-spectacular's generator
again."""

import json

import pytest
import yaml
from drf_spectacular.generators import SchemaGenerator

from anlan.core import apischema
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    """Counts the generator's runs, from nothing kept."""
    apischema.forget()
    calls = []
    original = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    yield calls
    apischema.forget()


def test_the_schema_is_built_once_and_served_again(client, builds):
    client.force_login(persona("viewer"))
    first = client.get("/api/v1/schema/")
    assert first.status_code == 200 and len(builds) == 1
    assert first["Content-Type"] == "application/vnd.oai.openapi; charset=utf-8"
    document = yaml.safe_load(first.content)
    assert "/api/v1/regions/" in document["paths"]

    second = client.get("/api/v1/schema/")
    assert second.content == first.content
    as_json = client.get("/api/v1/schema/", {"format": "json"})
    assert as_json["Content-Type"] == "application/vnd.oai.openapi+json"
    assert json.loads(as_json.content) == document
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and "/api/v1/regions/" in docs.content.decode()
    assert len(builds) == 1, "neither the second request, the JSON form nor the reference page built it again"


def test_each_language_has_its_own_document(client, builds):
    client.force_login(persona("viewer"))
    chinese = client.get("/api/v1/schema/", {"format": "json"}).json()
    english = client.get("/api/v1/schema/", {"format": "json", "lang": "en"}).json()
    assert len(builds) == 2
    # DRF's own labels follow the language: the page size parameter of every list.
    regions = "/api/v1/regions/"
    assert chinese["paths"][regions]["get"] != english["paths"][regions]["get"]
    client.get("/api/v1/schema/", {"format": "json", "lang": "en"})
    assert len(builds) == 2


def test_the_schema_still_needs_a_login(client, builds):
    assert client.get("/api/v1/schema/").status_code in (401, 403)
    assert builds == []


def test_what_a_request_can_vary_without_bound_is_not_kept(client, builds):
    """An unknown language, a made-up version or an Accept header's parameters are served but not kept: a
    client could otherwise fill the process's memory with documents."""
    client.force_login(persona("viewer"))
    for _ in range(2):
        assert client.get("/api/v1/schema/", {"lang": "xx-made-up"}).status_code == 200
        assert client.get("/api/v1/schema/", {"version": "v9"}).status_code == 200
    assert len(builds) == 4 and apischema._schemas == {} and apischema._rendered == {}
    indented = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json; indent=2")
    assert indented.status_code == 200 and indented.content.startswith(b'{\n  "')
    # The document in Chinese is kept; the indented rendering of it is not.
    assert len(builds) == 5 and len(apischema._schemas) == 1 and apischema._rendered == {}
    client.get("/api/v1/schema/", {"format": "json"})  # the plain rendering is kept
    assert len(builds) == 5 and len(apischema._rendered) == 1
