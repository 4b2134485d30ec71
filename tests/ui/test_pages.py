"""Every page and static file the UI uses is served by Anlan itself: no CDN, no outside address."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.contrib.staticfiles import finders

from anlan.core.kit import all_configs
from anlan.testing.personas import persona

# Absolute URLs that appear in vendored code but are never fetched: XML namespaces, a link in an
# attribution string we switch off, bug-tracker references and licence links in comments (ECharts, zrender).
NOT_FETCHED = {
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/2000/xmlns/",
    "http://www.w3.org/XML/1998/namespace",
    "http://www.apache.org/licenses/LICENSE-2.0",
    "https://github.com/ecomfe/zrender/blob/master/LICENSE",
    "https://leafletjs.com",
    "https://bugs.chromium.org/p/chromium/issues/detail?id=600120",
    "https://bugzilla.mozilla.org/show_bug.cgi?id=888319",
}
URL_RE = re.compile(r"""https?://[^\s"'`)<>]+""")
CSS_URL_RE = re.compile(r"url\(\s*['\"]?([^'\")]+)")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"src", "href", "action", "data-layers-url"} and value:
                self.refs.append((tag, name, value))


def _pages(client, tree):
    pages = ["/", "/geo/map/", "/audit/", "/api/docs/", "/overview/screen/", "/hazards/stats/", "/risk/index/"]
    for config in all_configs():
        pages += [url for action, url in config.urls().items() if action != "template"]
        first = config.model.objects.order_by("pk").first()
        if first is not None:
            pages.append(config.reverse("detail", first.pk))
            if not config.read_only:
                pages.append(config.reverse("edit", first.pk))
    return pages


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    return not parsed.scheme and not parsed.netloc


@pytest.mark.django_db
def test_pages_and_their_static_files_reference_only_this_server(client, tree):
    from django.test import Client

    anonymous = Client()
    client.force_login(persona("county_admin"))
    static_files: set[str] = set()
    for page in ["/accounts/login/", *_pages(client, tree)]:
        response = (anonymous if page == "/accounts/login/" else client).get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        parser = Links()
        parser.feed(html)
        for tag, attr, value in parser.refs:
            if value.startswith(("#", "?")):
                continue
            assert _is_local(value), f"{page}: <{tag} {attr}={value}> points outside the server"
            if value.startswith("/static/"):
                static_files.add(value.removeprefix("/static/").split("?")[0])
        for url in URL_RE.findall(html):
            assert url in NOT_FETCHED or "testserver" in url, f"{page} mentions {url}"
    assert any(f.endswith("leaflet.js") for f in static_files)
    assert any(f.endswith("map.js") for f in static_files)

    for name in sorted(static_files):
        path = finders.find(name)
        assert path, f"static file {name} is referenced but not installed (run make install)"
        text = Path(path).read_text(encoding="utf-8", errors="ignore")
        for url in URL_RE.findall(text):
            assert url.rstrip(".,;") in NOT_FETCHED, f"{name} references {url}"
        if name.endswith(".css"):
            for ref in CSS_URL_RE.findall(text):
                assert not urlparse(ref).netloc, f"{name} loads {ref}"


@pytest.mark.django_db
def test_bad_form_input_gets_chinese_messages_and_writes_nothing(client, tree):
    from anlan.registry.models import Person

    client.force_login(persona("township_officer"))
    before = Person.objects.count()
    response = client.post("/registry/person/add/", {"name": "", "region": "500237999999", "phone": "123"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "这个字段是必填项" in text or "必填" in text
    assert "不在您的管辖范围内" in text
    assert "电话号码格式不正确" in text
    assert Person.objects.count() == before
