"""Pages offer a hazard's steps and its pages only when they apply: 同意/不同意延期 only while an extension
is pending, the notice only to superiors, 转为事件 only to those who record incidents. The same holds for
an alarm's 确认报警 (only while open, only for those on duty)."""

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.utils import timezone

from anlan.hazards import services
from anlan.hazards.models import HiddenHazard
from anlan.monitoring.models import Alarm, Rule, Sensor
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db
STEP = re.compile(r'data-action="([a-z_]+)"')
BUTTON = re.compile(r'<a class="button" href="[^"]*">([^<]+)</a>')


def rectifying_hazard(tree) -> HiddenHazard:
    hazard = HiddenHazard(
        title="挡墙开裂",
        description="挡墙出现 2 米裂缝",
        level="general",
        region=tree.village,
        deadline=timezone.localdate() + dt.timedelta(days=5),
    )
    services.hazard_report(actor=persona("village_grid_worker"), hazard=hazard)
    return services.hazard_transition(
        actor=persona("township_officer"), hazard=hazard, action="assign", responsible="村主任"
    )


def steps_on_handle_page(client, hazard) -> set[str]:
    page = client.get(f"/hazards/{hazard.pk}/handle/")
    assert page.status_code == 200
    return set(STEP.findall(page.content.decode()))


def detail_buttons(client, url) -> set[str]:
    page = client.get(url)
    assert page.status_code == 200
    return set(BUTTON.findall(page.content.decode()))


def test_extension_approval_is_offered_only_while_an_extension_is_pending(client, tree):
    hazard = rectifying_hazard(tree)
    client.force_login(persona("township_officer"))
    assert steps_on_handle_page(client, hazard) == {"submit", "request_extension"}

    later = hazard.deadline + dt.timedelta(days=10)
    services.hazard_transition(
        actor=persona("village_grid_worker"), hazard=hazard, action="request_extension", new_deadline=later
    )
    assert steps_on_handle_page(client, hazard) == {"submit", "approve_extension", "refuse_extension"}
    client.force_login(persona("village_grid_worker"))  # the holder: no second request while one is pending
    assert steps_on_handle_page(client, hazard) == {"submit"}

    client.force_login(persona("township_officer"))
    response = client.post(f"/hazards/{hazard.pk}/handle/", {"action": "approve_extension", "comment": "同意"})
    assert response.status_code == 302
    assert steps_on_handle_page(client, hazard) == {"submit", "request_extension"}


def test_the_hazard_detail_offers_each_page_only_to_those_it_applies_to(client, tree):
    hazard = rectifying_hazard(tree)
    url = f"/hazards/hiddenhazard/{hazard.pk}/"
    client.force_login(persona("township_officer"))
    assert detail_buttons(client, url) >= {"办理", "整改通知书", "转为事件"}
    client.force_login(persona("viewer"))
    offered = detail_buttons(client, url)
    assert "处理记录与照片" in offered
    assert not offered & {"办理", "整改通知书", "转为事件"}
    assert client.get(f"/hazards/{hazard.pk}/handle/").status_code == 200  # what the viewer is offered opens


def test_the_template_tag_names_the_open_steps_of_a_record(tree):
    hazard = rectifying_hazard(tree)
    template = Template(
        "{% load workflow %}{% workflow_steps hazard as steps %}{% for a in steps %}{{ a }} {% endfor %}"
        '{% if "approve_extension" in steps %}pending{% endif %}'
    )
    assert template.render(Context({"hazard": hazard, "user": persona("township_officer")})).split() == [
        "submit",
        "request_extension",
    ]
    assert template.render(Context({"hazard": hazard, "user": persona("viewer")})).strip() == ""


def test_alarm_acknowledgement_is_offered_only_while_open_and_to_those_on_duty(client, tree):
    sensor = Sensor.objects.filter(region__code__startswith=tree.township.code[:9]).first()
    rule = Rule.objects.filter(sensor=sensor).first() or Rule.objects.create(sensor=sensor, kind="threshold", red=1)
    alarm = Alarm.objects.create(sensor=sensor, rule=rule, level="red", value=42.0, opened_at=timezone.now())
    url = f"/monitoring/alarm/{alarm.pk}/"
    client.force_login(persona("township_officer"))
    assert {"确认报警", "转为事件"} <= detail_buttons(client, url)
    client.force_login(persona("viewer"))
    assert not detail_buttons(client, url) & {"确认报警", "转为事件"}

    client.force_login(persona("township_officer"))
    assert client.post(f"/monitoring/alarm/{alarm.pk}/acknowledge/", {"comment": "已派人核查"}).status_code == 302
    alarm.refresh_from_db()
    assert alarm.status == "acknowledged"
    assert "确认报警" not in detail_buttons(client, url)
