"""Relief pages: the county and township pages, the public 公示 (masked names, objections, rate limit),
payment refused the second time with a 400 and a Chinese message, the Excel export."""

import io
import time

import openpyxl
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anlan.core.models import AuditEntry
from anlan.core.public import new_challenge
from anlan.disasters import relief
from anlan.disasters.models import ReliefObjection, ReliefPayment, ReliefProgramme, ReliefRecipient
from anlan.testing.personas import persona

from .relief_fixtures import *  # noqa: F403  (the shared fixtures)
from .relief_fixtures import end_notice, review_all


def _listed(programme):
    relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    review_all(programme)
    review_all(programme, township_actor="other_township_officer")


@pytest.fixture
def in_notice(programme, houses):
    _listed(programme)
    relief.programme_publish(actor=persona("county_operator"), programme=programme)
    return programme


def _by_name(programme, name):
    return next(r for r in programme.recipients.all() if r.head_name == name)


def _objection(recipient, **extra):
    question, token = new_challenge("anlan.relief-objection", now=time.time() - 10)
    a, b = (int(x) for x in question.removesuffix(" = ?").split(" + "))
    return {
        "recipient": recipient.pk,
        "text": "该户房屋未倒塌",
        "name": "王群众",
        "phone": "13712345678",
        "answer": a + b,
        "challenge": token,
        **extra,
    }


