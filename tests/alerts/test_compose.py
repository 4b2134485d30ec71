"""The warning editor and the 审核签发 page: templates, area by regions or polygon, measures per audience
and township, the reach before issuing, submit → issue by the right roles, update and cancel."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.alerts import wording
from anlan.alerts.models import Warning, WarningTemplate
from anlan.alerts.services import deliveries
from anlan.core.testing.personas import persona

pytestmark = pytest.mark.django_db


def form_data(tree, **extra):
    template = WarningTemplate.objects.get(event="暴雨", level="orange")
    data = {
        "template": template.pk,
        "event": template.event,
        "category": template.category,
        "level": template.level,
        "urgency": template.urgency,
        "severity": template.severity,
        "certainty": template.certainty,
        "headline": wording.fill(template.headline, tree.township.name),
        "description": wording.fill(template.description, tree.township.name),
        "instruction": template.instruction,
        "regions": [tree.township.code],
        "polygon": "",
        "onset": "",
        "expires": (timezone.localtime() + dt.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"),
        "m_responsible": template.measures["responsible"],
        "m_resident": template.measures["resident"],
        "m_enterprise__is_hazchem": "停止装卸危险化学品",
        f"m_township__{tree.township.code}": "转移至镇中心小学",
        "save": "1",
    }
    data.update(extra)
    return data


def test_the_standard_templates_cover_every_hazard_and_add_up_by_level():
    events = set(WarningTemplate.objects.values_list("event", flat=True))
    assert {"暴雨", "大风", "高温", "地质灾害", "山洪", "森林火险", "危险化学品泄漏"} <= events
    assert not WarningTemplate.objects.filter(event="高温", level="blue").exists()  # no such signal
    blue = WarningTemplate.objects.get(event="暴雨", level="blue").measures["responsible"]
    red = WarningTemplate.objects.get(event="暴雨", level="red").measures["responsible"]
    assert red.startswith(blue) and len(red) > len(blue)
    assert "3小时" in WarningTemplate.objects.get(event="暴雨", level="red").description  # CMA criterion
    assert wording.install(WarningTemplate) == 0  # installing again adds nothing


def test_a_township_officer_drafts_from_a_template_and_submits(client, tree):
    client.force_login(persona("township_officer"))
    page = client.get("/alerts/warnings/compose/")
    assert page.status_code == 200 and "暴雨橙色预警" in page.content.decode()
    response = client.post("/alerts/warnings/compose/", form_data(tree))
    warning = Warning.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/alerts/warnings/{warning.pk}/steps/"
    assert warning.status == "draft" and warning.region_id == tree.township.code
    assert warning.measures[f"township:{tree.township.code}"] == "转移至镇中心小学"
    steps = client.get(response["Location"]).content.decode()
    assert "转移至镇中心小学" in steps and "停止装卸危险化学品" in steps and "提交签发" in steps
    assert "签发</button>" not in steps.replace("提交签发</button>", "")  # a township may not issue
    client.post(f"/alerts/warnings/{warning.pk}/steps/submit/")
    warning.refresh_from_db()
    assert warning.status == "review"
    assert client.post(f"/alerts/warnings/{warning.pk}/steps/issue/").status_code == 403
    warning.refresh_from_db()
    assert warning.status == "review" and not deliveries(warning).exists()


def test_the_county_sees_the_reach_issues_updates_and_cancels(client, tree):
    client.force_login(persona("county_operator"))
    preview = client.post("/alerts/warnings/compose/", {**form_data(tree), "preview": "1", "save": ""})
    assert preview.status_code == 200 and not Warning.objects.filter(headline__contains=tree.township.name).exists()
    reach = {kind: n for _label, kind, n in preview.context["reach"]}
    assert reach["person"] > 0 and reach["user"] > 0
    client.post("/alerts/warnings/compose/", form_data(tree))
    warning = Warning.objects.latest("pk")
    issued = client.post(f"/alerts/warnings/{warning.pk}/steps/issue/", follow=True)
    warning.refresh_from_db()
    assert warning.status == "issued" and "已签发" in issued.content.decode()
    assert deliveries(warning).filter(region_code__startswith=tree.township.code[:9]).exists()
    # 更新: the editor starts from the issued warning; saving publishes a CAP Update that references it.
    page = client.get(f"/alerts/warnings/compose/?follow_up_of={warning.pk}")
    assert page.status_code == 200 and warning.headline in page.content.decode()
    red = WarningTemplate.objects.get(event="暴雨", level="red")
    client.post(
        f"/alerts/warnings/compose/?follow_up_of={warning.pk}",
        form_data(tree, level="red", headline="暴雨红色预警（升级）", template=red.pk),
    )
    update = Warning.objects.latest("pk")
    warning.refresh_from_db()
    assert update.msg_type == "Update" and update.references_id == warning.pk and update.status == "issued"
    assert warning.status == "superseded" and update.level == "red"
    client.post(f"/alerts/warnings/{update.pk}/steps/cancel/")
    update.refresh_from_db()
    cancel = Warning.objects.latest("pk")
    assert update.status == "cancelled" and cancel.msg_type == "Cancel" and cancel.references_id == update.pk


def test_a_polygon_alone_is_an_area_and_bad_input_is_explained(client, tree):
    client.force_login(persona("county_operator"))
    lon, lat = tree.village.center_lon, tree.village.center_lat
    square = (
        '{"type": "Polygon", "coordinates": [[['
        f"{lon - 0.01}, {lat - 0.01}], [{lon + 0.01}, {lat - 0.01}], [{lon + 0.01}, {lat + 0.01}], "
        f"[{lon - 0.01}, {lat - 0.01}]]]}}"
    )
    client.post("/alerts/warnings/compose/", form_data(tree, regions=[], polygon=square))
    warning = Warning.objects.latest("pk")
    assert warning.polygon["type"] == "Polygon" and not warning.regions.exists()
    client.post(f"/alerts/warnings/{warning.pk}/steps/issue/")
    assert deliveries(warning).filter(region_code=tree.village.code).exists()
    count = Warning.objects.count()
    bad = client.post("/alerts/warnings/compose/", form_data(tree, regions=[], polygon="{oops"))
    assert bad.status_code == 400 and "不是有效的 GeoJSON" in bad.content.decode()
    nothing = client.post("/alerts/warnings/compose/", form_data(tree, regions=[]))
    assert nothing.status_code == 400 and "请选择预警区域或在地图上绘制预警范围" in nothing.content.decode()
    past = client.post("/alerts/warnings/compose/", form_data(tree, expires="2020-01-01T00:00"))
    assert past.status_code == 400 and "失效时间应晚于现在" in past.content.decode()
    outside = client.post("/alerts/warnings/compose/", form_data(tree, regions=["110101000000"]))
    assert outside.status_code == 400
    assert Warning.objects.count() == count


def test_a_township_cannot_warn_another_township(client, tree):
    client.force_login(persona("township_officer"))
    response = client.post("/alerts/warnings/compose/", form_data(tree, regions=[tree.other_township.code]))
    assert response.status_code == 400 and "不在您的管辖范围内" in response.content.decode()
