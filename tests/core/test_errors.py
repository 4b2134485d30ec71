"""One error type, translated once: every API error keeps the body CONTRACT.md shapes and adds a stable
"code"; pages show the Chinese message with the right status."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.utils import timezone

from anlan.alerts import services as warnings
from anlan.alerts.models import Warning
from anlan.core.errors import DomainError, DomainErrorMiddleware
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def report_hazard(client, tree, who="village_grid_worker"):
    client.force_login(persona(who))
    body = {
        "title": "河堤裂缝",
        "description": "堤身出现纵向裂缝",
        "region": tree.village.code,
        "level": "general",
        "deadline": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
    }
    return client.post("/api/v1/hazards/", body, content_type="application/json")


def step(client, hazard_id, who, action, **data):
    client.force_login(persona(who))
    return client.post(
        f"/api/v1/hazards/{hazard_id}/transition", {"action": action, **data}, content_type="application/json"
    )


def test_a_refused_step_names_the_field_and_adds_its_code(client, tree):
    hazard_id = report_hazard(client, tree).json()["id"]
    wrong_state = step(client, hazard_id, "township_officer", "verify")
    assert wrong_state.status_code == 400
    assert wrong_state.json() == {
        "action": ["当前状态为“已上报”，不能“验收销号”"],
        "code": "hazard.transition_not_allowed",
    }
    wrong_role = step(client, hazard_id, "village_grid_worker", "assign", responsible="我")
    assert wrong_role.status_code == 403
    assert wrong_role.json() == {"detail": "“交办整改”须由有权限的角色办理", "code": "hazard.role_not_allowed"}
    missing = step(client, hazard_id, "township_officer", "assign")
    assert missing.status_code == 400
    assert missing.json() == {"responsible": ["请指定整改责任人"], "code": "hazard.responsible_required"}


def test_drf_errors_get_a_code_too(client, tree):
    client.force_login(persona("village_grid_worker"))
    bad = client.post("/api/v1/hazards/", {}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid" and bad.json()["title"]  # the fields are still named
    missing = client.get("/api/v1/hazards/999999999/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found" and missing.json()["detail"]
    client.logout()
    anonymous = client.get("/api/v1/hazards/")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"


def test_a_field_named_code_keeps_its_messages(client, tree):
    client.force_login(persona("county_operator"))  # sensors are configured by county roles
    body = {
        "code": "RG-X-001",
        "name": "雨量站",
        "kind": "rain_gauge",
        "unit": "mm",
        "region": tree.village.code,
        "location": {"lon": tree.village.center_lon, "lat": tree.village.center_lat},
    }
    assert client.post("/api/v1/monitoring/sensors/", body, content_type="application/json").status_code == 201
    again = client.post("/api/v1/monitoring/sensors/", body, content_type="application/json")
    assert again.status_code == 400 and isinstance(again.json()["code"], list) and again.json()["code"][0]


def draft_warning(tree) -> Warning:
    values = {
        "event": "山洪",
        "category": "Met",
        "level": "red",
        "urgency": "Immediate",
        "severity": "Extreme",
        "certainty": "Likely",
        "headline": "山洪红色预警",
        "description": "d",
        "instruction": "立即向高处转移",
        "expires": timezone.now() + dt.timedelta(hours=6),
    }
    officer = persona("township_officer")
    return warnings.warning_create(
        actor=officer, warning=Warning(region_id=tree.township.code, **values), regions=[tree.village]
    )


def test_pages_show_the_message_with_the_status(client, tree):
    warning = draft_warning(tree)
    client.force_login(persona("township_officer"))
    refused = client.post(f"/alerts/warnings/{warning.pk}/steps/issue/")
    assert refused.status_code == 403 and "预警须由县级有签发权限的人员签发" in refused.content.decode()
    client.post(f"/alerts/warnings/{warning.pk}/steps/submit/")
    again = client.post(f"/alerts/warnings/{warning.pk}/steps/submit/", follow=True)
    shown = [str(m) for m in get_messages(again.wsgi_request)] + [again.content.decode()]
    assert any("只有草稿可以提交签发" in text for text in shown)
    assert Warning.objects.get(pk=warning.pk).status == "review"


def test_a_domain_error_leaving_a_view_is_a_page_with_its_message_and_status(tree):
    request = RequestFactory().post("/anything/")
    request.user = persona("county_operator")
    middleware = DomainErrorMiddleware(lambda r: None)
    response = middleware.process_exception(request, DomainError("demo.conflict", "该记录已被他人修改", status=409))
    assert response.status_code == 409 and "该记录已被他人修改" in response.content.decode()
    forbidden = middleware.process_exception(request, DomainError("demo.role", "须由县级人员决定", status=403))
    assert forbidden.status_code == 403 and "须由县级人员决定" in forbidden.content.decode()
    assert middleware.process_exception(request, ValueError("not ours")) is None