def test_the_public_notice_shows_masked_names_without_login(client, in_notice):
    page = client.get(f"/p/relief/{in_notice.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "张*明" in body and "张三明" not in body
    assert "500237198001010011" not in body and "13912345678" not in body
    assert "2400.00" in body  # 20 元 × 4 人 × 30 天
    assert in_notice.name in client.get("/p/relief/").content.decode()


def test_a_draft_or_finished_notice_is_not_public(client, programme, houses, in_notice):
    end_notice(in_notice)
    assert client.get(f"/p/relief/{in_notice.pk}/").status_code == 404
    draft = ReliefProgramme.objects.create(
        name="草拟",
        kind="winter",
        region=in_notice.region,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        rate=150,
    )
    assert client.get(f"/p/relief/{draft.pk}/").status_code == 404


def test_an_objection_from_the_public_page_reaches_the_township(client, in_notice):
    zhang = _by_name(in_notice, "张三明")
    done = client.post(f"/p/relief/{in_notice.pk}/", _objection(zhang))
    assert done.status_code == 200 and "已收到您的异议" in done.content.decode()
    objection = ReliefObjection.objects.get(recipient=zhang)
    assert objection.phone == "13712345678" and objection.submitted_from
    client.force_login(persona("township_officer"))
    page = client.get(f"/disasters/relief/{in_notice.pk}/").content.decode()
    assert "该户房屋未倒塌" in page and "resolve-form" in page
    client.force_login(persona("other_township_officer"))
    assert "该户房屋未倒塌" not in client.get(f"/disasters/relief/{in_notice.pk}/").content.decode()


def test_an_objection_against_a_household_not_listed_is_refused(client, in_notice):
    data = {**_objection(_by_name(in_notice, "张三明")), "recipient": 999999}
    page = client.post(f"/p/relief/{in_notice.pk}/", data)
    assert page.status_code == 400 and "请选择公示名单中的一户" in page.content.decode()
    assert not ReliefObjection.objects.filter(programme=in_notice).exists()


@override_settings(ANLAN_RELIEF_OBJECTIONS_PER_HOUR=2)
def test_objections_are_rate_limited_per_address(client, in_notice):
    zhang = _by_name(in_notice, "张三明")
    for _ in range(2):
        assert client.post(f"/p/relief/{in_notice.pk}/", _objection(zhang)).status_code == 200
    third = client.post(f"/p/relief/{in_notice.pk}/", _objection(zhang))
    assert third.status_code == 429 and "提交次数过多" in third.content.decode()
    assert ReliefObjection.objects.filter(programme=in_notice).count() == 2


def test_county_page_flow_publish_approve_and_pay_twice_refused(client, programme, houses):
    _listed(programme)
    client.force_login(persona("county_operator"))
    page = client.get(f"/disasters/relief/{programme.pk}/")
    assert page.status_code == 200 and "开始公示" in page.content.decode()
    client.post(f"/disasters/relief/{programme.pk}/step/publish/")
    programme.refresh_from_db()
    assert programme.status == "notice"
    refused = client.post(f"/disasters/relief/{programme.pk}/step/approve/")
    assert refused.status_code == 400 and "公示期未满" in refused.content.decode()
    end_notice(programme)
    client.post(f"/disasters/relief/{programme.pk}/step/approve/")
    programme.refresh_from_db()
    assert programme.status == "approved"

    client.force_login(persona("township_officer"))
    zhang = _by_name(programme, "张三明")
    form = {"method": "cash", "paid_on": timezone.localdate().isoformat(), "reference": "", "amount": ""}
    first = client.post(f"/disasters/relief/households/{zhang.pk}/pay/", form)
    assert first.status_code == 302
    second = client.post(f"/disasters/relief/households/{zhang.pk}/pay/", form)
    assert second.status_code == 400 and "不能重复发放" in second.content.decode()
    assert ReliefPayment.objects.filter(recipient=zhang).count() == 1


def test_the_township_page_masks_nothing_it_needs_and_the_village_worker_sees_masked_names(client, in_notice):
    client.force_login(persona("township_officer"))
    body = client.get(f"/disasters/relief/{in_notice.pk}/").content.decode()
    assert "张三明" in body and "赵六一" not in body  # its own township only
    client.force_login(persona("village_grid_worker"))
    body = client.get(f"/disasters/relief/{in_notice.pk}/").content.decode()
    assert "张*明" in body and "张三明" not in body


def test_enterprise_users_do_not_see_relief(client, in_notice):
    client.force_login(persona("enterprise_user"))
    assert client.get("/disasters/relief/").status_code == 403
    assert client.get(f"/disasters/relief/{in_notice.pk}/").status_code == 403


def test_another_county_programme_is_404_for_a_township(client, tree, in_notice):
    own = ReliefProgramme.objects.create(
        name="别乡项目",
        kind="winter",
        region=tree.other_township,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        rate=150,
    )
    client.force_login(persona("township_officer"))
    assert client.get(f"/disasters/relief/{own.pk}/").status_code == 404
    assert client.get(f"/disasters/relief/{in_notice.pk}/").status_code == 200  # the county's programme


def test_new_programme_page_offers_the_reference_values(client, process):
    client.force_login(persona("county_operator"))
    page = client.get("/disasters/relief/new/?kind=transition").content.decode()
    assert "参考值，可按本地标准调整" in page and 'value="20' in page and 'value="90"' in page
    bad = client.post(
        "/disasters/relief/new/",
        {
            "name": "超期",
            "kind": "transition",
            "region": process.region_id,
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
            "rate": "20",
            "days": "120",
            "notice_days": "7",
        },
    )
    assert bad.status_code == 400 and "不超过 90 天" in bad.content.decode()
    assert not ReliefProgramme.objects.filter(name="超期").exists()


def test_export_has_the_form10_columns_and_masks_per_role(client, in_notice):
    client.force_login(persona("township_officer"))
    response = client.get(f"/disasters/relief/{in_notice.pk}/export/")
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    sheet = book["应急统表10"]
    rows = list(sheet.iter_rows(values_only=True))
    assert [h.split(" ")[0] for h in rows[0]] == [f"D0300{i}" for i in range(1, 10)] + ["D03010"]
    names = {r[0] for r in rows[1:]}
    assert "张三明" in names  # a township officer sees names in full
    ids = {r[1] for r in rows[1:]}
    assert "500237198001010011" not in ids  # ID numbers only for the county administrator
    client.force_login(persona("viewer"))
    response = client.get(f"/disasters/relief/{in_notice.pk}/export/")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content))["应急统表10"].iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} >= {"张*明"}


def test_the_demo_has_last_winters_programme_closed_with_payments(db):
    closed = ReliefProgramme.objects.get(status="closed", synthetic=True)
    assert closed.payments.filter(means="cash").count() == closed.recipients.count()
    assert closed.payments.filter(means="goods").exists()


def test_the_list_counts_what_waits_for_each_user(client, programme, houses):
    relief.recipients_from_registers(actor=persona("county_operator"), programme=programme)
    client.force_login(persona("township_officer"))
    page = client.get("/disasters/relief/")
    assert page.status_code == 200
    row = next(line for line in page.content.decode().split("<tr>") if programme.name in line)
    # Its own township's two households wait for 村评; the other township's one is not counted here.
    assert "<td>2</td><td><b>2</b></td>" in row


