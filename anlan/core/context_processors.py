"""Left navigation by module, built from the registry kit (menu entries follow registrations)."""

from django.urls import reverse

from .kit import all_configs
from .models import AuditEntry
from .roles import role_allows


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups: dict[str, list[tuple[str, str]]] = {}
    for config in all_configs():
        if role_allows(user, "view", config.model):
            groups.setdefault(config.menu_group, []).append((config.label, reverse(config.url_name("list"))))
    system = [("API 文档", reverse("api-docs"))]
    if role_allows(user, "view", AuditEntry):
        system.insert(0, ("审计日志", reverse("core:audit_list")))
    groups.setdefault("系统", []).extend(system)
    return {
        "nav_top": [("首页", reverse("core:home")), ("一张图", reverse("geo:map"))],
        "nav_groups": list(groups.items()),
    }
