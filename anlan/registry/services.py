"""Registry services."""

import json
from pathlib import Path

DUTY_ROLES_FILE = Path(__file__).resolve().parent / "data" / "duty_roles.json"


def duty_roles_sync(model=None) -> int:
    """Make the duty-role table match data/duty_roles.json (idempotent; used by the migration too)."""
    if model is None:
        from .models import DutyRole as model
    rows = json.loads(DUTY_ROLES_FILE.read_text(encoding="utf-8"))
    for row in rows:
        model.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "description": row["description"]}
        )
    return len(rows)
