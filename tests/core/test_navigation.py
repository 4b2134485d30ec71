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


LABELLED_LINK = re.compile(r'<a href="([^"]*)"[^>]*>([^<]+)</a>')

# An enterprise user's scope is one enterprise: the menu lists the records that are the enterprise's own
# (its register entry, responsible persons, hidden hazards and self-inspection reports, risk points and
# major hazard sources, its own rescue team and reserve stock), and no county reference table, region tree
# or area analysis (those lists would be empty or not theirs to work on). The inbox is in the header.
ENTERPRISE_MENU = {
    "责任人",
    "企业",
    "隐患台账",
    "上报隐患",
    "风险点",
    "重大危险源",
    "救援队伍",
    "仓库与储备点",
    "库存",
    "出入库台账",
    "库存预警",
    "执法文书",  # its own documents (enforcement: the records and decisions it receives)
    "API 文档",
    "企业监管分类",  # its own supervision class and caps (分类分级, anlan/enforcement)
    "现场检查",  # its own inspections, read only (enforcement)
    "处罚案件",  # its own penalty cases, read only (enforcement: CASE_READERS)
    # enforcement (credit): its own violation records, listing and 信用修复 applications, read only
    *("违法行为信息库", "严重失信主体名单", "信用修复申请"),
    # drills (应急条例 Art. 8: an enterprise drills and reports it): its own drills, problems and compliance row
    *("应急演练", "演练问题整改", "演练达标情况"),
    "应急预案",  # its own plans (plans: Plan scoped by enterprise since the issue-18 skeleton)
    # training (issue 19): its own staff's training — trainees, its sessions, certificates, its training rate
    *("参训人员", "培训班", "证书", "培训率"),
}


ACCOUNT_BLOCK = re.compile(r'<div class="navgroup phone-only" id="drawer-account">.*?</form>', re.S)


def menu_labels(client) -> dict[str, str]:
    """The work menu's entries, without the account block the phone drawer repeats from the header."""
    sidebar = SIDEBAR_LINK.search(client.get("/").content.decode()).group(0)
    sidebar = ACCOUNT_BLOCK.sub("", sidebar, count=1)
    return {label: url for url, label in LABELLED_LINK.findall(sidebar)}


@pytest.mark.django_db
def test_the_enterprise_user_is_offered_its_own_work_only(client, tree):
    user = persona("enterprise_user")
    client.force_login(user)
    menu = menu_labels(client)
    assert set(menu) == ENTERPRISE_MENU
    ledger = client.get(menu["隐患台账"])
    assert ledger.status_code == 200
    enterprise = client.get(menu["企业"]).content.decode()
    assert user.enterprise.name in enterprise


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["county_admin", "township_officer", "viewer"])
def test_area_roles_keep_their_registries_and_analyses(client, tree, name):
    client.force_login(persona(name))
    assert {"行政区划", "隐患统计", "区域风险指数", "物资目录", "突发事件"} <= set(menu_labels(client))


@pytest.mark.django_db
def test_menu_addresses_follow_the_prefix_the_site_is_served_under(rf):
    """The menu's addresses are resolved once and kept (core.context_processors._url), per prefix: a site
    served under /anlan/ links /anlan/…, and the same process serving at / again links /…"""
    from django.urls import get_script_prefix, set_script_prefix

    from anlan.core.context_processors import navigation

    request = rf.get("/")
    request.user = persona("county_admin")
    before = get_script_prefix()

    def menu() -> list[str]:
        context = navigation(request)
        return [url for _, items in context["nav_groups"] for _, url in items] + [u for _, u in context["nav_top"]]

    try:
        plain = menu()
        set_script_prefix("/anlan/")
        prefixed = menu()
        set_script_prefix("/")
        again = menu()
    finally:
        set_script_prefix(before)
    assert len(plain) > 20 and "/" in plain
    assert prefixed == ["/anlan" + url for url in plain]
    assert again == plain


@pytest.mark.django_db
def test_the_menu_is_built_once_per_kind_of_user_and_is_that_users_menu(rf, monkeypatch):
    """The menu is kept per kind of user (core.context_processors.menu_kind): a second page, or another
    user of the same kind, does not check the ~100 entries again; and what is kept is exactly the menu
    built afresh for each persona, so the key leaves out nothing the menu depends on."""
    from anlan.core import context_processors

    built = []
    build = context_processors.menu_groups
    monkeypatch.setattr(context_processors, "_MENUS", {})
    monkeypatch.setattr(context_processors, "menu_groups", lambda user: built.append(user) or build(user))

    def menu_of(user):
        request = rf.get("/")
        request.user = user
        return context_processors.navigation(request)["nav_groups"]

    for name in PERSONAS:
        user = persona(name)
        assert menu_of(user) == build(user), name
    assert len(built) == len(PERSONAS)
    for name in PERSONAS:
        menu_of(persona(name))
    menu_of(persona("other_township_officer"))  # another township: the same kind of user
    assert len(built) == len(PERSONAS)

    viewer = persona("township_officer")
    viewer.role = "viewer"  # a role changed: the menu of the new role, not the one kept for the old
    assert menu_of(viewer) == build(viewer) != menu_of(persona("township_officer"))


def test_the_menu_tag_writes_what_the_template_loop_wrote():
    """base.html draws the menu with a tag (anlan_menu.menu_groups) instead of a loop of ~1,000 template
    nodes: the same links, escaped the same way, the page's own link marked active."""
    from django.template import Context, Template

    link = '<a href="{{ url }}" class="{% if path == url %}active{% endif %}">{{ label }}</a>'
    loop = Template(
        """{% for group, items in nav_groups %}
    <div class="navgroup">
      <div class="navtitle">{{ group }}</div>
      {% for label, url in items %}"""
        + link
        + """{% endfor %}
    </div>
    {% endfor %}"""
    )
    tag = Template("{% load anlan_menu %}{% menu_groups nav_groups path %}")
    groups = [("隐患排查", [("隐患台账", "/hazards/hiddenhazard/"), ('<统计> & "分析"', "/hazards/stats/?a=1&b=2")])]
    groups.append(("系统", [("API 文档", "/api/docs/")]))
    for path in ("/hazards/hiddenhazard/", "/api/docs/", "/elsewhere/"):
        context = {"nav_groups": groups, "path": path}
        expected, drawn = (re.sub(r">\s+<", "><", t.render(Context(context))).strip() for t in (loop, tag))
        assert drawn == expected
        assert drawn.count('class="active"') == (path != "/elsewhere/")
    assert "&lt;统计&gt; &amp; &quot;分析&quot;" in drawn and "?a=1&amp;b=2" in drawn
