"""Roles of CONTRACT.md and what each may do.

A role decides which *actions* a user may take; the user's region (and department or enterprise)
decides which *rows* — see scoping.py. Both are checked in one place for UI, API and exports.
"""

from django.db import models


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", "县级管理员"
    COUNTY_OPERATOR = "county_operator", "县级业务人员"
    DEPARTMENT_OPERATOR = "department_operator", "行业部门人员"
    TOWNSHIP_OPERATOR = "township_operator", "乡镇（街道）人员"
    VILLAGE_WORKER = "village_worker", "村（社区）网格员"
    ENTERPRISE_USER = "enterprise_user", "企业用户"
    TEAM_LEADER = "team_leader", "救援队伍负责人"
    VIEWER = "viewer", "只读用户"


VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.COUNTY_ADMIN: frozenset(ACTIONS),
    Role.COUNTY_OPERATOR: frozenset(ACTIONS),
    Role.DEPARTMENT_OPERATOR: frozenset(ACTIONS),
    Role.TOWNSHIP_OPERATOR: frozenset(ACTIONS),
    # Grid workers report and keep their village's records current, but do not delete.
    Role.VILLAGE_WORKER: frozenset({VIEW, ADD, CHANGE}),
    Role.ENTERPRISE_USER: frozenset({VIEW, ADD, CHANGE}),
    # Team leaders report from the field through the dispatch order's signed link, not the registries.
    Role.TEAM_LEADER: frozenset({VIEW}),
    Role.VIEWER: frozenset({VIEW}),
}

COUNTY_ROLES = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_OPERATOR})

# Who may write a model is never implied (a penetration test found team leaders changing monitoring rules,
# sensors and phone numbers county-wide because models without `write_roles` were open to every role).
# Every model names its writers, usually with one of these sets; rows stay limited by scoping.restrict.
NOBODY: frozenset[str] = frozenset()  # written only by services (workflows, engines, imports of records)
# Registries a township keeps for its own area (and the county for all).
LOCAL_REGISTRY_ROLES = frozenset({*COUNTY_ROLES, Role.TOWNSHIP_OPERATOR})
# … and that an industry department keeps for its own sector.
SECTOR_REGISTRY_ROLES = frozenset({*LOCAL_REGISTRY_ROLES, Role.DEPARTMENT_OPERATOR})

# Who needs full phone numbers: the people who call others during a response.
PHONE_FULL_ROLES = frozenset(
    {Role.COUNTY_ADMIN, Role.COUNTY_OPERATOR, Role.DEPARTMENT_OPERATOR, Role.TOWNSHIP_OPERATOR}
)
# Full ID numbers are needed only to administer the registry itself.
ID_FULL_ROLES = frozenset({Role.COUNTY_ADMIN})


def role_allows(user, action: str, model=None) -> bool:
    """May this user's role take `action` on `model`? (Rows are decided by scoping.restrict.)

    Writing is denied by default: a model that names no `write_roles` is written by nobody (only by
    services); a model marked `undeletable` is deleted by nobody. Reading is allowed to every role unless the
    model names `view_roles`. Without a model (calculators, views that declare their own `required_action`) only
    the role's actions count."""
    if not getattr(user, "is_authenticated", False):
        return False
    if action == DELETE and getattr(model, "undeletable", False):
        return False  # a record the law keeps (a 双随机 draw): nobody deletes it, whatever the role
    if user.is_superuser:
        return True
    allowed = ROLE_ACTIONS.get(getattr(user, "role", ""), frozenset())
    if action not in allowed:
        return False
    if model is None:
        return True
    if action != VIEW:
        return user.role in (getattr(model, "write_roles", None) or NOBODY)
    view_roles = getattr(model, "view_roles", None)
    return view_roles is None or user.role in view_roles


def write_roles_of(model) -> frozenset[str] | None:
    """The roles a model names as its writers (None when it names none: then nobody writes it)."""
    return getattr(model, "write_roles", None)


def sees_full_phone(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in PHONE_FULL_ROLES)


def sees_full_id_number(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in ID_FULL_ROLES)