def test_goods_page_issues_from_the_warehouse_and_the_export_values_them(client, programme, houses, stocked, rice):
    _listed(programme)
    relief.programme_publish(actor=persona("county_operator"), programme=programme)
    end_notice(programme)
    relief.programme_approve(actor=persona("county_operator"), programme=programme)
    client.force_login(persona("township_officer"))
    page = client.get(f"/disasters/relief/{programme.pk}/goods/")
    assert page.status_code == 200 and "赵六一" not in page.content.decode()  # only its own households
    zhang, li = _by_name(programme, "张三明"), _by_name(programme, "李四")
    form = {
        "recipients": [zhang.pk, li.pk],
        "warehouse": stocked.pk,
        "item": rice.pk,
        "quantity": "10",
        "unit_price": "5",
        "paid_on": timezone.localdate().isoformat(),
    }
    assert client.post(f"/disasters/relief/{programme.pk}/goods/", form).status_code == 302
    assert sum(s.quantity for s in stocked.stock.filter(item=rice)) == 80
    again = client.post(f"/disasters/relief/{programme.pk}/goods/", form)
    assert again.status_code == 400  # both are no longer offered: the choice is refused, nothing issued
    assert sum(s.quantity for s in stocked.stock.filter(item=rice)) == 80
    rows = list(
        openpyxl.load_workbook(io.BytesIO(client.get(f"/disasters/relief/{programme.pk}/export/").content))[
            "应急统表10"
        ].iter_rows(values_only=True)
    )
    zhang_row = next(r for r in rows[1:] if r[0] == "张三明")
    assert zhang_row[8] == 50 and zhang_row[9] == "实物"


def test_a_township_officer_cannot_start_the_notice_of_a_county_programme(client, programme, houses):
    _listed(programme)
    client.force_login(persona("township_officer"))
    page = client.get(f"/disasters/relief/{programme.pk}/").content.decode()
    assert "开始公示" not in page  # not offered
    assert client.post(f"/disasters/relief/{programme.pk}/step/publish/").status_code == 403
    programme.refresh_from_db()
    assert programme.status == "draft" and programme.notice_ends_at is None
    assert not AuditEntry.objects.filter(action="relief_publish", object_id=str(programme.pk)).exists()


def test_the_export_of_names_and_ids_is_audited(client, in_notice):
    client.force_login(persona("county_operator"))
    before = AuditEntry.objects.filter(action="export").count()
    assert client.get(f"/disasters/relief/{in_notice.pk}/export/").status_code == 200
    entries = AuditEntry.objects.filter(action="export").order_by("-pk")
    assert entries.count() == before + 1
    entry = entries.first()
    assert entry.object_id == str(in_notice.pk) and entry.actor_id == persona("county_operator").pk


def _boundary_read(queries) -> list[str]:
    return [q["sql"] for q in queries if "boundary" in q["sql"]]


def test_household_lists_do_not_load_region_boundaries(client, in_notice):
    client.force_login(persona("county_operator"))
    with CaptureQueriesContext(connection) as detail:
        assert client.get(f"/disasters/relief/{in_notice.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as export:
        assert client.get(f"/disasters/relief/{in_notice.pk}/export/").status_code == 200
    client.logout()
    with CaptureQueriesContext(connection) as public:
        assert client.get(f"/p/relief/{in_notice.pk}/").status_code == 200
    assert _boundary_read(detail.captured_queries) == []
    assert _boundary_read(export.captured_queries) == []
    assert _boundary_read(public.captured_queries) == []


def test_the_draw_reports_possible_duplicates(client, programme, houses, tree):
    relief.recipient_add(
        actor=persona("township_officer"),
        recipient=ReliefRecipient(
            programme=programme,
            region=tree.village,
            head_name="张三明",
            id_number="500237198001010011",
            members=4,
            people=4,
            address="手工户报",
        ),
    )
    houses[0].head_id_number = ""  # the same family in the register, its ID number not taken down
    houses[0].save()
    client.force_login(persona("county_operator"))
    page = client.post(f"/disasters/relief/{programme.pk}/draw/", {"source": "register"}, follow=True)
    body = page.content.decode()
    assert "新增 2 户" in body and "另有 1 户与名单中同村同名的户可能重复" in body
    assert sum(r.head_name == "张三明" for r in programme.recipients.all()) == 1
