"""Certificates expiring: the 90-day list and the daily reminder through the inbox (holder and unit, once per
stage)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.models import User
from anlan.inbox.models import Notification
from anlan.testing.personas import persona
from anlan.training import services
from anlan.training.models import Certificate

from . import helpers

pytestmark = pytest.mark.django_db


def _cert(trainee, days, number):
    today = timezone.localdate()
    return Certificate.objects.create(
        trainee=trainee,
        kind="special",
        number=number,
        issued_on=today - dt.timedelta(days=1000),
        expires_on=today + dt.timedelta(days=days),
    )


def test_the_reminder_reaches_the_holder_and_the_townships_officer_once_per_stage(tree):
    Certificate.objects.all().delete()  # the demo's certificates would remind too
    today = timezone.localdate()
    grid = persona("village_grid_worker")
    officer = persona("township_officer")
    other = persona("other_township_officer")
    holder = helpers.trainee(tree.village, "持证人", user=grid)
    soon = _cert(holder, 25, "T-1")
    _cert(helpers.trainee(tree.township, "远期"), 200, "T-2")
    summary = services.reminder_job(today)
    assert "即将到期证书 1 本" in summary
    to = set(Notification.objects.filter(dedupe_key__startswith="training-cert:").values_list("recipient", flat=True))
    assert {grid.pk, officer.pk} <= to
    assert other.pk not in to
    keepers = set(User.objects.filter(pk__in=to).values_list("role", "region_id"))
    assert keepers <= {("village_worker", tree.village.code), ("township_operator", tree.township.code)}
    assert Notification.objects.filter(recipient=officer, title__contains="持证人").exists()
    sent = Notification.objects.filter(dedupe_key__startswith=f"training-cert:{soon.pk}:").count()
    assert sent == len(to)
    services.reminder_job(today)  # the next run sends nothing new at the same stage
    assert Notification.objects.filter(dedupe_key__startswith=f"training-cert:{soon.pk}:").count() == sent
    services.reminder_job(today + dt.timedelta(days=20))  # 5 days left: the 7-day stage, once more each
    assert Notification.objects.filter(dedupe_key__startswith=f"training-cert:{soon.pk}:").count() == 2 * sent


def test_the_expiring_list_shows_certificates_within_90_days(client, tree):
    holder = helpers.trainee(tree.township, "张持证")
    _cert(holder, 60, "E-60")
    _cert(holder, 120, "E-120")
    _cert(holder, -3, "E-OLD")
    client.force_login(persona("township_officer"))
    page = client.get(reverse("training:certificate_list"), {"expiring": "true"}).content.decode()
    assert "E-60" in page and "E-120" not in page and "E-OLD" not in page
