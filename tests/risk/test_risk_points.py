"""Risk points: registry, assessments kept as history with the bureau's thresholds, the card and its QR page."""

import pytest

from anlan.core.models import AuditEntry
from anlan.risk import services
from anlan.risk.models import RiskMatrixSetting, RiskPoint
from anlan.testing.personas import persona
from anlan.testing.registry import RegistryTests


def make_point(region, **extra):
    return RiskPoint.objects.create(
        name="液化气储罐区",
        region=region,
        hazard_factors="液化石油气泄漏遇明火",
        controls="可燃气体报警仪；每日巡检",
        responsible="张站长",
        responsible_phone="13800001111",
        emergency_phone="023-57681234",
        **extra,
    )


class TestRiskPointRegistry(RegistryTests):
    model = RiskPoint
    api_basename = "risk-point"

    def make(self, region):
        return make_point(region)

    def form_data(self, region):
        return {
            "name": "人员密集场所·集贸市场",
            "kind": "public_place",
            "region": region.code,
            "hazard_factors": "人员拥挤、电气线路老化",
            "accident_types": "火灾、其它伤害",
            "controls": "消防通道畅通，每周检查电气线路",
            "responsible": "李经理",
        }

    def import_row(self, region):
        return {
            "风险点名称": "导入风险点",
            "所属区划": region.code,
            "主要危险有害因素": "x",
            "管控措施": "y",
            "管控责任人": "z",
        }


@pytest.mark.django_db
def test_accident_types_must_be_gb6441_categories(client, tree):
    client.force_login(persona("township_officer"))
    data = TestRiskPointRegistry().form_data(tree.village) | {"accident_types": "火灾、外星人入侵"}
    response = client.post("/risk/riskpoint/add/", data)
    assert response.status_code == 400
    assert "不是 GB 6441 的事故类别：外星人入侵" in response.content.decode()


@pytest.mark.django_db
def test_assessments_are_kept_and_the_latest_sets_the_colour(tree):
    point = make_point(tree.village)
    officer = persona("township_officer")
    first = services.assess(actor=officer, point=point, method="lec", L=6, E=6, C=15)  # D = 540
    assert (first.score, first.grade) == (540, "red")
    second = services.assess(actor=officer, point=point, method="lec", L=1, E=6, C=15, note="加装报警仪后")
    point.refresh_from_db()
    assert (second.score, point.grade) == (90, "yellow")
    assert [a.grade for a in point.assessments.all()] == ["yellow", "red"]
    assert point.colour == "#f5d000"
    audit = AuditEntry.objects.filter(action="risk_assess", object_id=str(point.pk))
    assert audit.count() == 2 and audit.first().before["grade"] == "red"


@pytest.mark.django_db
def test_matrix_uses_the_county_thresholds_and_records_them(tree):
    point = make_point(tree.village)
    officer = persona("county_operator")
    assert services.assess(actor=officer, point=point, method="matrix", L=3, S=4).grade == "yellow"  # R=12
    RiskMatrixSetting.objects.create(region=tree.county, red=16, orange=12, yellow=6)
    record = services.assess(actor=officer, point=point, method="matrix", L=3, S=4)
    assert record.grade == "orange" and record.thresholds == {"red": 16, "orange": 12, "yellow": 6}


@pytest.mark.django_db
def test_bad_thresholds_are_refused(client, tree):
    client.force_login(persona("county_admin"))
    response = client.post(
        "/risk/riskmatrixsetting/add/", {"region": tree.county.code, "red": 10, "orange": 12, "yellow": 6}
    )
    assert response.status_code == 400 and "阈值应满足" in response.content.decode()
    client.force_login(persona("township_officer"))
    assert client.get("/risk/riskmatrixsetting/add/").status_code == 403


@pytest.mark.django_db
def test_assess_page_and_api(client, tree):
    point = make_point(tree.village)
    client.force_login(persona("township_officer"))
    missing = client.post(f"/risk/riskpoint/{point.pk}/assess/", {"method": "lec", "lec_L": "6"})
    assert missing.status_code == 400 and "请选择" in missing.content.decode()
    done = client.post(f"/risk/riskpoint/{point.pk}/assess/", {"method": "matrix", "matrix_L": "5", "matrix_S": "5"})
    assert done.status_code == 302
    point.refresh_from_db()
    assert point.grade == "red"
    detail = client.get(f"/risk/riskpoint/{point.pk}/").content.decode()
    assert "评估记录" in detail and "L=5 S=5" in detail
    api = client.post(
        f"/api/v1/risk/points/{point.pk}/assess/",
        {"method": "lec", "L": 3, "E": 1, "C": 7},
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["grade"] == "blue"
    bad = client.post(
        f"/api/v1/risk/points/{point.pk}/assess/", {"method": "matrix", "L": 7, "S": 1}, content_type="application/json"
    )
    assert bad.status_code == 400 and "1–5" in bad.json()["detail"]
    client.force_login(persona("viewer"))
    refused = client.post(
        f"/api/v1/risk/points/{point.pk}/assess/",
        {"method": "lec", "L": 3, "E": 1, "C": 7},
        content_type="application/json",
    )
    assert refused.status_code == 403
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/risk/riskpoint/{point.pk}/assess/").status_code == 404


@pytest.mark.django_db
def test_card_has_a_qr_code_that_opens_the_public_page_without_personal_phones(client, tree, settings):
    point = make_point(tree.village, accident_types="火灾、容器爆炸")
    services.assess(actor=persona("township_officer"), point=point, method="lec", L=6, E=6, C=15)
    settings.ANLAN_PUBLIC_URL = "https://yjj.example.gov.cn"
    client.force_login(persona("township_officer"))
    card = client.get(f"/risk/riskpoint/{point.pk}/card/").content.decode()
    public_url = f"https://yjj.example.gov.cn/p/risk/{point.public_token}/"
    assert public_url in card and "<svg" in card and "重大风险（红）" in card

    import segno

    # The QR code encodes exactly that address (decode by re-encoding: segno is deterministic).
    expected = segno.make(public_url, error="m").svg_inline(scale=4, dark="#1b2733")
    assert expected in card

    client.logout()
    public = client.get(f"/p/risk/{point.public_token}/")
    text = public.content.decode()
    assert public.status_code == 200 and "液化气储罐区" in text and "023-57681234" in text
    assert "13800001111" not in text and "138****1111" not in text
    assert client.get("/p/risk/not-a-token/").status_code == 404


@pytest.mark.django_db
def test_thresholds_are_set_per_county(client, tree):
    client.force_login(persona("county_admin"))
    response = client.post(
        "/risk/riskmatrixsetting/add/", {"region": tree.township.code, "red": 20, "orange": 15, "yellow": 9}
    )
    assert response.status_code == 400 and "按区县设置" in response.content.decode()
