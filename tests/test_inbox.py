"""站内消息: each user reads only their own, marks them read; the top bar shows the unread count."""

import pytest

from anlan.inbox.models import Notification
from anlan.inbox.services import Message, notify
from anlan.testing.personas import persona


@pytest.mark.django_db
def test_inbox_page_api_and_badge(client):
    me, other = persona("township_officer"), persona("other_township_officer")
    message = Message("task", "请核查山体裂缝", "村民反映", "/hazards/", dedupe_key="t1")
    assert notify([me, other], message) == 2
    assert notify([me], message) == 0  # same key: not sent twice
    client.force_login(me)
    page = client.get("/inbox/").content.decode()
    assert "请核查山体裂缝" in page and 'class="badge unread">1<' in page
    api = client.get("/api/v1/inbox/", {"unread": "1"}).json()
    assert [n["title"] for n in api["results"]] == ["请核查山体裂缝"]
    theirs = Notification.objects.get(recipient=other)
    assert client.get(f"/api/v1/inbox/{theirs.pk}/").status_code == 404
    assert client.post("/api/v1/inbox/read/", {"ids": "x"}, content_type="application/json").status_code == 400
    assert client.post("/api/v1/inbox/read/", {}, content_type="application/json").json() == {"marked": 1}
    assert Notification.objects.get(recipient=other).read_at is None
    assert 'class="badge unread"' not in client.get("/inbox/").content.decode()
