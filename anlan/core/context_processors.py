"""Left navigation by module, built from the registry kit (menu entries follow registrations)."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

from .kit import all_configs, links_for, offered_to, registrations
from .models import AuditEntry
from .regions import region_model
from .roles import role_allows


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_top": [("首页", _url("home")), ("一张图", _url("geo:map"))],
        "nav_groups": _kept_menu(user),
        "user_region_name": SimpleLazyObject(lambda: _region_name(user.region_id)),
    }


# The menu per kind of user: what `menu_groups` reads of a user is the key (below), with the registrations
# and the addresses' URLconf and prefix. About a hundred role and scope checks and a sort on every page
# otherwise (~8 ms of a page's CPU under the test client), for a menu that is the same for every user of a
# kind. Kept per process: roles, scope specs and registrations are code.
_MENUS: dict[tuple, list] = {}


def menu_kind(user) -> tuple:
    """What the menu depends on: the role and superuser flag (core.roles.role_allows, links' roles and the
    enterprise rule of kit.offered_to) and whether the user has a region, department and enterprise at all
    (core.scoping.scope_possible) — not which ones."""
    return (
        bool(user.is_superuser),
        getattr(user, "role", ""),
        bool(getattr(user, "region_id", None)),
        bool(getattr(user, "department_id", None)),
        bool(getattr(user, "enterprise_id", None)),
    )


def _kept_menu(user) -> list[tuple[str, list[tuple[str, str]]]]:
    key = (menu_kind(user), registrations(), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    menu = _MENUS.get(key)
    if menu is None:
        menu = _MENUS[key] = menu_groups(user)
    return menu


def menu_groups(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """The left menu offered to `user`: (group, [(label, address)]) in menu order."""
    entries = [
        (config.menu_order, config.menu_group, config.label, config.url_name("list"))
        for config in all_configs()
        if offered_to(user, config.model)
    ]
    entries += [(link.order, link.group, link.label, link.url_name) for link in links_for(user)]
    groups: dict[str, list[tuple[str, str]]] = {}
    for _, group, label, url_name in sorted(entries, key=lambda e: e[0]):
        groups.setdefault(group, []).append((label, _url(url_name)))
    system = [("API 文档", _url("api-docs"))]
    if role_allows(user, "view", AuditEntry):
        system.insert(0, ("审计日志", _url("core:audit_list")))
    groups.setdefault("系统", []).extend(system)
    return list(groups.items())


def _url(url_name: str) -> str:
    """The address of a page without arguments. The menu has about a hundred on every page, and resolving
    each again costs a few milliseconds a page; the address depends only on the name, the URLconf and the
    prefix the site is served under, which are the cache's key."""
    return _reverse(url_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=512)
def _reverse(url_name: str, urlconf, prefix: str) -> str:
    return reverse(url_name, urlconf=urlconf)


def _region_name(code: str | None) -> str:
    """The header's "· 巫山县": the name alone. `user.region` would load the region with its boundary, a
    GeoJSON of tens of kilobytes parsed on every page for one word."""
    if not code:
        return ""
    return region_model().objects.filter(pk=code).values_list("name", flat=True).first() or ""
