"""The phone flow: checklists as data and by sector, answers proposing findings, photos, signatures and the
refusal (reported), 签字确认 creating hazards and numbered documents, 复查 only once every hazard is closed,
and scope of the pages (enterprise user reads only its own, another township gets a 404)."""

import base64
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from anlan.core.errors import DomainError
from anlan.enforcement import checklists
from anlan.enforcement import services_inspections as services
from anlan.enforcement.models import (
    Checklist,
    ChecklistItem,
    Draw,
    DrawObject,
    Finding,
    Inspection,
    InspectionAnswer,
)
from anlan.hazards import services as hazard_services
from anlan.inbox.models import Notification
from anlan.registry.models import Enterprise
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def _png(size=(60, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


def _data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(_png()).decode()


def _enterprise(tree, **flags) -> Enterprise:
    e = Enterprise.objects.filter(region__code__startswith=tree.township.code[:9]).order_by("pk").first()
    for name in Enterprise.RISK_FLAGS:
        setattr(e, name, False)
    for name, value in flags.items():
        setattr(e, name, value)
    e.save()
    return e


def _start(tree, inspectors, **flags) -> Inspection:
    return services.inspection_start(
        actor=persona("county_operator"),
        enterprise=_enterprise(tree, **flags),
        inspectors=inspectors[:2],
        inspected_on=timezone.localdate(),
    )


def _sign_all(inspection, inspectors, actor):
    for officer in inspectors[:2]:
        services.sign(actor=actor, inspection=inspection, signer="inspector", inspector=officer, image_data=_data_url())
    services.sign(actor=actor, inspection=inspection, signer="principal", name="张三", image_data=_data_url())


def test_checklists_installed_verbatim_and_install_is_idempotent():
    hazchem = Checklist.objects.get(kind="hazchem")
    items = list(hazchem.items.order_by("position"))
    assert len(items) == 20 and all(i.major and i.standard_id == "安监总管三〔2017〕121号" for i in items)
    assert [i.item for i in items] == [str(n) for n in range(1, 21)]
    assert items[1].text == "特种作业人员未持证上岗。"
    gongmao = ChecklistItem.objects.filter(checklist__kind="gongmao")
    assert {(i.article, i.item) for i in gongmao} >= {
        ("第三条", "（三）"),
        ("第十一条", "（八）"),
        ("第十二条", "（二）"),
    }
    assert all(i.standard_id == "应急管理部令第10号" and i.valid_from == dt.date(2023, 5, 15) for i in gongmao)
    assert gongmao.get(article="第十四条").text.endswith("失效或者无效均判定为重大事故隐患。")
    general = ChecklistItem.objects.filter(checklist__kind="general")
    assert general.count() == 12 and not general.filter(major=True).exists()
    assert checklists.install(Checklist, ChecklistItem) == 0


def test_items_by_sector(tree, inspectors):
    hazchem = _start(tree, inspectors, is_hazchem=True)
    kinds = {i.checklist.kind for i in services.checklist_items(hazchem)}
    assert kinds == {"hazchem", "general"}
    dust = _enterprise(tree, is_dust_explosive=True)
    dust.industry = "20"  # 木材加工 (manufacturing): a 工贸 enterprise
    dust.save()
    got = checklists.items_for(dust, on=timezone.localdate(), item_model=ChecklistItem)
    articles = {(i.article, i.item) for i in got if i.checklist.kind == "gongmao"}
    assert ("第十一条", "（一）") in articles and ("第三条", "（一）") in articles and ("第十四条", "") in articles
    assert ("第十二条", "（一）") not in articles and ("第三条", "（三）") not in articles  # no ammonia, no smelting
    # An item past its valid_to is not asked.
    ChecklistItem.objects.filter(checklist__kind="gongmao", article="第十四条").update(
        valid_to=timezone.localdate() - dt.timedelta(days=1)
    )
    got = checklists.items_for(dust, on=timezone.localdate(), item_model=ChecklistItem)
    assert "第十四条" not in {i.article for i in got}


def test_problem_on_a_major_item_proposes_a_major_finding_and_ok_removes_it(tree, inspectors):
    actor = persona("county_operator")
    inspection = _start(tree, inspectors, is_hazchem=True)
    items = services.checklist_items(inspection)
    major = next(i for i in items if i.major)
    general = next(i for i in items if not i.major)
    proposed = services.answers_save(
        actor=actor, inspection=inspection, results={major.pk: ("problem", "现场无证"), general.pk: ("ok", "")}
    )
    assert len(proposed) == 1 and proposed[0].level == "major" and proposed[0].checklist_item == major
    assert "安监总管三〔2017〕121号" in proposed[0].title
    services.answers_save(actor=actor, inspection=inspection, results={major.pk: ("ok", "")})
    assert not Finding.objects.filter(inspection=inspection).exists()
    with pytest.raises(DomainError):
        services.answers_save(actor=actor, inspection=inspection, results={major.pk: ("maybe", "")})


def test_complete_needs_two_officers_and_the_principal_then_creates_hazards_and_documents(tree, inspectors):
    actor = persona("county_operator")
    inspection = _start(tree, inspectors)
    deadline = timezone.localdate() + dt.timedelta(days=20)
    services.finding_save(actor=actor, inspection=inspection, title="安全出口堵塞", level="general",
                          measure="deadline", deadline=deadline)  # fmt: skip
    services.finding_save(actor=actor, inspection=inspection, title="有限空间未辨识", level="major",
                          measure="suspend", deadline=deadline)  # fmt: skip
    with pytest.raises(DomainError) as refused:
        services.inspection_complete(actor=actor, inspection=inspection)
    assert refused.value.code == "inspection.inspectors_unsigned"
    for officer in inspectors[:2]:
        services.sign(actor=actor, inspection=inspection, signer="inspector", inspector=officer, image_data=_data_url())
    with pytest.raises(DomainError) as refused:
        services.inspection_complete(actor=actor, inspection=inspection)
    assert refused.value.code == "inspection.principal_unsigned"
    with pytest.raises(DomainError):  # an officer not of this inspection
        services.sign(actor=actor, inspection=inspection, signer="inspector", inspector=inspectors[4],
                      image_data=_data_url())  # fmt: skip
    with pytest.raises(DomainError):  # not a PNG drawing
        services.sign(actor=actor, inspection=inspection, signer="principal", name="张三", image_data="data:x")
    services.sign(actor=actor, inspection=inspection, signer="principal", name="张三", image_data=_data_url())
    issued = services.inspection_complete(actor=actor, inspection=inspection)
    assert set(issued) == {"record", "on_spot", "order"}
    assert issued["order"].content["findings"][0]["title"] == "安全出口堵塞"
    inspection.refresh_from_db()
    assert inspection.status == "signed" and inspection.signed_at is not None
    hazards = [f.hazard for f in inspection.findings.order_by("id")]
    assert all(h.status == "reported" and h.source == "inspection" for h in hazards)
    assert hazards[1].supervising_unit and hazards[1].supervising_leader == str(inspectors[0])
    with pytest.raises(DomainError):  # signed: no more changes
        services.finding_save(actor=actor, inspection=inspection, title="x", level="general",
                              measure="deadline", deadline=deadline)  # fmt: skip


def test_refusal_is_noted_and_reported_to_the_county(tree, inspectors):
    actor = persona("county_operator")
    inspection = _start(tree, inspectors)
    with pytest.raises(DomainError):
        services.principal_refuse(actor=actor, inspection=inspection, note="  ")
    services.principal_refuse(actor=actor, inspection=inspection, note="负责人李四拒绝签字，两名执法人员见证")
    inspection.refresh_from_db()
    assert inspection.principal_refused and "李四" in inspection.refusal_note
    told = Notification.objects.filter(dedupe_key=f"inspection:{inspection.pk}:refusal")
    assert told.filter(recipient=persona("county_operator")).exists()
    assert not told.filter(recipient=persona("other_township_officer")).exists()
    for officer in inspectors[:2]:
        services.sign(actor=actor, inspection=inspection, signer="inspector", inspector=officer, image_data=_data_url())
    issued = services.inspection_complete(actor=actor, inspection=inspection)
    assert issued["record"].content["principal_refused"] is True
    inspection.refresh_from_db()
    assert inspection.status == "closed"  # no findings: closed on signing


def test_close_needs_every_hazard_closed_then_issues_the_opinion(tree, inspectors):
    actor = persona("county_operator")
    inspection = _start(tree, inspectors)
    services.finding_save(actor=actor, inspection=inspection, title="灭火器过期", level="major", measure="deadline",
                          deadline=timezone.localdate() + dt.timedelta(days=5))  # fmt: skip
    _sign_all(inspection, inspectors, actor)
    services.inspection_complete(actor=actor, inspection=inspection)
    hazard = inspection.findings.get().hazard
    with pytest.raises(DomainError) as refused:
        services.inspection_close(actor=actor, inspection=inspection, opinion="已整改")
    assert refused.value.code == "inspection.hazards_open"
    hazard = hazard_services.hazard_transition(actor=actor, hazard=hazard, action="assign", responsible="王五")
    hazard = hazard_services.hazard_transition(actor=actor, hazard=hazard, action="submit", measures="已更换")
    hazard_services.hazard_transition(actor=actor, hazard=hazard, action="verify", comment="验收合格")
    with pytest.raises(DomainError) as refused:
        services.inspection_close(actor=actor, inspection=inspection, opinion=" ")
    assert refused.value.code == "inspection.opinion_required"
    document = services.inspection_close(actor=actor, inspection=inspection, opinion="经复查，问题已整改完毕")
    assert document.kind == "reinspection_opinion" and document.content["opinion"] == "经复查，问题已整改完毕"
    inspection.refresh_from_db()
    assert inspection.status == "closed" and inspection.closed_at is not None


def test_pages_flow_with_photo_and_scope(client, tree, inspectors):
    user = persona("enterprise_user")
    enterprise = user.enterprise
    client.force_login(persona("township_officer"))
    today = timezone.localdate()
    response = client.post(
        "/enforcement/inspections/start/",
        {"enterprise": enterprise.pk, "inspectors": [inspectors[0].pk, inspectors[1].pk],
         "inspected_on": today.isoformat(), "kind": "planned"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    inspection = Inspection.objects.get(enterprise=enterprise, inspected_on=today)
    detail = f"/enforcement/inspections/{inspection.pk}/"
    page = client.get(detail)
    assert page.status_code == 200 and "保存检查表" in page.content.decode()
    item = services.checklist_items(inspection)[0]
    assert client.post(f"{detail}answers/", {f"item_{item.pk}": "problem"}).status_code == 302
    assert InspectionAnswer.objects.get(inspection=inspection, item=item).result == "problem"
    photo = SimpleUploadedFile("p.png", _png(), content_type="image/png")
    response = client.post(
        f"{detail}findings/add/",
        {"title": "消防通道堵塞", "level": "general", "measure": "deadline",
         "deadline": (today + dt.timedelta(days=7)).isoformat(), "photo": photo},
    )  # fmt: skip
    assert response.status_code == 302
    finding = inspection.findings.get(title="消防通道堵塞")
    assert finding.photos.count() == 1
    assert client.get(f"/enforcement/inspections/photos/{finding.photos.get().pk}/").status_code == 200
    bad = SimpleUploadedFile("p.png", b"<html>", content_type="image/png")
    edit = {"title": "消防通道堵塞", "level": "general", "measure": "deadline",
            "deadline": (today + dt.timedelta(days=7)).isoformat(), "photo": bad}  # fmt: skip
    response = client.post(f"{detail}findings/{finding.pk}/", edit)
    assert response.status_code == 400 and finding.photos.count() == 1
    # The enterprise reads its inspection, without forms; cannot write.
    client.force_login(user)
    page = client.get(detail)
    assert page.status_code == 200 and "保存检查表" not in page.content.decode()
    assert client.post(f"{detail}answers/", {f"item_{item.pk}": "ok"}).status_code == 404
    assert client.get("/enforcement/inspections/").status_code == 200
    # Another township: not found.
    client.force_login(persona("other_township_officer"))
    assert client.get(detail).status_code == 404
    assert client.get(f"/enforcement/inspections/photos/{finding.photos.get().pk}/").status_code == 404
    assert enterprise.name not in client.get("/enforcement/inspections/").content.decode()


def test_start_from_a_drawn_object_prefills_enterprise_and_officers(client, tree, inspectors):
    enterprise = _enterprise(tree)
    draw = Draw.objects.create(name="测试抽取", region=tree.county, count=1, seed="s", pools={})
    drawn = DrawObject.objects.create(draw=draw, position=1, enterprise=enterprise)
    drawn.inspectors.set(inspectors[2:4])
    client.force_login(persona("county_operator"))
    page = client.get(f"/enforcement/inspections/start/?draw_object={drawn.pk}")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["enterprise"] == enterprise.pk
    assert sorted(form.initial["inspectors"]) == sorted(i.pk for i in inspectors[2:4])
    response = client.post(
        "/enforcement/inspections/start/",
        {"enterprise": enterprise.pk, "inspectors": [i.pk for i in inspectors[2:4]], "kind": "planned",
         "inspected_on": timezone.localdate().isoformat(), "draw_object": drawn.pk},
    )  # fmt: skip
    assert response.status_code == 302
    inspection = Inspection.objects.get(draw_object=drawn)
    assert inspection.kind == "random" and set(inspection.inspectors.all()) == set(inspectors[2:4])
    # A second start from the same drawn object leads to the existing inspection.
    again = client.get(f"/enforcement/inspections/start/?draw_object={drawn.pk}")
    assert again.status_code == 302 and again["Location"].endswith(f"/{inspection.pk}/")


def test_list_filters(client, tree, inspectors):
    actor = persona("county_operator")
    inspection = _start(tree, inspectors)
    client.force_login(actor)
    page = client.get("/enforcement/inspections/", {"status": "in_progress", "township": tree.township.code})
    assert inspection in list(page.context["page"])
    page = client.get("/enforcement/inspections/", {"status": "closed", "township": tree.township.code})
    assert inspection not in list(page.context["page"])
    page = client.get("/enforcement/inspections/", {"township": tree.other_township.code})
    assert inspection not in list(page.context["page"])
    day = inspection.inspected_on
    page = client.get("/enforcement/inspections/", {"date_from": (day + dt.timedelta(days=1)).isoformat()})
    assert inspection not in list(page.context["page"])
