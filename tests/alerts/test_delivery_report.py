"""送达情况 on a warning's 审核签发 page: counted in recipients (a fallback voice call is not another
target), failure reasons grouped, the recipients no channel reached with phones masked for roles without
need, and 重试失败 — county roles only, audited, and a second click sends nothing twice."""

import re

import pytest

from anlan.alerts import services
from anlan.alerts.models import Resident, Warning
from anlan.alerts.services import deliveries
from anlan.core.models import AuditEntry
from anlan.notify import outbox
from anlan.testing.personas import persona
from tests.alerts.helpers import issue_warning


def drain():
    while outbox.process(limit=5000)["claimed"]:
        pass


@pytest.fixture
def failed_warning(tree, settings):
    """A warning to 25 residents sent while neither the SMS nor the voice gateway is configured: every
    SMS fails, falls back to a voice call, which fails too."""
    settings.ANLAN_SMS_URL = settings.ANLAN_VOICE_URL = ""
    settings.ANLAN_OUTBOX_MAX_ATTEMPTS, settings.ANLAN_CHANNEL_RATES = 1, ""
    Resident.objects.bulk_create(
        [Resident(name=f"居民{i:02d}", region=tree.village, phone=f"1390000{i:04d}") for i in range(25)]
    )
    warning = issue_warning(tree, regions=[tree.village])
    drain()
    return warning


def page(client, who, warning, **params):
    client.force_login(persona(who))
    response = client.get(f"/alerts/warnings/{warning.pk}/steps/", params)
    assert response.status_code == 200
    return response.content.decode()


def cells(html, table_id):
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    return [re.findall(r"<td>(.*?)</td>", row, re.S) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]]


@pytest.mark.django_db
def test_counts_are_recipients_not_deliveries_and_reasons_are_named(client, failed_warning):
    rows = deliveries(failed_warning)
    people = rows.values("recipient_key").distinct().count()
    residents = rows.filter(recipient_key__startswith="resident:")
    assert residents.filter(channel="voice").count() == 25  # every resident's SMS fell back to a call
    assert rows.count() > people

    html = page(client, "county_operator", failed_warning)
    assert f"发送对象 {people} 个" in html  # not the number of outbox rows
    summary = services.summary(failed_warning)
    assert summary["targeted"] == people and summary["failed"] >= 25
    by_channel = {r[0]: r[1:] for r in cells(html, "channels")}
    assert by_channel["短信"][0] == str(rows.filter(channel="sms").count())
    assert by_channel["语音外呼"][4] == "0"  # voice is the last channel: none of its failures fell back
    assert int(by_channel["短信"][3]) == int(by_channel["短信"][4]) >= 25  # the residents' failed SMS went on to a call
    reasons = {(r[0], r[1]): int(r[2]) for r in cells(html, "reasons")}
    assert reasons[("短信", "未配置短信网关（ANLAN_SMS_URL）")] >= 25
    assert reasons[("语音外呼", "未配置外呼网关（ANLAN_VOICE_URL）")] >= 25


