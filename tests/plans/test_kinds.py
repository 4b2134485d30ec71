"""Incident kinds come with the plans app: installed by its migration and put back by `load-demo` after a
flush, without undoing a bureau's edits."""

import pytest

from anlan.demo.loader import reference_data_install
from anlan.plans.kinds import KINDS
from anlan.plans.models import IncidentKind

pytestmark = pytest.mark.django_db


def test_every_kind_of_the_master_plan_is_installed():
    assert sorted(IncidentKind.objects.values_list("name", flat=True)) == sorted(k[1] for k in KINDS)
    assert IncidentKind.objects.get(name="火灾事故").grading == IncidentKind.Grading.PRODUCTION_SAFETY


def test_reinstalling_after_a_flush_puts_missing_kinds_back_and_keeps_edited_ones():
    IncidentKind.objects.filter(name__in=["动物疫情", "涉外突发事件"]).delete()
    IncidentKind.objects.filter(name="火灾事故").update(first_report_minutes=55)
    reference_data_install()
    assert IncidentKind.objects.count() == len(KINDS)
    assert IncidentKind.objects.get(name="火灾事故").first_report_minutes == 55
    assert IncidentKind.objects.get(name="动物疫情").category == IncidentKind.Category.HEALTH
