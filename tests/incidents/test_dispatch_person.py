"""Orders to a local person (属地人员): a village worker named on the order finds it in his inbox, on his
工作台 and in his list, wherever the incident was recorded, and reports back from its field page; nobody
else is sent there as its assignee."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.roles import Role
from anlan.inbox.models import Notification
from anlan.incidents import selectors, services
from anlan.incidents.models import DispatchOrder, Incident
from anlan.plans.models import IncidentKind
from anlan.testing.personas import persona


def _incident(region) -> Incident:
    now = timezone.now()
    incident = Incident(
        title="早阳村山体滑坡",
        kind=IncidentKind.objects.get(name="地质灾害"),
        region=region,
        lon=region.center_lon,
        lat=region.center_lat,
        occurred_at=now - dt.timedelta(minutes=10),
        received_at=now,
        caller_name="李四",
        caller_phone="13900002222",
        description="后山有裂缝",
    )
    return services.incident_create(actor=persona("county_operator"), incident=incident)


@pytest.mark.django_db
def test_an_order_to_a_village_worker_reaches_him_and_only_him(client, tree):
    worker = persona("village_grid_worker")
    incident = _incident(tree.township)  # recorded at the township, not in his village
    assert worker in selectors.local_people(persona("county_operator"), incident)
    order = services.order_create(
        actor=persona("county_operator"), incident=incident, kind="person", target=worker, instruction="组织转移"
    )
    assert order.user == worker and worker.region.name in order.assignee_name
    message = Notification.objects.get(recipient=worker, dedupe_key=f"order:{order.pk}")
    assert message.link == f"/p/order/{services.order_token(order)}/" and "组织转移" in message.body

    client.force_login(worker)
    listed = client.get("/incidents/dispatchorder/?mine=true&open=true")
    assert [o.pk for o in listed.context["page"]] == [order.pk]
    home = client.get("/")
    (item,) = [i for i in home.context["todo"] if i.key == "my_orders"]
    assert item.count == 1
    feedback = client.get(f"/incidents/orders/{order.pk}/feedback/")
    assert feedback.status_code == 302 and feedback["Location"] == message.link

    # Another village worker of the same township sees the incident's area but is not the assignee.
    other = User.objects.create(username="other_worker", role=Role.VILLAGE_WORKER, region=worker.region)
    client.force_login(other)
    assert client.get("/incidents/dispatchorder/?mine=true").context["page"].paginator.count == 0
    assert client.get(f"/incidents/orders/{order.pk}/feedback/").status_code in (403, 404)


@pytest.mark.django_db
def test_a_township_cannot_send_orders_to_people_of_another_township(client, tree):
    township = persona("township_officer")
    outside = User.objects.create(username="far_worker", role=Role.VILLAGE_WORKER, region=tree.other_village)
    assert not tree.other_village.code.startswith(tree.township.code[:9])
    incident = _incident(tree.village)
    client.force_login(township)
    post = {"step": "order", "kind": "person", "target": outside.pk, "instruction": "组织转移"}
    assert client.post(f"/incidents/{incident.pk}/", post).status_code == 404
    assert not DispatchOrder.objects.filter(incident=incident).exists()
    mine = persona("village_grid_worker")
    client.post(f"/incidents/{incident.pk}/", {**post, "target": mine.pk})
    assert DispatchOrder.objects.get(incident=incident).user == mine
