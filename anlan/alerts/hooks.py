"""What apps above alerts do when a warning is issued, registered upward at their `AppConfig.ready()`.

Alerts sits below disasters (pyproject `[tool.importlinter]`), so it cannot open the transfer lists of the
hazard sites a warning reaches; disasters tells it what to run instead, as the apps above duty register
open items with `duty.sources`:

    register_on_issue("transfer", open_transfers_for_warning)

`func(warning, codes, actor)` runs inside the issuing transaction, after the warning is marked issued
(`codes` are the region codes it reaches: `services.target_codes`). Each hook runs in its own savepoint
and a hook that fails is logged and rolled back alone: a warning must go out even if a follow-up breaks.
"""

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

_ON_ISSUE: dict[str, Callable] = {}


def register_on_issue(name: str, func: Callable) -> None:
    """Run `func(warning, codes, actor)` whenever a warning is issued (same name replaces the earlier one)."""
    _ON_ISSUE[name] = func


def on_issue_hooks() -> list[tuple[str, Callable]]:
    return sorted(_ON_ISSUE.items())


def run_on_issue(warning, codes: list[str], actor) -> dict[str, object]:
    """Run every hook; returns what each returned (None for one that failed)."""
    results = {}
    for name, func in on_issue_hooks():
        try:
            with transaction.atomic():
                results[name] = func(warning, codes, actor)
        except Exception:  # a broken follow-up must not stop the warning itself
            logger.exception("warning %s: on-issue hook %s failed", warning.pk, name)
            results[name] = None
    return results
