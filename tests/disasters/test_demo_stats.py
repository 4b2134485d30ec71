"""The demo's disaster statistics: last year's finished flood (load-demo) and the storm scenario's process."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from anlan.disasters import services
from anlan.disasters.models import DisasterProcess, ReliefProgramme, VillageEntry

pytestmark = pytest.mark.django_db


def test_the_demo_county_has_last_years_flood_finished_with_its_final_report(tree):
    history = DisasterProcess.objects.get(status="final", synthetic=True)
    assert [r.stage for r in history.reports.order_by("number")] == ["initial", "update", "final"]
    assert history.returns.filter(status="approved").count() == history.regions.count()
    # The stored totals of the 核报 are the totals computed from the latest rows.
    final = history.reports.get(stage="final")
    assert final.totals["affected_people"] == services.totals(history)["affected_people"] > 0


def test_the_storm_scenario_reports_its_disaster_by_township(tree):
    out = StringIO()
    call_command("scenario", "--user", "county_operator", stdout=out)
    process = DisasterProcess.objects.get(status="open", incidents__source="alarm")
    assert [r.stage for r in process.reports.order_by("number")] == ["initial", "update"]
    assert not process.reports.get(stage="initial").late
    assert process.returns.filter(status="approved", from_villages=True).exists()
    assert VillageEntry.objects.filter(process=process).count() >= 2
    assert process.regions.count() == 2 and "8. 灾情报送" in out.getvalue()
    assert services.totals(process)["affected_people"] > 0
    # 9: the housing register matches the reported rooms, and their 过渡期 relief is in 公示 (masked names).
    assert process.damaged_houses.filter(degree="collapsed").exists()
    notice = ReliefProgramme.objects.get(process=process, status="notice")
    assert notice.recipients.filter(status="checked").exists() and notice.objections.filter(status="open").exists()
    page = Client().get(f"/p/relief/{notice.pk}/")
    assert page.status_code == 200 and "*" in page.content.decode() and "9. " in out.getvalue()
