"""Review of the merged geohazard app: a proposal's code stays unique after an earlier draft is refused, and
the draft site's audit entry names who proposed it."""

import pytest
from django.utils import timezone

from anlan.core.models import AuditEntry
from anlan.geohazard import services
from anlan.geohazard.models import Finding
from anlan.sites.models import HazardSite
from anlan.testing.personas import persona

from .helpers import campaign, site

pytestmark = pytest.mark.django_db


def _propose(actor, check, tree, name):
    services.check_record(
        actor=actor,
        check=check,
        checked_on=timezone.localdate(),
        state="new_hazard",
        finding={
            "kind": "new_site",
            "description": f"{name}出现裂缝",
            "site": {"name": name, "kind": "landslide", "lon": tree.village.center_lon, "lat": tree.village.center_lat},
        },
    )
    return Finding.objects.get(site_check=check).proposed_site


def test_a_new_proposal_after_a_refused_draft_gets_a_free_code(tree):
    county = persona("county_operator")
    for code in ("T-R-1", "T-R-2", "T-R-3"):
        site(tree.village, code)
    c = campaign(county, tree.county)
    first = _propose(county, c.checks.get(site__code="T-R-1"), tree, "甲斜坡")
    second = _propose(county, c.checks.get(site__code="T-R-2"), tree, "乙斜坡")
    refused = Finding.objects.get(proposed_site=first)
    services.finding_decide(actor=county, finding=refused, confirm=False, note="人工边坡，已有支护")
    # The next proposal must not take the code the second draft still holds (was an IntegrityError, a 500).
    third = _propose(county, c.checks.get(site__code="T-R-3"), tree, "丙斜坡")
    assert third.code != second.code
    assert HazardSite.objects.filter(code=third.code).count() == 1


def test_the_draft_site_audit_names_the_inspector(tree):
    worker = persona("county_operator")
    site(tree.village, "T-R-4")
    c = campaign(worker, tree.county)
    draft = _propose(worker, c.checks.get(site__code="T-R-4"), tree, "丁斜坡")
    entry = AuditEntry.objects.get(action="create", object_type="sites.hazardsite", object_id=str(draft.pk))
    assert entry.actor_id == worker.pk


def test_the_inspection_table_names_the_village_in_a_fixed_number_of_queries(
    client, tree, django_assert_max_num_queries
):
    import io

    import openpyxl

    county = persona("county_operator")
    for n in range(4):
        site(tree.village, f"T-R-X{n}")
    c = campaign(county, tree.county)
    client.force_login(county)
    client.get("/")  # session and menus warmed
    with django_assert_max_num_queries(15):
        response = client.get(f"/geohazard/campaigns/{c.pk}/view/?export=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    row = next(r for r in rows if r[0] == "T-R-X0")
    assert row[4] == tree.village.name  # 所在村（社区）: the name, not the region code