@pytest.mark.django_db
def test_failed_recipients_are_listed_a_page_at_a_time_with_masked_phones(client, tree, failed_warning):
    unreached = services.summary(failed_warning)["failed"]
    html = page(client, "viewer", failed_warning)  # a role without need for full phone numbers
    assert f"未送达对象（{unreached}）" in html
    listed = cells(html, "failed-list")
    pages = -(-unreached // 20)
    assert len(listed) == 20 and f"第 1 / {pages}" in html and "failed_page=2#failed" in html
    # Everyone warned there is listed (its responsible persons, the enterprises in it, the residents), so
    # with a real county's enterprises the residents may be on a later page.
    rows = [
        (n, r)
        for n in range(1, pages + 1)
        for r in cells(page(client, "viewer", failed_warning, failed_page=n), "failed-list")
    ]
    assert len(rows) == unreached
    residents_page, resident = next((n, r) for n, r in rows if r[0].startswith("居民"))
    assert resident[1] == "居民" and resident[2] == tree.village.name
    assert resident[4] == "语音外呼" and "未配置外呼网关" in resident[5]
    assert re.fullmatch(r"139\*{4}\d{4}", resident[3])
    assert "重试失败" not in html  # a viewer may not send

    officer = page(client, "county_operator", failed_warning, failed_page=residents_page)
    assert re.search(r"<td>1390000\d{4}</td>", officer)  # county roles need the number to call
    assert 'id="retry"' in officer
    second = cells(page(client, "county_operator", failed_warning, failed_page=2), "failed-list")
    assert len(second) == min(20, unreached - 20) and not {r[0] for r in second} & {r[0] for r in listed}


@pytest.mark.django_db
def test_retry_queues_the_unreached_once_and_is_audited(client, failed_warning, settings):
    rows = deliveries(failed_warning)
    unreached = services.summary(failed_warning)["failed"]
    client.force_login(persona("county_operator"))
    response = client.post(f"/alerts/warnings/{failed_warning.pk}/steps/retry/", follow=True)
    assert f"已重新发送给 {unreached} 个未送达对象" in response.content.decode()
    assert services.summary(failed_warning)["queued"] == unreached and not rows.filter(status="failed").exists()
    # Each is tried again from their first channel; the call that followed is written again only if needed.
    assert rows.filter(recipient_key__startswith="resident:", status="queued").count() == 25
    assert not rows.filter(recipient_key__startswith="resident:", channel="voice").exists()
    assert rows.filter(recipient_key__startswith="resident:", channel="sms", attempts=0).count() == 25

    count = rows.count()
    again = client.post(f"/alerts/warnings/{failed_warning.pk}/steps/retry/", follow=True)
    assert "没有需要重试的对象" in again.content.decode()
    assert rows.count() == count and services.summary(failed_warning)["queued"] == unreached
    entries = AuditEntry.objects.filter(action="warning_retry", object_id=str(failed_warning.pk))
    assert entries.count() == 1 and entries.get().after["recipients"] == unreached
    assert any("未配置短信网关" in reason for reason in entries.get().after["reasons"])

    # Still no gateway: the SMS fails again and the call is tried again, once.
    drain()
    assert rows.filter(recipient_key__startswith="resident:", channel="voice").count() == 25
    assert services.summary(failed_warning)["failed"] == unreached


@pytest.mark.django_db
def test_retry_reaches_the_gateway_once_configured(client, failed_warning, settings):
    from tests.notify.test_outbox import Gateway

    gateway = Gateway()
    settings.ANLAN_SMS_URL = gateway.url
    try:
        client.force_login(persona("county_admin"))
        client.post(f"/alerts/warnings/{failed_warning.pk}/steps/retry/")
        drain()
    finally:
        gateway.server.shutdown()
    residents = deliveries(failed_warning).filter(recipient_key__startswith="resident:")
    assert residents.filter(channel="sms", status="sent").count() == 25 and gateway.repeats == 0
    assert not residents.filter(channel="voice").exists()  # delivered by SMS: no call this time


@pytest.mark.django_db
def test_only_county_roles_may_retry(client, tree, settings):
    settings.ANLAN_SMS_URL = settings.ANLAN_VOICE_URL = ""
    settings.ANLAN_OUTBOX_MAX_ATTEMPTS, settings.ANLAN_CHANNEL_RATES = 1, ""
    Resident.objects.create(name="居民", region=tree.village, phone="13900001234")
    warning = issue_warning(tree, regions=[tree.village])
    Warning.objects.filter(pk=warning.pk).update(region=tree.township)  # the township's own warning
    drain()
    client.force_login(persona("township_officer"))
    assert 'id="retry"' not in client.get(f"/alerts/warnings/{warning.pk}/steps/").content.decode()
    response = client.post(f"/alerts/warnings/{warning.pk}/steps/retry/")
    assert response.status_code == 403
    assert deliveries(warning).filter(status="queued").count() == 0
