"""The demo's inspections (anlan/demo/enforcement_inspections.py) with its prerequisites built here: officers
only (no draws), so ~30 enterprises are inspected by hand; hazards made through the service."""

import pytest

from anlan.demo import enforcement_inspections
from anlan.enforcement.models import Draw, DrawObject, Inspection, IssuedDocument
from anlan.hazards.models import HazardEvent, HiddenHazard
from anlan.registry.models import Enterprise
from anlan.testing.personas import persona

from .demo_reset import clear_enforcement_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def without_enforcement_demo(db):
    """The module is loaded here from the prerequisites this file builds, on a county without the demo."""
    clear_enforcement_demo()


def test_demo_inspections(tree, inspectors):
    counts = enforcement_inspections.load(actor=persona("county_operator"), county=tree.county)
    assert counts["inspections"] == enforcement_inspections.BY_HAND == Inspection.objects.count()
    with_findings = Inspection.objects.filter(findings__isnull=False).distinct().count()
    assert 0.4 * counts["inspections"] <= with_findings <= 0.8 * counts["inspections"]
    hazards = HiddenHazard.objects.filter(source="inspection", finding__isnull=False)
    assert hazards.count() == counts["findings"] > 0
    # Through the service: each has its report event; major ones are supervised.
    assert HazardEvent.objects.filter(hazard__in=hazards, action="report").count() == hazards.count()
    majors = hazards.filter(level="major")
    assert majors.exists() and all(h.supervising_unit for h in majors)
    closed = Inspection.objects.filter(status="closed", findings__isnull=False).distinct()
    assert closed.count() == counts["closed"] > 0
    assert IssuedDocument.objects.filter(kind="reinspection_opinion").count() == counts["closed"]
    assert not hazards.filter(finding__inspection__in=closed).exclude(status="closed").exists()
    records = list(IssuedDocument.objects.filter(kind="inspection_record").order_by("seq"))
    assert [d.seq for d in records] == list(range(records[0].seq, records[0].seq + len(records)))
    assert [d.issued_on for d in records] == sorted(d.issued_on for d in records)  # numbered in date order


def test_demo_inspects_the_drawn_objects_when_there_are_draws(tree, inspectors):
    draw = Draw.objects.create(name="演示抽取", region=tree.county, count=2, seed="s", pools={})
    for position, enterprise in enumerate(Enterprise.objects.order_by("pk")[:2], start=1):
        drawn = DrawObject.objects.create(draw=draw, position=position, enterprise=enterprise)
        drawn.inspectors.set(inspectors[position : position + 2])
    counts = enforcement_inspections.load(actor=persona("county_operator"), county=tree.county)
    assert counts["inspections"] == 2
    for drawn in DrawObject.objects.filter(draw=draw):
        assert drawn.inspection.kind == "random"
        assert set(drawn.inspection.inspectors.all()) == set(drawn.inspectors.all())
