"""`make lint`'s three Django checks in one process (each `anlan` command would start Django again, about
2 s of CPU apiece):

1. `anlan check --fail-level WARNING`: the system checks;
2. `anlan makemigrations --check --dry-run`: no model change lacks its migration;
3. `anlan spectacular --validate --fail-on-warn`, compared with the committed docs/openapi.yaml: a change to
   the API must change the published schema too (`make schema` writes it).

Every check runs, each failure is printed with what to do, and the exit status is 1 when any failed.
"""

import difflib
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "docs" / "openapi.yaml"


def _run(name: str, command, *args, **options) -> bool:
    """Run a management command as the `anlan` console script would; False (with its message) on failure."""
    from django.core.management import call_command
    from django.core.management.base import CommandError, SystemCheckError

    try:
        call_command(command, *args, **options)
    except (CommandError, SystemCheckError) as error:
        print(f"{name}: {error}", file=sys.stderr)
        return False
    except SystemExit as stop:  # makemigrations --check exits 1 when a migration is missing
        if stop.code:
            print(f"{name}: failed (exit status {stop.code})", file=sys.stderr)
            return False
    return True


def main() -> int:
    sys.path.insert(0, str(ROOT))  # the tree this script sits in, as `python -m anlan` run from it would
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")
    import django

    django.setup()
    ok = _run("anlan check", "check", fail_level="WARNING")
    ok = _run("anlan makemigrations --check", "makemigrations", check_changes=True, dry_run=True) and ok

    generated = io.StringIO()
    if _run("anlan spectacular", "spectacular", validate=True, fail_on_warn=True, stdout=generated):
        published = SCHEMA.read_text(encoding="utf-8")
        if generated.getvalue() != published:
            sys.stdout.writelines(
                difflib.unified_diff(
                    published.splitlines(keepends=True),
                    generated.getvalue().splitlines(keepends=True),
                    fromfile="docs/openapi.yaml",
                    tofile="generated",
                )
            )
            print("API schema changed: run 'make schema' and commit docs/openapi.yaml", file=sys.stderr)
            ok = False
    else:
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
