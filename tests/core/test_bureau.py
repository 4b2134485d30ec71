"""Whose pages these are: the bureau's name on public and staff pages, and the site's icon."""

import re

import pytest

from anlan.core.bureau import bureau_name
from anlan.risk.models import RiskPoint
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def title(response) -> str:
    return TITLE.search(response.content.decode()).group(1)


def public_pages() -> list[str]:
    point = RiskPoint.objects.order_by("pk").first()
    return ["/p/tip/", "/p/warnings/", "/p/warnings/subscribe/", f"/p/risk/{point.public_token}/"]


def test_the_name_defaults_to_the_county_loaded_here(tree):
    assert bureau_name() == "巫山县应急管理局"


def test_public_pages_carry_the_bureau_name_in_their_header_and_title(client, tree):
    for url in public_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<span id="bureau-name">巫山县应急管理局</span>' in response.content.decode(), url
        assert title(response).endswith(" · 巫山县应急管理局"), url


def test_a_configured_name_replaces_the_derived_one(client, tree, settings):
    settings.ANLAN_BUREAU_NAME = "重庆市巫山县应急管理局"
    assert "重庆市巫山县应急管理局" in client.get("/p/tip/").content.decode()
    client.force_login(persona("township_officer"))
    home = client.get("/")
    assert '<span class="bureau">重庆市巫山县应急管理局</span>' in home.content.decode()
    assert "重庆市巫山县应急管理局" in title(home)


def test_the_login_page_names_the_bureau(client, tree):
    assert "巫山县应急管理局" in client.get("/accounts/login/").content.decode()


def test_staff_and_public_pages_link_the_icon_served_from_this_site(client, tree):
    client.force_login(persona("village_grid_worker"))
    for url in ["/", "/p/tip/"]:
        page = client.get(url).content.decode()
        icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', page)
        assert len(icons) == 3, url
        for href in icons:
            assert href.startswith("/static/anlan/"), href  # no outside address: isolated networks
            served = client.get(href)
            assert served.status_code == 200, href
            assert served["Content-Type"].startswith("image/"), href


def test_favicon_ico_leads_to_the_icon(client, tree):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert client.get(response["Location"]).status_code == 200
