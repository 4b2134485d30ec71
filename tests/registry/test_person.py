import pytest
from django.db import connection

from anlan.registry.models import DutyRole, Person
from anlan.testing.helpers import read_xlsx
from anlan.testing.personas import persona
from anlan.testing.registry import RegistryTests


class TestPersonRegistry(RegistryTests):
    model = Person
    api_basename = "person"

    def make(self, region):
        return Person.objects.create(name="测试人员", region=region, phone="13812345678", id_number="")

    def form_data(self, region):
        roles = list(DutyRole.objects.filter(code__in=["grid_worker", "flood_patrol"]).values_list("pk", flat=True))
        return {"name": "李巡查", "region": region.code, "phone": "13900001111", "duty_roles": roles}

    def api_data(self, region):
        return {"name": "李巡查", "region": region.code, "phone": "13900001111", "duty_roles": ["grid_worker"]}

    def import_row(self, region):
        return {
            "姓名": "王网格",
            "所属区划": region.code,
            "手机号码": "13700001234",
            "责任类型": "网格员；防汛巡查责任人",
        }


@pytest.mark.django_db
def test_phone_and_id_number_are_encrypted_at_rest(tree):
    person = Person.objects.create(
        name="赵六", region=tree.village, phone="13811112222", id_number="11010519491231002X"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM registry_person WHERE id = %s", [person.pk])
        phone, id_number = cursor.fetchone()
    assert "13811112222" not in phone and "11010519491231002X" not in id_number
    person.refresh_from_db()
    assert person.phone == "13811112222"


@pytest.mark.django_db
def test_phone_masked_for_viewer_and_full_for_township_officer(client, tree):
    person = Person.objects.create(
        name="钱七", region=tree.village, phone="13811113333", id_number="11010519491231002X"
    )
    client.force_login(persona("viewer"))
    data = client.get(f"/api/v1/persons/{person.pk}/").json()
    assert data["phone"] == "138****3333"
    assert data["id_number"] == "110105********002X"
    exported = read_xlsx(client.get("/registry/person/", {"export": "xlsx", "q": "钱七"}).content)
    assert "138****3333" in exported[1]
    client.force_login(persona("township_officer"))
    data = client.get(f"/api/v1/persons/{person.pk}/").json()
    assert data["phone"] == "13811113333"
    assert data["id_number"] == "110105********002X"  # full ID numbers only for county administrators


@pytest.mark.django_db
def test_masked_phone_in_reimported_export_keeps_the_real_number(client, tree):
    from anlan.testing.helpers import xlsx_upload

    person = Person.objects.create(name="孙八", region=tree.village, phone="13811114444")
    client.force_login(persona("village_grid_worker"))  # sees masked phones
    rows = read_xlsx(client.get("/registry/person/", {"export": "xlsx", "q": "孙八"}).content)
    assert "138****4444" in rows[1]
    rows[1][rows[0].index("职务")] = "村网格员"
    response = client.post("/registry/person/import/", {"file": xlsx_upload(rows)})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "13811114444"
    assert person.position == "村网格员"


@pytest.mark.django_db
def test_bad_phone_and_id_number_get_chinese_messages(client, tree):
    client.force_login(persona("township_officer"))
    response = client.post(
        "/api/v1/persons/",
        {"name": "错号", "region": tree.village.code, "phone": "12345", "id_number": "110105194912310021"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "电话号码格式不正确" in body["phone"][0]
    assert "校验位" in body["id_number"][0]


@pytest.mark.django_db
def test_department_operator_sees_only_their_department(client, tree):
    from anlan.registry.models import Department

    user = persona("department_operator")
    ours = Person.objects.create(name="水利员", region=tree.village, phone="13811115555", department=user.department)
    other = Department.objects.exclude(pk=user.department_id).first()
    theirs = Person.objects.create(name="气象员", region=tree.village, phone="13811116666", department=other)
    client.force_login(user)
    listed = {item["id"] for item in client.get("/api/v1/persons/", {"page_size": 1000}).json()["results"]}
    assert ours.pk in listed
    assert theirs.pk not in listed
    assert client.get(f"/api/v1/persons/{theirs.pk}/").status_code == 404


@pytest.mark.django_db
def test_filter_by_duty_role_and_region(client, tree):
    client.force_login(persona("county_admin"))
    listed = client.get("/api/v1/persons/", {"duty_role": "geo_monitor", "page_size": 1}).json()
    assert listed["count"] == 766  # the seed's figure for 巫山县
    managers = client.get("/api/v1/persons/", {"duty_role": "geo_manager", "page_size": 1}).json()
    assert managers["count"] == 54
    bad = client.get("/api/v1/persons/", {"region": "5002"})
    assert bad.status_code == 400
    assert "12位" in str(bad.json())
