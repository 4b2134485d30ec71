"""Walk every endpoint registered with the API router as a user of another township.

Any object owned inside `township` carries that township's 9-digit code prefix in its data (its
region field, or its own code). Logged in as `other_township_officer`, no list may contain that
prefix and every such object's detail must be 404. New apps register viewsets with the same router,
so they are covered here without this test being edited.
"""

import json

import pytest
from django.urls import NoReverseMatch, reverse

from anlan.core.api import router
from anlan.core.drf import RolePermission
from anlan.core.permission_table import permission_markdown, permission_table
from anlan.core.roles import Role
from anlan.duty.models import REPORTING_ROLES
from anlan.testing.personas import persona

# The whole role × model × action table (issue 12, finding 2: write permission is denied by default).
# v = view, a = add, c = change, d = delete; "-" = nothing. Columns are the roles in this order:
#   county_admin county_operator department_operator township_operator village_worker enterprise_user
#   team_leader viewer
# Changing who may write a model means changing this table on purpose (and docs/accounts.md with it).
EXPECTED = {
    "accounts.ApiToken": "v     v     v     v     v     v     v     v",
    "accounts.LoginAttempt": "v     v     v     v     v     v     v     v",
    "accounts.PasswordHistory": "-     -     -     -     -     -     -     -",
    "accounts.User": "vacd  -     -     -     -     -     -     -",
    "alerts.BroadcastTerminal": "vacd  vacd  v     v     v     v     v     v",
    "alerts.Resident": "vacd  vacd  v     vacd  vac   v     v     v",
    "alerts.Subscriber": "v     v     v     v     v     v     v     v",
    "alerts.Warning": "vacd  vacd  vacd  vacd  v     v     v     v",
    "alerts.WarningTask": "v     v     v     v     v     -     -     v",
    "alerts.WarningTemplate": "vacd  vacd  v     v     v     v     v     v",
    "alerts.WorkGroup": "vacd  vacd  v     v     v     v     v     v",
    "consultations.Consultation": "vacd  vacd  v     v     -     -     -     v",
    "consultations.Decision": "v     v     v     v     -     -     -     v",
    "core.AuditEntry": "v     -     -     -     -     -     -     -",
    "core.CalendarDay": "vacd  v     v     v     v     v     v     v",
    "core.Exercise": "v     v     v     v     v     v     v     v",
    "core.Generation": "-     -     -     -     -     -     -     -",
    "core.ImportJob": "v     v     v     v     v     v     v     v",
    "core.JobRun": "-     -     -     -     -     -     -     -",
    "core.UsedChallenge": "-     -     -     -     -     -     -     -",
    "disasters.DamagedHouse": "vacd  vacd  v     vacd  v     -     -     v",
    "disasters.DisasterPhoto": "vacd  vacd  v     vacd  v     -     v     v",
    "disasters.DisasterProcess": "vacd  vacd  v     v     v     -     v     v",
    "disasters.DisasterReport": "v     v     v     v     v     -     v     v",
    "disasters.ReliefObjection": "v     v     v     v     v     -     -     v",
    "disasters.ReliefPayment": "v     v     v     v     v     -     -     v",
    "disasters.ReliefProgramme": "vacd  vacd  v     vacd  v     -     v     v",
    "disasters.ReliefRecipient": "vacd  vacd  v     vacd  v     -     -     v",
    "disasters.ReportRow": "v     v     v     v     v     -     v     v",
    "disasters.TownshipReturn": "vacd  vacd  v     vacd  v     -     v     v",
    "disasters.TransferActivation": "v     v     v     v     v     -     -     v",
    "disasters.TransferMark": "v     v     v     v     v     -     -     v",
    "disasters.Victim": "vacd  vacd  v     vacd  v     -     -     v",
    "disasters.VillageEntry": "vacd  vacd  v     vacd  vac   -     v     v",
    "drills.Drill": "vacd  vacd  vacd  vacd  v     vac   v     v",
    "drills.DrillEvaluation": "v     v     v     v     v     v     v     v",
    "drills.DrillInject": "v     v     v     v     v     v     v     v",
    "drills.DrillLogEntry": "v     v     v     v     v     v     v     v",
    "drills.DrillProblem": "v     v     v     v     v     v     v     v",
    "duty.DailyReport": "v     v     v     v     -     -     -     v",
    "duty.DeskSetting": "vacd  vacd  v     vacd  -     -     -     v",
    "duty.Handover": "v     v     v     v     -     -     -     v",
    "duty.LogEntry": "vacd  vacd  v     vacd  -     -     -     v",
    "duty.Shift": "vacd  vacd  v     vacd  v     v     v     v",
    "duty.Swap": "v     v     v     v     -     -     -     v",
    "enforcement.Campaign": "vacd  vacd  v     v     v     v     v     v",
    "enforcement.CampaignAssignment": "vacd  vacd  v     v     v     v     v     v",
    "enforcement.CampaignTarget": "v     v     v     v     v     v     v     v",
    "enforcement.CasePayment": "vacd  vacd  vacd  v     -     v     -     v",
    "enforcement.CheckMatter": "vacd  vacd  vacd  v     v     v     v     v",
    "enforcement.Checklist": "vacd  vacd  v     v     v     v     v     v",
    "enforcement.ChecklistItem": "vacd  vacd  v     v     v     v     v     v",
    "enforcement.CreditListing": "vacd  vacd  v     v     v     v     v     v",
    "enforcement.CreditRepair": "vacd  vacd  v     v     v     v     v     v",
    "enforcement.DocumentCounter": "v     v     v     v     v     v     v     v",
    "enforcement.DocumentPrefix": "vacd  vacd  v     v     v     v     v     v",
    "enforcement.Draw": "vac   vac   vac   v     v     v     v     v",
    "enforcement.DrawObject": "v     v     v     v     v     v     v     v",
    "enforcement.EnterpriseSupervision": "vacd  vacd  vacd  v     v     v     v     v",
    "enforcement.Finding": "vacd  vacd  vacd  vacd  v     v     v     v",
    "enforcement.FindingPhoto": "vacd  vacd  vacd  vacd  v     v     v     v",
    "enforcement.Inspection": "vacd  vacd  vacd  vacd  v     v     v     v",
    "enforcement.InspectionAnswer": "vacd  vacd  vacd  vacd  v     v     v     v",
    "enforcement.InspectionPlan": "vacd  vacd  v     v     v     v     v     v",
    "enforcement.Inspector": "vacd  vacd  v     v     v     v     v     v",
    "enforcement.InspectorConflict": "vacd  vacd  vacd  v     v     v     v     v",
    "enforcement.IssuedDocument": "v     v     v     v     v     v     v     v",
    "enforcement.PenaltyCase": "vacd  vacd  vacd  v     -     v     -     v",
    "enforcement.PlanLine": "vacd  vacd  v     v     v     v     v     v",
    "enforcement.Signature": "vacd  vacd  vacd  vacd  v     v     v     v",
    "enforcement.SupervisionClass": "vacd  vacd  v     v     v     v     v     v",
    "enforcement.ViolationRecord": "vacd  vacd  vacd  v     v     v     v     v",
    "flood.Dike": "vacd  vacd  vacd  vacd  v     v     v     v",
    "flood.FlashFloodThreshold": "vacd  vacd  vacd  vacd  v     v     v     v",
    "flood.FloodResponsibility": "vacd  vacd  vacd  vacd  v     v     v     v",
    "flood.FloodSeason": "vacd  vacd  v     v     v     v     v     v",
    "flood.FloodSetting": "vacd  vacd  v     v     v     v     v     v",
    "flood.Reservoir": "vacd  vacd  vacd  vacd  v     v     v     v",
    "flood.RiverStation": "vacd  vacd  vacd  vacd  v     v     v     v",
    "forestfire.BurnPermit": "vacd  vacd  v     vacd  vac   v     v     v",
    "forestfire.DangerLevel": "vacd  vacd  v     v     v     v     v     v",
    "forestfire.FireSeason": "vacd  vacd  v     v     v     v     v     v",
    "forestfire.ForestFireSetting": "vacd  vacd  v     v     v     v     v     v",
    "forestfire.Ranger": "vacd  vacd  v     vacd  v     v     v     v",
    "geo.Region": "vacd  v     v     v     v     v     v     v",
    "geo.TravelProfile": "vacd  vacd  v     v     v     v     v     v",
    "geohazard.Campaign": "vacd  vacd  v     vacd  v     v     v     v",
    "geohazard.CheckPhoto": "v     v     v     v     v     v     v     v",
    "geohazard.Finding": "v     v     v     v     v     v     v     v",
    "geohazard.GeoEvent": "vacd  vacd  vacd  vacd  vac   v     v     v",
    "geohazard.SiteCheck": "vacd  vacd  vacd  vacd  vac   v     v     v",
    "hazards.HazardEvent": "v     v     v     v     v     v     v     v",
    "hazards.HazardPhoto": "v     v     v     v     v     v     v     v",
    "hazards.HiddenHazard": "vacd  vacd  vacd  vacd  vac   vac   v     v",
    "inbox.Notification": "v     v     v     v     v     v     v     v",
    "incidents.DispatchOrder": "v     v     -     v     v     -     v     -",
    "incidents.Incident": "vacd  vacd  v     vacd  v     v     v     v",
    "incidents.InfoReport": "v     v     v     v     v     v     v     v",
    "incidents.ReportDispatch": "v     v     v     v     v     v     v     v",
    "incidents.ResponseTask": "v     v     v     -     -     -     -     -",
    "incidents.Review": "v     v     v     v     v     v     v     v",
    "incidents.TimelineEntry": "v     v     v     v     v     v     v     v",
    "kpi.Assessment": "v     v     v     v     v     v     v     v",
    "kpi.AssessmentItem": "v     v     v     v     v     v     v     v",
    "kpi.AssessmentScheme": "vacd  vacd  v     v     v     v     v     v",
    "kpi.DutyList": "vacd  vacd  vacd  vacd  v     v     v     v",
    "kpi.DutyListItem": "vacd  vacd  vacd  vacd  v     v     v     v",
    "kpi.Indicator": "vacd  vacd  v     v     v     v     v     v",
    "kpi.IndicatorValue": "v     v     v     v     v     v     v     v",
    "kpi.KeyTask": "vacd  vacd  v     v     v     v     v     v",
    "kpi.Score": "v     v     v     v     v     v     v     v",
    "kpi.TaskMilestone": "v     v     v     v     v     v     v     v",
    "kpi.TaskReport": "v     v     v     v     v     v     v     v",
    "kpi.YearBase": "vacd  vacd  v     v     v     v     v     v",
    "monitoring.Alarm": "v     v     v     v     v     v     v     v",
    "monitoring.AlarmEvent": "v     v     v     v     v     v     v     v",
    "monitoring.Reading": "vacd  vacd  vacd  vacd  v     v     v     v",
    "monitoring.ReadingHourly": "v     v     v     v     v     v     v     v",
    "monitoring.Rule": "vacd  vacd  v     v     v     v     v     v",
    "monitoring.Sensor": "vacd  vacd  v     v     v     v     v     v",
    "notify.ChannelBudget": "v     v     v     v     v     v     v     v",
    "notify.Delivery": "v     v     -     v     v     -     -     -",
    "notify.Notice": "-     -     -     -     -     -     -     -",
    "notify.NoticeText": "-     -     -     -     -     -     -     -",
    "plans.IncidentKind": "vacd  vacd  v     v     v     v     v     v",
    "plans.Plan": "vacd  vacd  v     vacd  v     vac   v     v",
    "plans.PlanAction": "vacd  vacd  v     vacd  v     v     v     v",
    "plans.PlanEvaluation": "v     v     v     v     v     v     v     v",
    "plans.PlanFiling": "v     v     v     v     v     v     v     v",
    "plans.PlanVersion": "v     v     v     v     v     v     v     v",
    "plans.RevisionTrigger": "v     v     v     v     v     v     v     v",
    "registry.Department": "vacd  vacd  v     v     v     v     v     v",
    "registry.DutyRole": "v     v     v     v     v     v     v     v",
    "registry.Enterprise": "vacd  vacd  vacd  vacd  v     v     v     v",
    "registry.Person": "vacd  vacd  vacd  vacd  vac   v     v     v",
    "resources.Equipment": "vacd  vacd  v     vacd  v     v     v     v",
    "resources.Expert": "vacd  vacd  v     vacd  v     v     v     v",
    "resources.RescueTeam": "vacd  vacd  vacd  vacd  v     v     v     v",
    "resources.Shelter": "vacd  vacd  v     vacd  v     v     v     v",
    "resources.ShelterCheck": "v     v     v     v     v     v     v     v",
    "resources.Specialty": "vacd  vacd  v     v     v     v     v     v",
    "rewards.Reward": "vac   vac   -     v     -     -     -     -",
    "rewards.StatusQuery": "-     -     -     -     -     -     -     -",
    "rewards.Tip": "vac   vac   -     vac   -     -     -     -",
    "risk.MajorHazardSource": "vacd  vacd  vacd  vacd  v     vac   v     v",
    "risk.MajorHazardSubstance": "vacd  vacd  vacd  vacd  v     vac   v     v",
    "risk.RiskAssessment": "v     v     v     v     v     v     v     v",
    "risk.RiskMatrixSetting": "vacd  vacd  v     v     v     v     v     v",
    "risk.RiskPoint": "vacd  vacd  vacd  vacd  v     vac   v     v",
    "sites.HazardSite": "vacd  vacd  vacd  vacd  v     v     v     v",
    "sites.Household": "vacd  vacd  vacd  vacd  v     -     -     v",
    "sites.PatrolRule": "vacd  vacd  v     v     v     v     v     v",
    "sites.PatrolTask": "v     v     v     v     v     v     v     v",
    "supplies.Movement": "v     v     v     v     v     v     v     v",
    "supplies.Stock": "v     v     v     v     v     v     v     v",
    "supplies.SupplyItem": "vacd  vacd  v     v     v     v     v     v",
    "supplies.SupplyNorm": "vacd  vacd  v     v     v     v     v     v",
    "supplies.Warehouse": "vacd  vacd  v     vacd  v     v     v     v",
    "training.Attempt": "v     v     v     v     v     v     v     v",
    "training.Attendance": "v     v     v     v     v     v     v     v",
    "training.Certificate": "vacd  vacd  vacd  vacd  v     vac   v     v",
    "training.Course": "vacd  vacd  v     vacd  v     v     v     v",
    "training.Exam": "vacd  vacd  vacd  vacd  v     v     v     v",
    "training.Material": "vacd  vacd  vacd  vacd  v     v     v     v",
    "training.Question": "vacd  vacd  v     v     v     v     v     v",
    "training.Trainee": "vacd  vacd  vacd  vacd  v     vac   v     v",
    "training.TrainingSession": "vacd  vacd  vacd  vacd  v     vac   v     v",
}
# One persona per role (anlan/testing/personas.py).
PERSONA_OF_ROLE = {
    Role.COUNTY_ADMIN: "county_admin",
    Role.COUNTY_OPERATOR: "county_operator",
    Role.DEPARTMENT_OPERATOR: "department_operator",
    Role.TOWNSHIP_OPERATOR: "township_officer",
    Role.VILLAGE_WORKER: "village_grid_worker",
    Role.ENTERPRISE_USER: "enterprise_user",
    Role.TEAM_LEADER: "team_leader",
    Role.VIEWER: "viewer",
}
# Endpoints whose POST is decided by another model's write permission: issuing or receiving stock is
# writing to the warehouse (the ledger itself is written only by supplies.services).
# Handovers are written by those who keep the duty log.
POST_DECIDED_BY = {"supplies/movements": "supplies.Warehouse", "duty/handovers": "duty.LogEntry"}
# … or by a set of roles the service checks: townships, departments and the county file daily reports
# (duty.services only, so the model itself names no writers).
POST_ROLES = {"duty/daily-reports": REPORTING_ROLES}


