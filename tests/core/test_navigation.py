"""The menu offers only what a role may open, and list pages never carry a dead link."""

import re

import pytest

from anlan.core.kit import all_configs
from anlan.testing.personas import persona

PERSONAS = [
    "county_admin",
    "county_operator",
    "department_operator",
    "township_officer",
    "village_grid_worker",
    "enterprise_user",
    "team_leader",
    "viewer",
]
SIDEBAR_LINK = re.compile(r'<aside class="sidebar".*?</aside>', re.S)
HREF = re.compile(r'href="([^"]*)"')


def menu_links(client) -> list[str]:
    home = client.get("/")
    assert home.status_code == 200
    sidebar = SIDEBAR_LINK.search(home.content.decode()).group(0)
    return HREF.findall(sidebar)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PERSONAS)
def test_every_menu_link_opens_for_the_role_that_sees_it(client, tree, name):
    client.force_login(persona(name))
    links = menu_links(client)
    assert links, f"{name} sees an empty menu"
    refused = {url: client.get(url).status_code for url in links}
    refused = {url: code for url, code in refused.items() if code != 200}
    assert refused == {}, f"{name} is offered pages it cannot open: {refused}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["viewer", "enterprise_user", "team_leader"])
def test_roles_that_cannot_record_incidents_are_not_offered_intake(client, tree, name):
    client.force_login(persona(name))
    assert "/incidents/intake/" not in menu_links(client)


@pytest.mark.django_db
def test_no_list_page_renders_an_empty_link(client, tree):
    client.force_login(persona("county_admin"))
    for config in all_configs():
        url = config.reverse("list")
        page = client.get(url)
        assert page.status_code == 200, url
        assert 'href=""' not in page.content.decode(), f"{url} has a link that goes nowhere"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("list_url", "create_url"),
    [
        ("/hazards/hiddenhazard/", "/hazards/report/"),
        ("/alerts/warning/", "/alerts/warnings/compose/"),
        ("/incidents/incident/", "/incidents/intake/"),
    ],
)
def test_add_button_of_workflow_models_leads_to_their_creation_page(client, tree, list_url, create_url):
    client.force_login(persona("county_admin"))
    html = client.get(list_url).content.decode()
    assert f'<a class="button primary" href="{create_url}">新增</a>' in html
    assert client.get(create_url).status_code == 200
