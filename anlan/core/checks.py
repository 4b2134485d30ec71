"""System checks of the platform's own conventions (run by `anlan check`, hence by `make lint`).

Kit URL names: an app's own view named like a registry-kit URL (`<model>_add`, `<model>_list` …) in the same
namespace makes `reverse()` answer one of the two — the kit's generic page instead of the app's (a campaign's
"新增" opening a 404, a board's link opening the definition record). Twice in one session; now a lint error.
"""

from collections import Counter

from django.core import checks

KIT_ACTIONS = ("list", "add", "import", "import_job", "template", "detail", "edit", "delete")


def url_name_counts(patterns, namespace: str | None = None, counts: Counter | None = None) -> Counter:
    """How many patterns carry each (namespace, name), the namespace being the innermost one around them."""
    from django.urls import URLResolver

    counts = Counter() if counts is None else counts
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            url_name_counts(pattern.url_patterns, pattern.namespace or namespace, counts)
        elif pattern.name:
            counts[(namespace, pattern.name)] += 1
    return counts


def kit_name_clashes(counts: Counter, configs) -> list[str]:
    return [
        f"{config.app_label}:{config.model_name}_{action}"
        for config in configs
        for action in KIT_ACTIONS
        if counts[(config.app_label, f"{config.model_name}_{action}")] > 1
    ]


@checks.register(checks.Tags.urls)
def kit_url_names_are_unique(app_configs=None, **kwargs):
    from django.urls import get_resolver

    from .kit import all_configs

    clashes = kit_name_clashes(url_name_counts(get_resolver().url_patterns), all_configs())
    return [
        checks.Error(
            f"URL 名称 {name} 既是登记表页面的名称又被应用自己的视图使用：reverse() 只会得到其中之一",
            hint="给应用自己的视图换一个名称（如 campaign_new），ModelConfig.add_url 等指向它",
            id="anlan.E001",
        )
        for name in clashes
    ]
