"""Built 一张图 layers are kept per process (geo.layers.built_collection) and revalidated by ETag: a change
shows on the very next request, a browser that has the current layer gets a 304 without the body, and two
scopes never share a kept layer."""

import pytest

from anlan.core import services
from anlan.core.audit import snapshot
from anlan.sites.models import HazardSite
from anlan.testing.helpers import count_queries
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

URL = "/api/v1/map/layers/geohazard_sites/"


def _get(client, etag=None):
    headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
    return client.get(URL, **headers)


def _names(response) -> set[str]:
    return {f["properties"]["name"] for f in response.json()["features"]}


def _site(tree, **fields) -> HazardSite:
    site = HazardSite.objects.filter(region__code__startswith=tree.township.code[:9], status="active").first()
    values = {
        "name": "缓存测试新隐患点",
        "kind": "landslide",
        "scale": "small",
        "region": tree.village,
        "lon": site.lon,
        "lat": site.lat,
        **fields,
    }
    return HazardSite(code=f"HC{fields.get('name', 'x')[:4]}-{tree.village.code[-4:]}", **values)


def test_an_unchanged_layer_is_answered_304_and_a_changed_one_at_once(client, tree):
    client.force_login(persona("county_operator"))
    first = _get(client)
    etag = first["ETag"]
    assert first.status_code == 200 and etag and first["Cache-Control"] == "private, no-cache"
    again = _get(client, etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag

    # A site added through the service (audited) is there on the next request, with a new ETag.
    actor = persona("county_admin")
    site = _site(tree)
    services.object_create(actor=actor, instance=site)
    added = _get(client, etag)
    assert added.status_code == 200 and added["ETag"] != etag
    assert "缓存测试新隐患点" in _names(added)

    # Renamed: the name changes at once.
    before = snapshot(site)
    site.name = "缓存测试改名隐患点"
    services.object_update(actor=actor, instance=site, before=before)
    renamed = _get(client, added["ETag"])
    assert renamed.status_code == 200
    assert "缓存测试改名隐患点" in _names(renamed) and "缓存测试新隐患点" not in _names(renamed)

    # Removed (a status no longer on the layer): gone at once.
    before = snapshot(site)
    site.status = HazardSite.Status.REMOVED
    services.object_update(actor=actor, instance=site, before=before)
    assert "缓存测试改名隐患点" not in _names(_get(client, renamed["ETag"]))


def test_rows_written_without_the_services_show_too(client, tree):
    """A bulk load (load-demo, bench api's synthetic sites) writes no audit entry: the row count and the
    highest id still move the version."""
    client.force_login(persona("county_operator"))
    etag = _get(client)["ETag"]
    HazardSite.objects.bulk_create([_site(tree, name="批量导入隐患点")])
    added = _get(client, etag)
    assert added.status_code == 200 and "批量导入隐患点" in _names(added)
    HazardSite.objects.filter(name="批量导入隐患点").delete()
    removed = _get(client, added["ETag"])
    assert removed.status_code == 200 and "批量导入隐患点" not in _names(removed)


def test_scopes_never_share_a_kept_layer(client, tree):
    client.force_login(persona("county_operator"))
    county = _get(client)
    client.force_login(persona("township_officer"))
    township = _get(client)
    # The county's ETag names another scope: no 304 for it, and the township's own layer comes back.
    assert _get(client, county["ETag"]).status_code == 200
    assert township["ETag"] != county["ETag"]
    prefix = tree.township.code[:9]
    regions = {f["properties"]["region"] for f in township.json()["features"]}
    assert regions and all(code.startswith(prefix) for code in regions)
    assert len(township.json()["features"]) < len(county.json()["features"])
    client.force_login(persona("other_township_officer"))
    other = _get(client, township["ETag"])
    assert other.status_code == 200
    assert not any(f["properties"]["region"].startswith(prefix) for f in other.json()["features"])


def test_a_kept_layer_is_not_built_again(client):
    client.force_login(persona("county_operator"))
    _get(client)  # the session settles
    with count_queries() as first:
        built = _get(client, "")
    with count_queries() as queries:
        kept = _get(client)
    assert kept.content == built.content
    builds = [q["sql"] for q in first.captured_queries if "JSON_GROUP_ARRAY" in q["sql"].upper()]
    assert builds == []  # the first request above was already served from what was kept
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any("JSON_GROUP_ARRAY" in s.upper() or "STRING_AGG" in s.upper() for s in sql), sql


def test_the_version_is_read_in_one_query_whatever_the_layer_size(client):
    from anlan.geo.layers import forget_built_layers

    client.force_login(persona("county_operator"))
    _get(client)
    with count_queries() as kept:
        _get(client)
    forget_built_layers()
    with count_queries() as rebuilt:
        _get(client)
    # Building adds exactly the one query that writes the JSON; keeping needs only the version's one.
    assert len(rebuilt.captured_queries) == len(kept.captured_queries) + 1
    version = [q["sql"] for q in kept.captured_queries if "sites_hazardsite" in q["sql"]]
    assert len(version) == 1 and "core_auditentry" in version[0], version


def test_a_layer_annotated_from_another_table_changes_with_it(client, tree):
    """The enterprises layer carries each one's credit flag from another table: a listing written there,
    even without an audit entry, shows on the next request."""
    from anlan.registry.models import Enterprise
    from tests.enforcement.credit_fixtures import listing

    client.force_login(persona("county_admin"))
    url = "/api/v1/map/layers/enterprises/"
    first = client.get(url)
    enterprise = (
        Enterprise.objects.filter(region__pk__startswith=tree.county.code[:6], lon__isnull=False, lat__isnull=False)
        .exclude(credit_listings__isnull=False)
        .order_by("pk")
        .first()
    )
    listing(enterprise)  # written directly: no audit entry
    second = client.get(url, HTTP_IF_NONE_MATCH=first.get("ETag", ""))
    assert second.status_code == 200
    flags = {f["id"]: f["properties"]["enterprise_flags"] for f in second.json()["features"]}
    assert flags[enterprise.pk]
