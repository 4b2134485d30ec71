"""Plans written for a kind only these tests use, so the demo county's own plans never match."""

from anlan.plans.models import IncidentKind, Plan, PlanAction


def drill_kind(name: str = "演练专用灾害") -> IncidentKind:
    return IncidentKind.objects.get_or_create(name=name, defaults={"category": IncidentKind.Category.NATURAL})[0]


def plan_with_actions(region, kind, *, active: bool = True, name: str = "测试预案", levels=("IV", "III", "II", "I")):
    plan = Plan.objects.create(name=name, region=region, active=active)
    plan.kinds.set([kind])
    for i, level in enumerate(levels, start=1):
        PlanAction.objects.create(plan=plan, level=level, title=f"{name}·{level}级措施", hours=i, order=i)
    return plan
