"""Reads shared by the plan pages and the API: one place says which related rows a list needs, so both
make a fixed number of queries however many plans there are."""

from django.db.models import QuerySet

from .models import Plan, PlanAction


def plans(queryset: QuerySet[Plan]) -> QuerySet[Plan]:
    return queryset.select_related("region").prefetch_related("kinds")


def actions(queryset: QuerySet[PlanAction]) -> QuerySet[PlanAction]:
    return queryset.select_related("plan", "department")


def actions_of(plan: Plan) -> QuerySet[PlanAction]:
    """A plan's actions in order, with their departments (detail page and API detail)."""
    return plan.actions.select_related("department")
