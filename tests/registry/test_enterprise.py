import pytest

from anlan.core.validators import credit_code_check_char
from anlan.registry.models import Enterprise
from anlan.testing.helpers import xlsx_upload
from anlan.testing.personas import persona
from anlan.testing.registry import RegistryTests

_counter = iter(range(10_000, 99_999))


def credit_code() -> str:
    first17 = f"91500237MA{next(_counter):05d}XX"
    return first17 + credit_code_check_char(first17)


class TestEnterpriseRegistry(RegistryTests):
    model = Enterprise
    api_basename = "enterprise"

    def make(self, region):
        return Enterprise.objects.create(name="测试企业", credit_code=credit_code(), region=region)

    def form_data(self, region):
        return {
            "name": "巫峡建材有限公司",
            "credit_code": credit_code(),
            "region": region.code,
            "industry": "30",
            "standard_grade": "none",
            "is_dust_explosive": "on",
        }

    def api_data(self, region):
        data = self.form_data(region)
        data["is_dust_explosive"] = True
        return data

    def import_row(self, region):
        return {"企业名称": "导入企业", "统一社会信用代码": credit_code(), "所属区划": region.code}


@pytest.mark.django_db
def test_bad_credit_code_rejects_the_whole_file_with_row_and_reason(client, tree):
    client.force_login(persona("township_officer"))
    good = credit_code()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        ["企业名称", "统一社会信用代码", "所属区划"],
        ["甲公司", good, tree.village.code],
        ["乙公司", bad, tree.village.code],
        ["丙公司", credit_code(), "500237999999"],
    ]
    before = Enterprise.objects.count()
    response = client.post("/registry/enterprise/import/", {"file": xlsx_upload(rows)})
    assert response.status_code == 400
    errors = [(e.row, e.column, e.message) for e in response.context["result"].errors]
    assert errors[0][:2] == (3, "统一社会信用代码") and "校验位" in errors[0][2]
    assert errors[1][:2] == (4, "所属区划") and "500237999999" in errors[1][2]
    assert Enterprise.objects.count() == before
    assert "未写入任何数据" in response.content.decode()


@pytest.mark.django_db
def test_duplicate_credit_code_in_file_and_database(client, tree):
    existing = Enterprise.objects.create(name="已有", credit_code=credit_code(), region=tree.village)
    client.force_login(persona("township_officer"))
    fresh = credit_code()
    rows = [
        ["企业名称", "统一社会信用代码", "所属区划"],
        ["甲", existing.credit_code, tree.village.code],
        ["乙", fresh, tree.village.code],
        ["丙", fresh, tree.village.code],
    ]
    response = client.post("/registry/enterprise/import/", {"file": xlsx_upload(rows)})
    messages = [(e.row, e.message) for e in response.context["result"].errors]
    assert (2, f"已存在：{existing.credit_code}") in messages
    assert (4, f"与第3行重复：{fresh}") in messages


@pytest.mark.django_db
def test_enterprise_user_sees_only_their_enterprise_and_its_people(client, tree):
    from anlan.registry.models import Person

    user = persona("enterprise_user")
    staff = Person.objects.create(name="安全员", region=tree.township, phone="13811117777", enterprise=user.enterprise)
    Person.objects.create(name="村民", region=tree.township, phone="13811118888")
    client.force_login(user)
    listed = client.get("/api/v1/enterprises/").json()
    assert [item["id"] for item in listed["results"]] == [user.enterprise_id]
    people = client.get("/api/v1/persons/", {"page_size": 1000}).json()
    assert [item["id"] for item in people["results"]] == [staff.pk]


@pytest.mark.django_db
def test_industry_section_and_risk_flags(client, tree):
    enterprise = Enterprise.objects.create(
        name="化工厂", credit_code=credit_code(), region=tree.village, industry="26", is_hazchem=True
    )
    assert enterprise.section == "C 制造业"
    client.force_login(persona("township_officer"))
    data = client.get(f"/api/v1/enterprises/{enterprise.pk}/").json()
    assert data["section"] == "C 制造业" and data["is_hazchem"] is True
    hazchem = client.get("/api/v1/enterprises/", {"is_hazchem": "true", "page_size": 1000}).json()["results"]
    assert enterprise.pk in {e["id"] for e in hazchem} and all(e["is_hazchem"] for e in hazchem)
    features = client.get("/api/v1/map/layers/enterprises/").json()["features"]
    mine = next(f for f in features if f["id"] == enterprise.pk) if enterprise.lon else None
    assert mine is None  # no location yet: not on the map
    assert all(f["properties"]["region"].startswith(tree.township.code[:9]) for f in features)


def test_gbt4754_table():
    from anlan.registry.gbt4754 import divisions, section_of

    assert len(divisions()) == 97
    assert section_of("01") == ("A", "农、林、牧、渔业")
    assert section_of("44") == ("D", "电力、热力、燃气及水生产和供应业")
    assert section_of("97") == ("T", "国际组织")
    assert section_of("") is None


@pytest.mark.django_db
def test_impossible_location_and_headcount_are_refused_by_api_form_and_import(client, tree):
    """Issue 13, item 5: an enterprise at (-99999, 99999) with 99,999,999 employees was saved."""
    client.force_login(persona("township_officer"))
    before = Enterprise.objects.count()
    body = {
        "name": "虚构企业",
        "credit_code": credit_code(),
        "region": tree.village.code,
        "industry": "30",
        "lon": -99999,
        "lat": 99999,
        "employees": 99_999_999,
    }
    api = client.post("/api/v1/enterprises/", body, content_type="application/json")
    assert api.status_code == 400, api.content
    assert "不合理" in api.json()["employees"][0]
    body["employees"] = 120
    api = client.post("/api/v1/enterprises/", body, content_type="application/json")
    assert api.status_code == 400 and "中国境内" in api.json()["lon"][0] and "中国境内" in api.json()["lat"][0]

    form = client.post("/registry/enterprise/add/", {**body, "standard_grade": "none", "employees": 99_999_999})
    assert form.status_code == 400
    assert "不合理" in str(form.context["form"].errors["employees"])

    rows = [
        ["企业名称", "统一社会信用代码", "所属区划", "经度", "纬度", "从业人员数"],
        ["甲公司", credit_code(), tree.village.code, tree.village.center_lon, tree.village.center_lat, 50],
        ["乙公司", credit_code(), tree.village.code, 116.40, 39.90, 50],  # Beijing: in China, not in the county
        ["丙公司", credit_code(), tree.village.code, tree.village.center_lon, tree.village.center_lat, 99_999_999],
    ]
    imported = client.post("/registry/enterprise/import/", {"file": xlsx_upload(rows)})
    assert imported.status_code == 400
    errors = {(e.row, e.column): e.message for e in imported.context["result"].errors}
    assert "不在辖区范围内" in errors[(3, "经度")] and "不在辖区范围内" in errors[(3, "纬度")]
    assert "不合理" in errors[(4, "从业人员数")]
    assert Enterprise.objects.count() == before
