"""load-demo: 分类分级 and this year's 年度监督检查计划 (first of the enforcement demo modules).

Installs the default class scheme (Shanxi 2025, standards.md §11.4) if a flush removed it, classifies every
enterprise of the county by the rule (enforcement/classes.py), builds this year's plan from the classes and
takes it through 报批 → 审批 → 公布 in January. The loader acts as "演示数据", not as a user, so the steps are
written here in the order of the plan's transition table (each from the state the table names, none
skipped) rather than through the role-checked services; each is audited as its workflow action.
Deterministic: the rule and the arithmetic are, and the dates are fixed days of the year.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anlan.core.audit import audit_record, snapshot
from anlan.enforcement import services_plan
from anlan.enforcement.models import InspectionPlan
from anlan.enforcement.workflow_plan import FLOW
from anlan.registry.models import Enterprise

STEP_DAYS = {"submit": 10, "approve": 15, "publish": 20}  # January: the plan is made at the start of the year


@transaction.atomic
def load(*, actor, county, townships=None, departments=None) -> dict[str, int]:
    added = services_plan.install_default_scheme()
    enterprises = Enterprise.objects.filter(region__pk__startswith=county.code[:6])
    classified = services_plan.classify_enterprises(actor=actor, enterprises=enterprises)
    year = timezone.localdate().year
    plan_obj = InspectionPlan.objects.filter(region=county, year=year).first()
    made = None
    if plan_obj is None or plan_obj.status == InspectionPlan.Status.DRAFT:
        made = services_plan.build_plan(actor=actor, region=county, year=year)
        plan_obj = made.plan
    now = timezone.now()
    for action, day in STEP_DAYS.items():
        step = FLOW[action]
        if plan_obj.status not in step.sources:  # the table decides the order; a plan already past it stays
            continue
        before = snapshot(plan_obj)
        at = min(dt.datetime(year, 1, day, 10, tzinfo=timezone.get_current_timezone()), now)
        plan_obj.status = step.target
        if action == "submit":
            plan_obj.submitted_at = at
        elif action == "approve":
            plan_obj.approved_at = at
        else:
            plan_obj.published_at = at
        plan_obj.save()
        audit_record(action=f"plan_{action}", obj=plan_obj, actor=actor, before=before, after=snapshot(plan_obj))
    return {
        "supervision_classes_added": added,
        "enterprises_classified": classified.created,
        "plan_inspections": made.total if made else 0,
        "plan_lines": made.lines if made else 0,
    }
