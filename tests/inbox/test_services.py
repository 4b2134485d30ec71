"""Sending in-app messages in bulk: once per (recipient, dedupe key), whichever insert path the size takes."""

import pytest

from anlan.inbox.models import Notification
from anlan.inbox.services import Message, notify_many
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("n", [3, 150])  # 150: past the threshold of PostgreSQL's one-statement insert
def test_notify_many_sends_each_message_once_per_recipient_and_key(tree, n):
    users = [persona("township_officer"), persona("county_operator")]
    messages = [
        Message(category="alarm", title=f"报警 {i}", body="正文", link="/x/", dedupe_key=f"k:{i}") for i in range(n)
    ]
    pairs = [(u, m) for m in messages for u in users]
    assert notify_many(pairs + pairs[:5]) == 2 * n  # the repeats inside one call count once
    assert notify_many(pairs) == 0  # and a second call tells nobody again
    stored = Notification.objects.filter(recipient=users[0], dedupe_key__startswith="k:")
    assert stored.count() == n
    one = stored.get(dedupe_key="k:1")
    assert (one.title, one.body, one.link, one.category, one.read_at) == ("报警 1", "正文", "/x/", "alarm", None)
    assert one.created_at is not None
    unkeyed = Message(category="other", title="无键")
    assert notify_many([(users[0], unkeyed)] * 2) == 2  # no key: no dedupe
