"""Two clerks pay the same household at the same moment: one payment, one refusal (PostgreSQL, where two
connections really run at once; on SQLite the writes are serialised by the file lock anyway)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from anlan.core.errors import DomainError
from anlan.disasters import relief
from anlan.disasters.models import ReliefPayment
from anlan.testing.personas import persona

from .relief_fixtures import *  # noqa: F403  (the shared fixtures)
from .relief_fixtures import end_notice, review_all


@pytest.mark.postgres_only  # concurrent connections: SQLite serialises writers (the SQLite run deselects it)
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_payments_to_one_household_leave_one(programme, houses):
    relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    review_all(programme)
    review_all(programme, township_actor="other_township_officer")
    relief.programme_publish(actor=persona("county_operator"), programme=programme)
    end_notice(programme)
    relief.programme_approve(actor=persona("county_operator"), programme=programme)
    zhang = next(r for r in programme.recipients.all() if r.head_name == "张三明")
    clerks = [persona("township_officer"), persona("county_operator")]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def pay(actor):
        try:
            start.wait()
            relief.pay_cash(actor=actor, recipient=zhang, method="cash", paid_on=timezone.localdate())
            outcomes.append("paid")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(actor,)) for actor in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == sorted(["paid", "该户在本救助项目中已发放过救助款，不能重复发放"])
    assert ReliefPayment.objects.filter(recipient=zhang).count() == 1
