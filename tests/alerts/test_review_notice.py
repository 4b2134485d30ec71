"""A warning submitted for 签发 tells those who may sign it (county roles over its region) in their inbox;
the 叫应 board URL opened directly leads to the 审核签发 page instead of a bare fragment."""

import pytest

from anlan.accounts.models import User
from anlan.alerts import services
from anlan.alerts.models import Warning
from anlan.core.roles import COUNTY_ROLES
from anlan.inbox.models import Notification
from anlan.notify import outbox
from anlan.notify.models import Delivery
from anlan.testing.personas import persona
from tests.alerts.helpers import issue_warning
from tests.alerts.test_warnings import body


@pytest.mark.django_db
def test_township_submission_reaches_the_county_signers_inbox(client, tree):
    client.force_login(persona("township_officer"))
    created = client.post("/api/v1/warnings/", body(tree), content_type="application/json").json()
    assert Warning.objects.get(pk=created["id"]).region_id == tree.township.code
    response = client.post(f"/alerts/warnings/{created['id']}/steps/submit/")
    assert response.status_code == 302

    signers = set(
        User.objects.filter(is_active=True, role__in=COUNTY_ROLES, region_id=tree.county.code).values_list(
            "pk", flat=True
        )
    )
    queued = Delivery.objects.filter(notice__topic=f"warning:{created['id']}:review")
    assert set(queued.values_list("recipient_key", flat=True)) == {f"user:{pk}" for pk in signers}
    assert set(queued.values_list("channel", flat=True)) == {"inapp"}
    assert services.summary(Warning.objects.get(pk=created["id"]))["targeted"] == 0  # not the warning's sending

    while outbox.process(limit=1000)["claimed"]:
        pass
    message = Notification.objects.get(recipient=persona("county_operator"), category="warning")
    assert message.title == f"待签发预警：{created['headline']}"
    assert "township_officer提交了暴雨预警" in message.body and "请审核签发" in message.body
    assert message.link == f"/alerts/warnings/{created['id']}/steps/"
    assert not Notification.objects.filter(recipient=persona("township_officer"), category="warning").exists()
    assert not Notification.objects.filter(recipient=persona("other_township_officer"), category="warning").exists()

    client.force_login(persona("county_operator"))
    inbox = client.get("/inbox/").content.decode()
    assert f"待签发预警：{created['headline']}" in inbox

    # Told once: asking again (a retried request) queues nothing more.
    assert services.tell_issuers(Warning.objects.get(pk=created["id"]), submitted_by="x") == 0


@pytest.mark.django_db
def test_board_opened_directly_is_the_steps_page_at_the_board(client, tree):
    warning = issue_warning(tree, regions=[tree.village])
    client.force_login(persona("county_operator"))
    direct = client.get(f"/alerts/warnings/{warning.pk}/board/")
    assert direct.status_code == 302 and direct["Location"] == f"/alerts/warnings/{warning.pk}/steps/#acks"
    page = client.get(direct["Location"]).content.decode()
    assert "<html" in page and 'id="board"' in page and "叫应情况" in page
    fragment = client.get(f"/alerts/warnings/{warning.pk}/board/", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert 'id="board-table"' in fragment.content.decode()


@pytest.mark.django_db
def test_an_expired_draft_is_not_offered_for_signing_and_the_page_says_why(client, tree):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(persona("county_operator"))
    created = client.post("/api/v1/warnings/", body(tree), content_type="application/json").json()
    page = client.get(f"/alerts/warnings/{created['id']}/steps/").content.decode()
    assert 'id="issue"' in page and "已过，不能签发" not in page

    Warning.objects.filter(pk=created["id"]).update(expires=timezone.now() - timedelta(minutes=5))
    page = client.get(f"/alerts/warnings/{created['id']}/steps/").content.decode()
    assert 'id="issue"' not in page
    assert "已过，不能签发" in page
