"""Guard against HTTP 500 for ids a user can type: every URL pattern of the site, with every parameter
replaced by a non-numeric, negative, huge, malformed and existing id, fetched with GET as a county
administrator, a township officer and a viewer, answers 2xx/3xx/400/403/404/405 — never a server error.

A page that only takes POST still gets a GET: it must answer 405, not fail.

An address that matches no URL pattern (a letter where the pattern takes digits) never reaches a view:
what answers is the middleware and the 404 page, which differ by role only in the page's frame. The
county administrator requests every such address; the other roles one per app (first path segment), so
each role's 404 page is still checked and the crawl stays about a third shorter. On PostgreSQL the county
administrator too requests one per app (urls_for): the unmatched addresses run no query the others do not.
One test per role: the two xdist workers share the crawl."""

import re

import pytest
from django.db import connection, transaction
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern

from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

ROLES = ("county_admin", "township_officer", "viewer")
# "999999999" (a valid id of no row) adds nothing over the rows out of scope and the 25-digit id: left out to
# keep the crawl short.
BAD_IDS = ("abc", "-1", "new", "%00", "1e9", "9" * 25)
ALLOWED = {200, 204, 301, 302, 303, 400, 403, 404, 405}
PLACEHOLDER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


def _route(pattern) -> str:
    """The pattern as a route with <name> placeholders (regex patterns are rewritten the same way)."""
    if isinstance(pattern, RegexPattern):
        text = REGEX_GROUP.sub(lambda m: f"<{m['name']}>", pattern.regex.pattern)
        return text.replace("^", "").replace("$", "").replace("\\Z", "").replace("/?", "/").replace("\\.", ".")
    return str(pattern)


def site_patterns(patterns=None, prefix=""):
    """(route, url pattern) for every endpoint of the site, walking recursively through includes."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + _route(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from site_patterns(entry.url_patterns, route)
        else:
            yield route, entry


def _model_of(entry: URLPattern):
    """The model a detail-like page or API route shows, when the view says so (registry kit, DRF)."""
    callback = entry.callback
    config = (getattr(callback, "view_initkwargs", None) or {}).get("config")
    if config is not None:
        return config.model
    viewset = getattr(callback, "cls", None)
    queryset = getattr(viewset, "queryset", None)
    return queryset.model if queryset is not None else None


def _existing_ids(model) -> list[str]:
    """The first and the last row: the county admin sees both, a township officer usually not both."""
    if model is None:
        return []
    pks = model._default_manager.order_by("pk").values_list("pk", flat=True)
    first, last = pks.first(), pks.last()
    return sorted({str(pk) for pk in (first, last) if pk is not None})


def _fill(route: str, value: str, suffix: str = "json") -> str:
    return "/" + PLACEHOLDER.sub(lambda m: suffix if m["name"] == "format" else value, route)


def urls_to_try() -> list[str]:
    urls = set()
    for route, entry in site_patterns():
        names = [m["name"] for m in PLACEHOLDER.finditer(route)]
        existing = _existing_ids(_model_of(entry))
        if not names:
            urls.add("/" + route)
        elif "format" in names:
            # A format-suffix route (…/1.json/) routes ids exactly as its plain twin, which gets every id:
            # here one bad id, the real rows, and an unknown suffix are enough.
            urls.update(_fill(route, value) for value in ("abc", *existing))
            urls.add(_fill(route, "1", suffix="abc"))
        else:
            urls.update(_fill(route, value) for value in (*BAD_IDS, *existing))
    return sorted(urls)


def _resolves(url: str) -> bool:
    try:
        resolve(url.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def urls_for(role: str, urls: list[str], vendor: str = "sqlite") -> list[str]:
    """Every address for the first role; for the others every address that reaches a view, and one of
    the addresses that do not per app (see the module docstring). On PostgreSQL the first role too takes
    one unmatched address per app: what answers those is the middleware and the 404 page, whose queries
    (the session, the menu, the duty header, the unread count) every other request runs as well, so the
    ~1,900 others would repeat the SQLite run exactly."""
    if role == ROLES[0] and vendor != "postgresql":
        return urls
    chosen, apps_seen = [], set()
    for url in urls:
        if _resolves(url):
            chosen.append(url)
        elif (app := url.split("/")[1]) not in apps_seen:
            apps_seen.add(app)
            chosen.append(url)
    return chosen


@pytest.mark.parametrize("role", ROLES)
def test_no_url_of_the_site_answers_500_for_any_id(client, role):
    client.raise_request_exception = True
    all_urls = urls_to_try()
    assert len(all_urls) > 1000, "the walk must reach the id-taking routes of every app"
    urls = urls_for(role, all_urls, connection.vendor)
    failures = []
    client.force_login(persona(role))
    for url in urls:
        try:
            # A savepoint per request: on PostgreSQL one failed query must not poison the next requests.
            with transaction.atomic():
                status = client.get(url).status_code
        except Exception as error:
            failures.append(f"{role} GET {url!r}: {type(error).__name__}: {str(error)[:160]}")
            continue
        if status not in ALLOWED:
            failures.append(f"{role} GET {url!r}: HTTP {status}")
    assert not failures, f"{len(failures)} of {len(urls)} requests failed:\n" + "\n".join(failures)


@pytest.mark.parametrize(
    "url",
    [
        "/registry/enterprise/new/",
        "/resources/shelter/abc/",
        "/hazards/hiddenhazard/abc/",
        "/sites/hazardsite/x/edit/",
        "/registry/department/1e9/",
        "/registry/department/" + "9" * 25 + "/",
        "/geo/region/12345/",
    ],
)
def test_the_ids_found_in_issue_13_are_not_found_pages(client, url):
    client.force_login(persona("county_admin"))
    assert client.get(url).status_code == 404


def test_a_region_page_is_reached_by_its_12_digit_code(client, tree):
    client.force_login(persona("county_admin"))
    assert client.get(f"/geo/region/{tree.village.code}/").status_code == 200


def test_a_nul_byte_in_a_filter_is_a_bad_request_not_a_database_error(client):
    client.force_login(persona("county_admin"))
    assert client.get("/hazards/hiddenhazard/", {"status": "\x00"}).status_code == 400
    assert client.get("/api/v1/monitoring/sensors/%00/").status_code == 404
