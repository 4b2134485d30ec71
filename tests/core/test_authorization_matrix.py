"""Walk every endpoint registered with the API router as a user of another township.

Any object owned inside `township` carries that township's 9-digit code prefix in its data (its
region field, or its own code). Logged in as `other_township_officer`, no list may contain that
prefix and every such object's detail must be 404. New apps register viewsets with the same router,
so they are covered here without this test being edited.
"""

import json

import pytest
from django.urls import NoReverseMatch, reverse

from anlan.core.api import router
from anlan.core.testing.personas import persona


def _list_url(basename):
    return reverse(f"{basename}-list")


def _detail_url(basename, lookup):
    try:
        return reverse(f"{basename}-detail", args=[lookup])
    except NoReverseMatch:
        return None


@pytest.mark.django_db
def test_no_endpoint_leaks_another_townships_objects(client, tree):
    prefix = tree.township.code[:9]
    assert router.registry, "no API endpoints registered"
    walked = 0
    covered = set()
    for _, viewset, basename in router.registry:
        lookup_field = getattr(viewset, "lookup_field", "pk")
        client.force_login(persona("county_admin"))
        items = client.get(_list_url(basename), {"page_size": 1000}).json()
        items = items.get("results", items) if isinstance(items, dict) else items
        owned = [i for i in items if isinstance(i, dict) and prefix in json.dumps(i)]
        others = [i for i in items if isinstance(i, dict) and i not in owned]

        client.force_login(persona("other_township_officer"))
        listed = client.get(_list_url(basename), {"page_size": 1000})
        assert listed.status_code in (200, 403), basename
        assert prefix not in listed.content.decode(), f"{basename} list leaks {prefix}"
        for item in owned[:25] + others[:25]:
            key = item.get(lookup_field if lookup_field != "pk" else "id") or item.get("key")
            url = _detail_url(basename, key)
            if url is None:
                continue
            response = client.get(url)
            if item in owned:
                assert response.status_code in (403, 404), f"{url} is visible to another township"
            elif response.status_code == 200:
                assert prefix not in response.content.decode(), f"{url} leaks {prefix}"
            walked += 1
            covered.add(basename)
    assert {"region", "person", "enterprise", "map-layer"} <= covered
    assert walked > 30


@pytest.mark.django_db
def test_every_endpoint_requires_authentication(client):
    for _, _, basename in router.registry:
        assert client.get(_list_url(basename)).status_code == 401, basename
