"""The 工作台's follow-up items (issue 15): 叫应 unanswered past their window and deliveries no channel
reached (county), a village's warnings still to acknowledge, a department's tasks in running responses and
a township's open dispatch orders — each counted per person or row exactly as the list it opens lists."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.overview.items import workbench
from anlan.testing.personas import persona


def shown(name, key, now=None):
    return next(s for s in workbench(persona(name), now=now) if s.key == key)


def recipients(client, name, url) -> list[str]:
    client.force_login(persona(name))
    page = client.get(url)
    assert page.status_code == 200, url
    assert page.context["page"].paginator.count == len(page.context["page"].object_list)
    return sorted(d.recipient_name for d in page.context["page"].object_list)


@pytest.mark.django_db
def test_the_county_sees_the_silent_responsible_persons_past_their_window(client, busy):
    item = shown("county_operator", "acks_overdue")
    names = recipients(client, "county_operator", item.url)
    assert {"村责任人甲", "外乡责任人"} <= set(names)  # silent for an hour on an orange warning
    # not the one asked a minute ago, not the one who acknowledged, not a superior's call nor the unreached
    assert not {"村责任人乙", "村责任人丙", "上级", "未达责任人"} & set(names)
    assert item.count == len(names)


@pytest.mark.django_db
def test_a_failed_delivery_is_a_person_no_channel_reached(client, busy):
    item = shown("county_operator", "deliveries_failed")
    names = recipients(client, "county_operator", item.url)
    assert names.count("未达责任人") == 1  # SMS and the voice call both failed: one person, listed once
    assert item.count == len(names)
    # The public's unreached are followed up on each warning's own 送达情况 (with 重发), not on the desk.
    assert not {"居民甲", "居民乙"} & set(names)


@pytest.mark.django_db
def test_the_delivery_list_counts_the_public_per_person_too(client, busy):
    from anlan.core.kit import config_for
    from anlan.notify.models import Delivery

    url = config_for(Delivery).reverse("list") + "?unreached=true"
    names = recipients(client, "county_operator", url)
    assert "居民乙" in names and names.count("未达责任人") == 1
    assert "居民甲" not in names  # the SMS failed but the voice call reached them


@pytest.mark.django_db
def test_the_village_worker_sees_who_in_the_village_has_not_acknowledged_yet(client, busy):
    item = shown("village_grid_worker", "village_acks")
    names = recipients(client, "village_grid_worker", item.url)
    assert {"村责任人甲", "村责任人乙"} <= set(names)  # silent past the window, or asked a moment ago
    assert not {"村责任人丙", "外乡责任人", "未达责任人"} & set(names)  # acknowledged, another village, unreached
    assert item.count == len(names)


@pytest.mark.django_db
def test_an_acknowledgement_takes_the_person_off_both_lists(client, busy):
    from anlan.alerts import acks
    from anlan.alerts.models import Warning
    from anlan.notify.models import Delivery

    before = shown("county_operator", "acks_overdue").count
    silent = Delivery.objects.get(recipient_key="person:9001")
    warning_id = int(silent.notice.topic.split(":")[1])
    assert Warning.objects.get(pk=warning_id).status == Warning.Status.ISSUED
    acks.acknowledge(warning_id=warning_id, recipient_key="person:9001", via="link")
    assert shown("county_operator", "acks_overdue").count == before - 1
    assert "村责任人甲" not in recipients(
        client, "village_grid_worker", shown("village_grid_worker", "village_acks").url
    )


@pytest.mark.django_db
def test_the_window_depends_on_the_warning_level(busy):
    from anlan.notify.models import Delivery

    before = shown("county_operator", "acks_overdue").count
    asked = Delivery.objects.filter(recipient_key="person:9002")
    asked.update(sent_at=timezone.now() - dt.timedelta(minutes=15))  # within orange's 20 minutes
    assert shown("county_operator", "acks_overdue").count == before
    asked.update(sent_at=timezone.now() - dt.timedelta(minutes=25))  # past them
    assert shown("county_operator", "acks_overdue").count == before + 1


@pytest.mark.django_db
def test_the_department_sees_its_open_tasks_of_running_responses_only(client, busy):
    item = shown("department_operator", "department_tasks")
    client.force_login(persona("department_operator"))
    page = client.get(item.url)
    titles = sorted(t.title for t in page.context["page"].object_list)
    assert {"排查水库", "转移群众"} <= set(titles)
    assert not {"已办", "已结束事件", "别的部门"} & set(titles)  # done, closed incident, another department
    assert item.count == page.context["page"].paginator.count
    assert "测试事件T-OV-1" in page.content.decode()  # the incident by its title, not its number or id


@pytest.mark.django_db
def test_the_township_sees_the_open_orders_of_incidents_in_its_area(client, busy):
    item = shown("township_officer", "orders_open")
    client.force_login(persona("township_officer"))
    page = client.get(item.url)
    orders = list(page.context["page"].object_list)
    assert item.count == page.context["page"].paginator.count == len(orders)
    assert orders and all(o.incident.region_id.startswith(busy.township.code[:9]) for o in orders)
    assert all(o.status != "done" for o in orders)
    other = shown("other_township_officer", "orders_open")
    assert other.count >= 1  # the order en route in the other township's incident


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["enterprise_user", "department_operator", "viewer"])
def test_delivery_lists_are_not_offered_to_roles_that_do_not_follow_them_up(client, name):
    from anlan.core.kit import config_for
    from anlan.notify.models import Delivery

    client.force_login(persona(name))
    url = config_for(Delivery).reverse("list")
    assert client.get(url).status_code == 403
    menu = {u for _, links in client.get("/").context["nav_groups"] for _, u in links}
    assert url not in menu


@pytest.mark.django_db
def test_the_delivery_list_names_people_places_and_warnings_not_codes(client, busy):
    item = shown("county_operator", "acks_overdue")
    client.force_login(persona("county_operator"))
    text = client.get(item.url).content.decode()
    assert "村责任人甲" in text and busy.village.name in text and "村级责任人" in text and "短信" in text
    assert "暴雨橙色预警" in text  # the notice by its warning's headline
    assert "person:9001" not in text and f">{busy.village.code}<" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        *("county_operator", "department_operator", "township_officer", "village_grid_worker"),
        *("enterprise_user", "team_leader", "viewer"),
    ],
)
def test_the_new_lists_open_exactly_for_the_roles_whose_menu_offers_them(client, busy, name):
    from anlan.core.kit import config_for
    from anlan.incidents.models import DispatchOrder, ResponseTask
    from anlan.notify.models import Delivery

    client.force_login(persona(name))
    menu = {u for _, links in client.get("/").context["nav_groups"] for _, u in links}
    for model in (Delivery, ResponseTask, DispatchOrder):
        url = config_for(model).reverse("list")
        assert client.get(url).status_code == (200 if url in menu else 403), (name, url)
        assert (url in menu) == (persona(name).role in model.view_roles), (name, url)
