"""Writing plans and their actions (audited, in one transaction each), and the one question incidents ask
of plans: which actions does a response of a given level start for an incident of a given kind?

County roles, townships and enterprises write plans (the models' `write_roles`), each only its own: the
services check role and "change" scope again, so a caller that forgot gets a 403 rather than a township
editing the county's plan (a township sees the county's plans: `ancestors_visible`). Rules a user may
break come back as Django `ValidationError`s naming the field, in Chinese: the registry kit shows them on
the form and the API turns them into a 400 naming the field (core.drf).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from anlan.core.audit import snapshot
from anlan.core.regioncodes import owner_codes
from anlan.core.roles import role_allows
from anlan.core.services import object_create, object_update

from .models import LEVELS, IncidentKind, Plan, PlanAction, RevisionTrigger

PLAN_FIELDS = ("name", "region", "active", "notes")
ACTION_FIELDS = ("level", "title", "department", "hours", "order")


# ---------------------------------------------------------------- reading: what a response starts


def levels_up_to(level: str) -> list[str]:
    """The levels whose actions a response of `level` starts: IV starts IV, III starts IV and III, …"""
    if level not in LEVELS:
        raise ValidationError({"level": f"响应级别应为 {'、'.join(LEVELS)} 之一"})
    return list(LEVELS[: LEVELS.index(level) + 1])


def actions_for_response(*, kind: IncidentKind, level: str, region_code: str) -> QuerySet[PlanAction]:
    """The actions of active plans for `kind`, owned by the county, township or village of `region_code`,
    that a response of `level` starts (each action once, with its department, in plan order)."""
    return (
        PlanAction.objects.filter(
            plan__active=True,
            trigger=PlanAction.Trigger.RESPONSE,  # warning rows start with a warning (alerts.tasks), not here
            plan__kinds=kind,
            level__in=levels_up_to(level),
            # The plans of the incident's county, township and village: plans above the county are not
            # the county's to run.
            plan__region_id__in=owner_codes(region_code),
        )
        .select_related("department", "team")
        .distinct()
    )


# ---------------------------------------------------------------- writing plans


def _require(actor, action: str, model) -> None:
    if actor is not None and not role_allows(actor, action, model):
        raise PermissionDenied(f"您的角色不能编制或修改{model._meta.verbose_name}")


def _check_kinds(kinds) -> list[IncidentKind]:
    kinds = list(kinds or [])
    if not kinds:
        raise ValidationError({"kinds": "请至少选择一种适用事件类型"})
    return kinds


def _check_fields(given: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ValidationError({unknown[0]: "不能修改此项"})


@transaction.atomic
def plan_create(*, actor, name: str, region, kinds, active: bool = True, notes: str = "") -> Plan:
    """A new plan for `kinds`, owned by `region` (within the actor's scope, checked after saving)."""
    _require(actor, "add", Plan)
    kinds = _check_kinds(kinds)
    plan = Plan(name=name.strip(), region=region, active=active, notes=notes)
    return object_create(actor=actor, instance=plan, after_save=lambda: plan.kinds.set(kinds))


@transaction.atomic
def plan_update(*, actor, plan: Plan, **changes) -> Plan:
    """Change a plan's name, region, kinds, active flag or notes; the audit entry lists what changed."""
    _require(actor, "change", Plan)
    kinds = changes.pop("kinds", None)
    _check_fields(changes, PLAN_FIELDS)
    if kinds is not None:
        kinds = _check_kinds(kinds)
    # A township reads the county's plans (ancestors_visible) but changes only its own: look it up in the
    # actor's "change" scope, not merely by id.
    rows = Plan.objects.restrict(actor, "change") if getattr(actor, "is_authenticated", False) else Plan.objects
    plan = rows.select_for_update().filter(pk=plan.pk).first()
    if plan is None:
        raise PermissionDenied("只能修改本单位编制的预案")
    before = snapshot(plan, with_m2m=True)
    for name, value in changes.items():
        setattr(plan, name, value.strip() if name == "name" else value)
    return object_update(
        actor=actor, instance=plan, before=before, after_save=(lambda: plan.kinds.set(kinds)) if kinds else None
    )


# ---------------------------------------------------------------- writing actions


def _next_order(plan: Plan) -> int:
    last = plan.actions.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def action_add(
    *, actor, plan: Plan, level: str, title: str, department=None, hours: int | None = None, order: int | None = None
) -> PlanAction:
    """Add an action to a plan (last in its order unless `order` is given)."""
    _require(actor, "add", PlanAction)
    action = PlanAction(
        plan=plan,
        level=level,
        title=title.strip(),
        department=department,
        hours=hours,
        order=order if order is not None else _next_order(plan),
    )
    return object_create(actor=actor, instance=action)


@transaction.atomic
def action_update(*, actor, action: PlanAction, **changes) -> PlanAction:
    """Change an action's level, title, department, time limit or order (not the plan it belongs to)."""
    _require(actor, "change", PlanAction)
    _check_fields(changes, ACTION_FIELDS)
    action = PlanAction.objects.select_for_update().get(pk=action.pk)
    before = snapshot(action)
    for name, value in changes.items():
        setattr(action, name, value.strip() if name == "title" else value)
    return object_update(actor=actor, instance=action, before=before)


# ---------------------------------------------------------------- revision triggers (应急条例 Art. 6)


@transaction.atomic
def trigger_add(
    *, actor, plan: Plan, reason: str, description: str, source: str = "", noted_on=None
) -> RevisionTrigger:
    """Record a reason the plan must be revised (a drill's problem with the plan, a changed law, a real
    response's lesson). Whoever may read the plan may raise one — a township that drilled the county's plan
    found the problem — and the plan's owner resolves it with a new version. Audited like every write."""
    from django.utils import timezone

    from anlan.core.audit import actor_name

    signed_in = getattr(actor, "is_authenticated", False)
    if signed_in and not Plan.objects.restrict(actor, "view").filter(pk=plan.pk).exists():
        raise PermissionDenied("无权对该预案提出修订")
    if not (description or "").strip():
        raise ValidationError({"description": "请写明需要修订的具体情况"})
    trigger = RevisionTrigger(
        plan=plan,
        reason=reason,
        description=description.strip(),
        source=source[:200],
        noted_on=noted_on or timezone.localdate(),
        noted_by=actor_name(actor) or "系统",
    )
    return object_create(actor=actor, instance=trigger)
