"""The demo loader of 一公开 and credit builds what it promises from the demo county (its prerequisite,
a random inspection past its deadline, made here)."""

import pytest
from django.core.files.storage import default_storage

from anlan.demo import enforcement_credit
from anlan.enforcement.models import CreditListing, CreditRepair, Inspection, ViolationRecord
from anlan.geo.models import Region
from anlan.registry.models import Department

from .credit_fixtures import enterprise_in, random_inspection
from .demo_reset import clear_enforcement_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def without_enforcement_demo(db):
    """The module is loaded here from the prerequisites this file builds, on a county without the demo."""
    clear_enforcement_demo()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _load(tree):
    return enforcement_credit.load(
        actor="演示数据",
        county=tree.county,
        townships=list(Region.objects.filter(parent=tree.county).order_by("code")),
        departments=list(Department.objects.filter(region=tree.county)),
    )


def test_demo_credit_data(tree):
    old = random_inspection(enterprise_in(tree.township), days_ago=40)
    recent = random_inspection(enterprise_in(tree.township, 1), days_ago=3)
    counts = _load(tree)
    assert counts == {"violation_records": 15, "credit_listings": 2, "credit_repairs": 1, "results_published": 1}
    dates = sorted(ViolationRecord.objects.values_list("happened_on", flat=True))
    assert (dates[-1] - dates[0]).days > 365  # spread over two years
    listed = CreditListing.objects.get(status=CreditListing.Status.LISTED)
    assert listed.criterion == CreditListing.Criterion.CONCEAL and "应急失信" in listed.decision_number
    with default_storage.open(listed.decision_file.name, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert CreditListing.objects.filter(status=CreditListing.Status.EXPIRED).count() == 1
    assert CreditRepair.objects.get().status == CreditRepair.Status.PENDING
    assert Inspection.objects.get(pk=old.pk).published_at is not None
    assert Inspection.objects.get(pk=recent.pk).published_at is None


def test_demo_is_deterministic(tree):
    _load(tree)
    first = list(ViolationRecord.objects.order_by("pk").values_list("enterprise_id", "happened_on", "description"))
    ViolationRecord.objects.all().delete()
    CreditRepair.objects.all().delete()
    CreditListing.objects.all().delete()
    _load(tree)
    again = list(ViolationRecord.objects.order_by("pk").values_list("enterprise_id", "happened_on", "description"))
    assert first == again