def _list_url(basename):
    return reverse(f"{basename}-list")


def _detail_url(basename, lookup):
    try:
        return reverse(f"{basename}-detail", args=[lookup])
    except NoReverseMatch:
        return None


@pytest.mark.django_db
def test_no_endpoint_leaks_another_townships_objects(client, tree):
    prefix = tree.township.code[:9]
    assert router.registry, "no API endpoints registered"
    walked = 0
    covered = set()
    for _, viewset, basename in router.registry:
        lookup_field = getattr(viewset, "lookup_field", "pk")
        client.force_login(persona("county_admin"))
        items = client.get(_list_url(basename), {"page_size": 1000}).json()
        items = items.get("results", items) if isinstance(items, dict) else items
        owned = [i for i in items if isinstance(i, dict) and prefix in json.dumps(i)]
        others = [i for i in items if isinstance(i, dict) and i not in owned]

        client.force_login(persona("other_township_officer"))
        listed = client.get(_list_url(basename), {"page_size": 1000})
        assert listed.status_code in (200, 403), basename
        assert prefix not in listed.content.decode(), f"{basename} list leaks {prefix}"
        for item in owned[:25] + others[:25]:
            key = item.get(lookup_field if lookup_field != "pk" else "id") or item.get("key")
            url = _detail_url(basename, key)
            if url is None:
                continue
            response = client.get(url)
            if item in owned:
                assert response.status_code in (403, 404), f"{url} is visible to another township"
            elif response.status_code == 200:
                assert prefix not in response.content.decode(), f"{url} leaks {prefix}"
            walked += 1
            covered.add(basename)
    assert {"region", "person", "enterprise", "map-layer"} <= covered
    assert walked > 30


