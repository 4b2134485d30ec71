"""The `anlan` console script: the project's manage.py.

Every Django management command works as `anlan COMMAND`. The published commands use hyphens
(`anlan load-demo`, `anlan create-user`, CONTRACT.md); Python module names cannot, so a hyphenated
command name is looked up with underscores.
"""

import os
import sys


def command_argv(argv: list[str]) -> list[str]:
    """`anlan load-demo …` → `anlan load_demo …` (options keep their hyphens)."""
    argv = list(argv)
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    return argv


def main(argv: list[str] | None = None) -> None:
    argv = command_argv(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
