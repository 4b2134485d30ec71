"""Rows the credit tests share: enterprises of the demo county, random inspections, listings."""

import datetime as dt

from django.utils import timezone

from anlan.enforcement import credit_rules
from anlan.enforcement.models import CreditListing, Finding, Inspection
from anlan.registry.models import Enterprise


def enterprise_in(region, index: int = 0) -> Enterprise:
    return Enterprise.objects.filter(region__pk__startswith=region.code[:9]).order_by("pk")[index]


def random_inspection(enterprise, *, days_ago: int, status=Inspection.Status.SIGNED, findings: int = 0, **extra):
    inspection = Inspection.objects.create(
        enterprise=enterprise,
        region=enterprise.region,
        kind=Inspection.Kind.RANDOM,
        inspected_on=timezone.localdate() - dt.timedelta(days=days_ago),
        status=status,
        principal_name="王负责人",
        **extra,
    )
    for i in range(findings):
        Finding.objects.create(inspection=inspection, title=f"问题{i + 1}", deadline=timezone.localdate())
    return inspection


def listing(enterprise, *, months_ago: int = 1, status=CreditListing.Status.LISTED, **extra) -> CreditListing:
    listed_on = credit_rules.add_months(timezone.localdate(), -months_ago)
    return CreditListing.objects.create(
        enterprise=enterprise,
        criterion=extra.pop("criterion", CreditListing.Criterion.CONCEAL),
        facts="瞒报事故",
        decision_number=extra.pop("decision_number", f"（巫山）应急失信〔{listed_on.year}〕{enterprise.pk}号"),
        listed_on=listed_on,
        ends_on=credit_rules.listing_ends_on(listed_on),
        status=status,
        **extra,
    )