@pytest.mark.django_db
def test_every_endpoint_requires_authentication(client):
    for _, _, basename in router.registry:
        assert client.get(_list_url(basename)).status_code == 401, basename


def _expected(label: str, role: str) -> str:
    cells = EXPECTED[label].split()
    return cells[Role.values.index(role)].replace("-", "")


def test_the_whole_role_model_action_table():
    """Every model of the project × every role × view/add/change/delete, as decided by the code."""
    computed = permission_table()
    assert set(computed) == set(EXPECTED), "a model was added or removed: name its writers and extend EXPECTED"
    mismatches = [
        f"{label} {role}: code says {computed[label][role] or '-'}, table says {_expected(label, role) or '-'}"
        for label in EXPECTED
        for role in Role.values
        if computed[label][role] != _expected(label, role)
    ]
    assert mismatches == []


def test_every_model_names_its_writers():
    from anlan.core.permission_table import project_models

    unnamed = [m._meta.label for m in project_models() if getattr(m, "write_roles", None) is None]
    assert unnamed == [], f"models that name no write_roles: {unnamed}"


def test_docs_accounts_has_the_table_the_code_computes():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "accounts.md").read_text(encoding="utf-8")
    assert permission_markdown() in doc, "docs/accounts.md is stale: paste the output of `anlan permission-table`"


