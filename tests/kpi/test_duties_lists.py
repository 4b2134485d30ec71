"""职责清单 / 工作清单: a unit edits only its own list; items are imported from Excel atomically with a row
report; publishing needs items and sets the date."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anlan.core.errors import DomainError
from anlan.core.models import AuditEntry
from anlan.kpi import services_duties as svc
from anlan.kpi.models import DutyList, DutyListItem
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def xlsx(rows) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("清单.xlsx", buf.getvalue())


def test_a_unit_edits_only_its_own_list(tree):
    officer, other = persona("township_officer"), persona("other_township_officer")
    dept = persona("department_operator")
    ours = svc.list_create(actor=officer, duty_list=DutyList(kind="work", title="2026年工作清单", year=2026))
    assert ours.region == tree.township and ours.department is None
    theirs = svc.list_create(actor=dept, duty_list=DutyList(kind="duties", title="水利局职责清单", region=tree.county))
    assert theirs.department == dept.department
    svc.item_save(actor=officer, item=DutyListItem(duty_list=ours, content="开展汛前隐患排查"))
    with pytest.raises(DomainError):
        svc.item_save(actor=other, item=DutyListItem(duty_list=ours, content="越权"))
    with pytest.raises(DomainError):
        svc.item_save(actor=officer, item=DutyListItem(duty_list=theirs, content="越权"))
    with pytest.raises(DomainError, match="年度"):
        svc.list_create(actor=officer, duty_list=DutyList(kind="work", title="无年度"))
    assert ours.items.count() == 1


def test_import_is_all_or_nothing_with_a_row_report(tree):
    officer = persona("township_officer")
    work = svc.list_create(actor=officer, duty_list=DutyList(kind="work", title="2026年工作清单", year=2026))
    created, errors = svc.import_items(
        actor=officer,
        duty_list=work,
        uploaded=xlsx(
            [
                ["事项", "依据", "完成时限"],
                ["汛前检查", "防汛条例", "2026-05-31"],
                ["", "", ""],
                ["", "缺事项", ""],
                ["演练", "", "明天"],
            ]
        ),
    )
    assert created == 0 and {(e.row, e.column) for e in errors} == {(4, "事项"), (5, "完成时限")}
    assert not work.items.exists()
    created, errors = svc.import_items(
        actor=officer,
        duty_list=work,
        uploaded=xlsx([["事项", "依据", "完成时限"], ["汛前检查", "防汛条例", "2026-05-31"], ["应急演练", "", None]]),
    )
    assert (created, errors) == (2, [])
    assert list(work.items.values_list("content", flat=True)) == ["汛前检查", "应急演练"]
    assert AuditEntry.objects.filter(action="duties_import").count() == 2
    with pytest.raises(DomainError, match="xlsx"):
        svc.import_items(actor=officer, duty_list=work, uploaded=SimpleUploadedFile("a.csv", b"x"))


def test_publish_needs_items(tree):
    officer = persona("township_officer")
    empty = svc.list_create(actor=officer, duty_list=DutyList(kind="duties", title="职责清单"))
    with pytest.raises(DomainError, match="没有事项"):
        svc.list_publish(actor=officer, duty_list=empty)
    svc.item_save(actor=officer, item=DutyListItem(duty_list=empty, content="组织群测群防"))
    assert svc.list_publish(actor=officer, duty_list=empty).published_on is not None


def test_list_pages(client, tree):
    officer = persona("township_officer")
    client.force_login(officer)
    page = client.post("/kpi/duties/", {"kind": "duties", "title": "凤家职责清单"})
    duty_list = DutyList.objects.get(title="凤家职责清单")
    assert page.status_code == 302
    client.post(f"/kpi/duties/{duty_list.pk}/items/", {"content": "组织防汛值班", "basis": "防汛条例"})
    assert "组织防汛值班" in client.get(f"/kpi/duties/{duty_list.pk}/").content.decode()
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/kpi/duties/{duty_list.pk}/").status_code == 404


def test_published_lists_are_read_by_every_unit_drafts_only_by_their_own(client, tree, django_assert_max_num_queries):
    officer, other = persona("township_officer"), persona("other_township_officer")
    dept = persona("department_operator")
    township_list = svc.list_create(actor=officer, duty_list=DutyList(kind="duties", title="凤家镇职责清单"))
    svc.item_save(actor=officer, item=DutyListItem(duty_list=township_list, content="组织群测群防"))
    svc.list_publish(actor=officer, duty_list=township_list)
    draft = svc.list_create(actor=officer, duty_list=DutyList(kind="work", title="凤家镇工作清单草稿", year=2026))
    water = svc.list_create(actor=dept, duty_list=DutyList(kind="duties", title="水利局职责清单", region=tree.county))
    svc.item_save(actor=dept, item=DutyListItem(duty_list=water, content="水旱灾害防御"))
    svc.list_publish(actor=dept, duty_list=water)

    # The other township and the department read both published lists, not the township's draft.
    for reader in (other, dept, persona("village_grid_worker")):
        titles = set(svc.readable(reader).values_list("title", flat=True))
        assert {"凤家镇职责清单", "水利局职责清单"} <= titles and "凤家镇工作清单草稿" not in titles
    assert set(svc.readable(officer).values_list("title", flat=True)) >= {"凤家镇工作清单草稿", "水利局职责清单"}
    assert not svc.readable(persona("enterprise_user")).exists()

    client.force_login(other)
    with django_assert_max_num_queries(12):
        page = client.get("/kpi/duties/").content.decode()
    assert "凤家镇职责清单" in page and "水利局职责清单" in page and "凤家镇工作清单草稿" not in page
    detail = client.get(f"/kpi/duties/{township_list.pk}/")
    assert detail.status_code == 200 and "组织群测群防" in detail.content.decode()
    assert 'name="content"' not in detail.content.decode()  # read, not edit
    assert client.get(f"/kpi/duties/{draft.pk}/").status_code == 404
    # Reading is not writing: the other township still cannot add to the published list.
    client.post(f"/kpi/duties/{township_list.pk}/items/", {"content": "越权"})
    assert not township_list.items.filter(content="越权").exists()
