"""The test county carries the enforcement demo (tests/conftest.py). Tests of a demo module, or of a part that
starts from nothing (the first classification, the year's first plan), first take the demo's rows out within
their own transaction (rolled back after the test), so they build exactly the world they assert on."""

from django.apps import apps
from django.db.models import ProtectedError

from anlan.accounts.models import User
from anlan.enforcement.models import EnterpriseSupervision, Finding, InspectionPlan
from anlan.hazards.models import HiddenHazard


def clear_plan_demo() -> None:
    """No enterprise classified and no annual plan: as before the plan part's demo (its scheme stays)."""
    InspectionPlan.objects.all().delete()  # its lines go with it (CASCADE)
    EnterpriseSupervision.objects.all().delete()


def clear_enforcement_demo() -> None:
    """No enforcement row at all, nor the hazards its inspections made, nor the demo's officers' logins."""
    hazards = list(Finding.objects.exclude(hazard=None).values_list("hazard_id", flat=True))
    # The demo's officers log in as zf<county><n>; a persona made an officer by a test stays.
    officers = list(
        User.objects.filter(inspector__isnull=False, username__startswith="zf").values_list("pk", flat=True)
    )
    left = list(apps.get_app_config("enforcement").get_models())
    # PROTECT between the app's own models: delete what nothing protects first, until nothing is left.
    while left:
        blocked = []
        for model in left:
            try:
                model._base_manager.all().delete()
            except ProtectedError:
                blocked.append(model)
        if len(blocked) == len(left):
            raise RuntimeError(f"cannot clear the enforcement demo: {[m.__name__ for m in blocked]}")
        left = blocked
    HiddenHazard.objects.filter(pk__in=hazards).delete()
    User.objects.filter(pk__in=officers).delete()
