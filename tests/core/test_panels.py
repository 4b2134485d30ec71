"""core.panels: boxes apps above a page register for its slot, drawn in order, skipped when they have nothing."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from anlan.core import panels


@pytest.fixture
def slot():
    yield "tests.thing"
    panels._PANELS.pop("tests.thing", None)


def _drawn(request, obj):
    return "disasters/_transfer_panel.html", {"title": f"转移率 {obj['rate']}", "rows": []}


def test_panels_draw_in_order_skip_none_and_a_second_registration_replaces(slot, rf: RequestFactory):
    calls = []

    def first(request, obj):
        calls.append("first")
        calls.append("nothing to say for this record")

    panels.register_panel(slot, first, order=10, name="first")
    panels.register_panel(slot, _drawn, order=20, name="drawn")
    panels.register_panel(slot, _drawn, order=20, name="drawn")  # a reloaded app does not draw twice
    assert [p.name for p in panels.panels_for(slot)] == ["first", "drawn"]
    request = rf.get("/")
    html = Template('{% load panels %}{% panels "tests.thing" obj %}').render(
        Context({"request": request, "obj": {"rate": "44%"}})
    )
    assert calls == ["first", "nothing to say for this record"] and html.count("44%") == 1
    assert Template('{% load panels %}{% panels "tests.none" obj %}').render(Context({"request": request})) == ""
