"""The register pages of a process: 因灾死亡失踪人员 and 倒损住房户 (scope, masking, ID validation, the
roster prefill, Excel import) and the photos (type checks, scope)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anlan.core.models import AuditEntry
from anlan.disasters.models import DamagedHouse, DisasterPhoto, Victim
from anlan.sites.models import HazardSite, Household
from anlan.testing.helpers import image_bytes, xlsx_upload
from anlan.testing.personas import persona

from .registers_data import add_house, add_victim, id_number, make_process


@pytest.fixture
def process(tree):
    return make_process(tree)


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def victim_form(tree, **extra):
    return {
        "region": tree.village.code,
        "name": "陈大山",
        "id_number": id_number(),
        "sex": "male",
        "age": "52",
        "outcome": "dead",
        "occurred_on": "2026-07-01",
        "place": "河边",
        "cause": "山洪冲走",
        "resident": "on",
        **extra,
    }


def url(process, kind="victims", rest=""):
    return f"/disasters/{process.pk}/registers/{kind}/{rest}"


@pytest.mark.django_db
def test_township_officer_registers_a_victim_and_it_is_audited(client, tree, process):
    client.force_login(persona("township_officer"))
    number = id_number()
    response = client.post(url(process, rest="add/"), victim_form(tree, id_number=number[:-1] + number[-1].lower()))
    assert response.status_code == 302, response.content.decode()
    victim = Victim.objects.get(process=process)
    assert victim.name == "陈大山" and victim.id_number == number.upper()
    assert AuditEntry.objects.filter(action="create", object_type="disasters.victim", object_id=str(victim.pk)).exists()


@pytest.mark.django_db
def test_a_wrong_check_digit_is_refused_and_nothing_written(client, tree, process):
    client.force_login(persona("county_operator"))
    number = id_number()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = client.post(url(process, rest="add/"), victim_form(tree, id_number=wrong))
    assert response.status_code == 400
    assert "身份证号码校验位错误" in response.content.decode()
    assert not Victim.objects.filter(process=process).exists()


@pytest.mark.django_db
def test_a_village_outside_the_process_townships_is_refused(client, tree, process):
    process.regions.set([tree.township])
    client.force_login(persona("county_operator"))
    response = client.post(url(process, rest="add/"), victim_form(tree, region=tree.other_village.code))
    assert response.status_code == 400
    assert not Victim.objects.filter(process=process).exists()


@pytest.mark.django_db
def test_other_township_sees_none_of_ours_and_cannot_edit(client, tree, process):
    ours = add_victim(process, tree.village, name="周小红")
    add_victim(process, tree.other_village, name="吴大海")
    client.force_login(persona("other_township_officer"))
    page = client.get(url(process)).content.decode()
    assert "吴大海" in page and "周小红" not in page
    assert client.get(url(process, rest=f"{ours.pk}/")).status_code == 404
    assert client.post(url(process, rest=f"{ours.pk}/delete/")).status_code == 404
    assert Victim.objects.filter(pk=ours.pk).exists()


@pytest.mark.django_db
def test_names_and_id_numbers_are_masked_per_role_and_a_full_id_view_is_audited(client, tree, process):
    victim = add_victim(process, tree.village, name="周小红")
    client.force_login(persona("viewer"))
    page = client.get(url(process)).content.decode()
    assert "周*红" in page and "周小红" not in page and victim.id_number not in page
    assert victim.id_number[:6] + "********" + victim.id_number[-4:] in page
    client.force_login(persona("county_operator"))
    page = client.get(url(process)).content.decode()
    assert "周小红" in page and victim.id_number not in page
    client.force_login(persona("county_admin"))
    page = client.get(url(process)).content.decode()
    assert victim.id_number in page
    assert AuditEntry.objects.filter(action="view_id_number", object_id=str(victim.pk)).exists()


@pytest.mark.django_db
def test_editing_with_the_masked_id_number_keeps_the_stored_one(client, tree, process):
    victim = add_victim(process, tree.village)
    stored = victim.id_number
    client.force_login(persona("county_operator"))
    form = client.get(url(process, rest=f"{victim.pk}/")).content.decode()
    assert stored not in form
    masked = stored[:6] + "********" + stored[-4:]
    response = client.post(url(process, rest=f"{victim.pk}/"), victim_form(tree, id_number=masked, place="桥下"))
    assert response.status_code == 302
    victim.refresh_from_db()
    assert victim.id_number == stored and victim.place == "桥下"


@pytest.mark.django_db
def test_viewer_and_village_worker_may_not_write(client, tree, process):
    client.force_login(persona("viewer"))
    assert client.get(url(process, rest="add/")).status_code == 403
    client.force_login(persona("village_grid_worker"))
    assert client.post(url(process, rest="add/"), victim_form(tree)).status_code == 403
    assert client.get(url(process)).status_code == 200
    client.force_login(persona("enterprise_user"))
    assert client.get(url(process)).status_code in (403, 404)


@pytest.mark.django_db
def test_a_damaged_house_is_prefilled_from_the_threatened_household_roster(client, tree, process):
    site = HazardSite.objects.create(
        code="TEST-SITE-REG-1", name="后山滑坡", kind="landslide", region=tree.village, lon=109.88, lat=31.07
    )
    household = Household.objects.create(
        site=site, region=tree.village, head_name="孙家福", phone="19900005678", people=5, address="二组 3 号"
    )
    client.force_login(persona("township_officer"))
    page = client.get(url(process, "houses", f"add/?household={household.pk}")).content.decode()
    assert 'value="孙家福"' in page and 'value="19900005678"' in page and 'value="二组 3 号"' in page
    response = client.post(
        url(process, "houses", "add/"),
        {
            "household": household.pk,
            "region": tree.village.code,
            "head_name": "孙家福",
            "phone": "19900005678",
            "address": "二组 3 号",
            "members": "5",
            "degree": "severe",
            "rooms": "2",
            "structure": "brick_wood",
        },
    )
    assert response.status_code == 302, response.content.decode()
    house = DamagedHouse.objects.get(process=process)
    assert house.household == household and house.rooms == 2


@pytest.mark.django_db
def test_a_house_with_no_damaged_room_or_a_bad_phone_is_refused(client, tree, process):
    client.force_login(persona("township_officer"))
    data = {
        "region": tree.village.code,
        "head_name": "钱多多",
        "phone": "12345",
        "address": "三组",
        "members": "2",
        "degree": "general",
        "rooms": "0",
    }
    response = client.post(url(process, "houses", "add/"), data)
    body = response.content.decode()
    assert response.status_code == 400 and "受损间数至少为 1 间" in body and "电话号码格式不正确" in body
    assert not DamagedHouse.objects.filter(process=process).exists()


def _victim_rows(tree, number):
    header = [
        "户籍或遇难地（村）",
        "姓名",
        "身份证号",
        "性别",
        "年龄",
        "类别",
        "遇难（失踪）日期",
        "遇难（失踪）地点",
        "致灾原因",
    ]
    return [header, [tree.village.code, "许文强", number, "男", 40, "失踪", "2026-07-02", "河道", "山洪冲走"]]


@pytest.mark.django_db
def test_import_adds_rows_to_this_process_atomically(client, tree, process):
    client.force_login(persona("township_officer"))
    rows = _victim_rows(tree, id_number())
    rows.append([tree.village.code, "何小明", "500237198001019999", "男", 30, "死亡", "2026-07-02", "河道", "落水"])
    response = client.post(url(process, rest="import/"), {"file": xlsx_upload(rows)})
    body = response.content.decode()
    assert response.status_code == 400 and "第 3 行" in body and "身份证号码校验位错误" in body
    assert not Victim.objects.exists()

    response = client.post(url(process, rest="import/"), {"file": xlsx_upload(_victim_rows(tree, id_number()))})
    assert response.status_code == 302
    victim = Victim.objects.get()
    assert victim.process == process and victim.outcome == "missing" and victim.name == "许文强"
    assert AuditEntry.objects.filter(action="import_create", object_id=str(victim.pk)).exists()


@pytest.mark.django_db
def test_import_cannot_update_a_row_of_another_process(client, tree, process):
    other = make_process(tree, name="另一过程")
    theirs = add_victim(other, tree.village)
    rows = _victim_rows(tree, id_number())
    rows[0].insert(0, "ID")
    rows[1].insert(0, theirs.pk)
    client.force_login(persona("county_operator"))
    response = client.post(url(process, rest="import/"), {"file": xlsx_upload(rows)})
    assert response.status_code == 400 and "记录不存在或无权修改" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.process == other and theirs.name == "张三明"


@pytest.mark.django_db
def test_the_import_template_names_the_register_columns(client, process):
    from anlan.testing.helpers import read_xlsx

    client.force_login(persona("township_officer"))
    response = client.get(url(process, "houses", "template.xlsx"))
    header = read_xlsx(response.content)[0]
    assert header[:4] == ["ID", "所在村（社区）", "户主姓名", "户主身份证号"] and "灾害过程" not in header


@pytest.mark.django_db
def test_photos_upload_checks_the_type_and_serves_only_in_scope(client, tree, process):
    client.force_login(persona("township_officer"))
    gif = SimpleUploadedFile("a.png", b"GIF89a not a photo", content_type="image/png")
    response = client.post(
        f"/disasters/{process.pk}/photos/", {"image": gif, "caption": "冲毁的桥", "region": tree.village.code}
    )
    assert response.status_code == 400 and "JPEG" in response.content.decode()
    assert not DisasterPhoto.objects.exists()

    png = SimpleUploadedFile("桥.png", image_bytes("PNG"), content_type="image/png")
    data = {"image": png, "caption": "冲毁的桥", "region": tree.village.code, "taken_at": "2026-07-01T10:30"}
    assert client.post(f"/disasters/{process.pk}/photos/", data).status_code == 302
    photo = DisasterPhoto.objects.get()
    assert photo.image.name.endswith(".png") and "桥" not in photo.image.name
    gallery = client.get(f"/disasters/{process.pk}/photos/").content.decode()
    assert "冲毁的桥" in gallery and f"/disasters/{process.pk}/photos/{photo.pk}/" in gallery
    served = client.get(f"/disasters/{process.pk}/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"

    client.force_login(persona("other_township_officer"))
    assert client.get(f"/disasters/{process.pk}/photos/{photo.pk}/").status_code == 404
    client.force_login(persona("viewer"))
    assert client.get(f"/disasters/{process.pk}/photos/{photo.pk}/").status_code == 200
    assert client.post(f"/disasters/{process.pk}/photos/", data).status_code == 403


@pytest.mark.django_db
def test_another_county_process_is_not_found(client, tree, process):
    client.force_login(persona("township_officer"))
    assert client.get(f"/disasters/{process.pk + 999}/registers/").status_code == 404
    hub = client.get(f"/disasters/{process.pk}/registers/").content.decode()
    assert "核报台账" in hub


@pytest.mark.django_db
def test_deleting_a_house_is_audited(client, tree, process):
    house = add_house(process, tree.village)
    client.force_login(persona("township_officer"))
    assert client.post(url(process, "houses", f"{house.pk}/delete/")).status_code == 302
    assert not DamagedHouse.objects.filter(process=process).exists()
    assert AuditEntry.objects.filter(action="delete", object_type="disasters.damagedhouse").exists()


@pytest.mark.django_db
def test_demo_registers_agree_with_the_reported_rooms_and_run_once(tree, process):
    from anlan.demo.disaster_registers import add_demo_registers
    from anlan.disasters.completeness import final_blockers

    from .registers_data import add_report

    assert add_demo_registers("没有这个过程") == ""
    add_report(process, {tree.township: {"collapsed_rooms": 5, "generally_damaged_rooms": 2, "deaths": 1}})
    summary = add_demo_registers(process.name)
    assert summary.startswith("灾情台账：倒损住房")
    assert sum(h.rooms for h in process.damaged_houses.filter(degree="collapsed")) == 5
    assert process.damaged_houses.count() == 6  # 5 rooms over 4 households, 2 rooms over 2
    assert process.victims.count() == 1
    assert all(h.synthetic and h.region.parent_id == tree.township.code for h in process.damaged_houses.all())
    assert final_blockers(process) == []
    assert add_demo_registers(process.name) == ""
    assert process.damaged_houses.count() == 6


@pytest.mark.django_db
def test_deleting_a_photo_removes_its_file_and_is_audited(client, tree, process, django_capture_on_commit_callbacks):
    client.force_login(persona("township_officer"))
    png = SimpleUploadedFile("a.png", image_bytes("PNG"), content_type="image/png")
    client.post(f"/disasters/{process.pk}/photos/", {"image": png, "caption": "塌方", "region": tree.village.code})
    photo = DisasterPhoto.objects.get()
    storage, name = photo.image.storage, photo.image.name
    assert storage.exists(name)
    client.force_login(persona("village_grid_worker"))  # grid workers do not delete
    assert client.post(f"/disasters/{process.pk}/photos/{photo.pk}/delete/").status_code == 403
    client.force_login(persona("township_officer"))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/disasters/{process.pk}/photos/{photo.pk}/delete/").status_code == 302
    assert not DisasterPhoto.objects.exists() and not storage.exists(name)
    entry = AuditEntry.objects.filter(action="delete", object_type="disasters.disasterphoto").get()
    assert entry.before["image"] == name


@pytest.mark.django_db
def test_import_names_a_village_outside_the_process_by_row(client, tree, process):
    process.regions.set([tree.township])
    rows = _victim_rows(tree, id_number())
    rows.append([tree.other_village.code, "何小明", id_number(), "男", 30, "死亡", "2026-07-02", "河道", "落水"])
    client.force_login(persona("county_operator"))
    response = client.post(url(process, rest="import/"), {"file": xlsx_upload(rows)})
    body = response.content.decode()
    assert response.status_code == 400 and "第 3 行" in body and "不在本灾害过程的受灾乡镇" in body
    assert not Victim.objects.exists()


@pytest.mark.django_db
def test_the_list_shows_the_id_the_import_updates_by(client, tree, process):
    victim = add_victim(process, tree.village, name="周小红")
    rows = _victim_rows(tree, id_number())
    rows[0].insert(0, "ID")
    rows[1].insert(0, victim.pk)
    client.force_login(persona("township_officer"))
    assert f"<td>{victim.pk}</td>" in client.get(url(process)).content.decode()
    assert client.post(url(process, rest="import/"), {"file": xlsx_upload(rows)}).status_code == 302
    victim.refresh_from_db()
    assert victim.name == "许文强" and victim.outcome == "missing" and victim.process == process


@pytest.mark.django_db
def test_the_register_lists_and_exports_do_not_load_region_boundaries(client, tree, process):
    add_house(process, tree.village)
    add_house(process, tree.village, head_name="王二")
    client.force_login(persona("county_operator"))
    for path in (url(process, "houses"), url(process, "houses", "?export=xlsx")):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        rows = [q["sql"] for q in queries.captured_queries if 'FROM "disasters_damagedhouse"' in q["sql"]]
        assert rows and not [sql for sql in rows if "boundary" in sql]