@pytest.mark.django_db
def test_every_api_write_is_refused_to_roles_the_table_does_not_allow(client, tree):
    """For every endpoint and every role: POST, PATCH and DELETE are 403 exactly when the table says so
    (a missing row is used for PATCH/DELETE, so an allowed role gets 404 or 405 and nothing is written)."""
    checked, unchecked = 0, []
    for prefix, viewset, basename in router.registry:
        model = getattr(getattr(viewset, "queryset", None), "model", None)
        if model is None or RolePermission not in [*getattr(viewset, "permission_classes", [RolePermission])]:
            unchecked.append(prefix)
            continue
        for role, name in PERSONA_OF_ROLE.items():
            client.force_login(persona(name))
            if prefix in POST_ROLES:
                post_allowed = role in POST_ROLES[prefix]
            else:
                post_allowed = "a" in _expected(POST_DECIDED_BY.get(prefix, model._meta.label), role)
            posted = client.post(_list_url(basename), {}, content_type="application/json")
            assert (posted.status_code == 403) != post_allowed, (prefix, role, "POST", posted.status_code)
            url = _detail_url(basename, "999999999")
            if url is None:
                continue
            for method, action in (("patch", "c"), ("delete", "d")):
                response = getattr(client, method)(url, {}, content_type="application/json")
                allowed = action in _expected(model._meta.label, role)
                assert (response.status_code == 403) != allowed, (prefix, role, method, response.status_code)
            checked += 1
    assert sorted(unchecked) == ["inbox", "map/layers"]  # own recipient's messages; read-only layers
    assert checked >= 20 * len(PERSONA_OF_ROLE)
