"""考核 and 责任清单 API: a unit reads its own sheets with each score's evidence (the county all), self-assesses
and submits through the same services as the pages, the county reviews and finishes; every unit reads the
published duty lists and publishes its own. Lists run in a fixed number of queries."""

import pytest
from django.urls import reverse

from anlan.kpi import services_assessment as svc
from anlan.kpi import services_duties
from anlan.kpi.models import Assessment, DutyList, DutyListItem
from anlan.testing.personas import persona
from tests.kpi.test_assessment_flow import evidence, scheme  # noqa: F401  (the scheme fixture)

pytestmark = pytest.mark.django_db
URL = "/api/v1/kpi/assessments/"


def test_a_township_reads_its_own_sheet_with_each_scores_evidence(client, scheme, tree, django_assert_max_num_queries):  # noqa: F811
    svc.scheme_open(actor=persona("county_operator"), scheme=scheme)
    client.force_login(persona("township_officer"))
    with django_assert_max_num_queries(12):
        rows = client.get(URL, {"year": scheme.year}).json()["results"]
    assert [r["region"] for r in rows] == [tree.township.pk]
    scores = {s["item_title"]: s for s in rows[0]["scores"]}
    closure = scores["隐患闭环"]
    assert closure["computed_points"] == "6.00" and closure["final_points"] == "6.00"
    value_link = next(e for e in closure["evidence"] if e["kind"] == "indicator_value")
    assert value_link["id"] == scheme.value.pk and value_link["url"].endswith(f"#value-{scheme.value.pk}")
    tasks = {e["id"]: e for e in scores["重点任务"]["evidence"] if e["kind"] == "task"}
    assert set(tasks) == {scheme.ours.pk, scheme.late.pk}
    assert tasks[scheme.ours.pk]["url"] == reverse("kpi:task_detail", args=[scheme.ours.pk])
    other = Assessment.objects.get(scheme=scheme, region=tree.other_township)
    assert client.get(f"{URL}{other.pk}/").status_code == 404

    client.force_login(persona("county_operator"))
    with django_assert_max_num_queries(12):
        everyone = client.get(URL, {"scheme": scheme.pk, "page_size": 100}).json()
    assert everyone["count"] == Assessment.objects.filter(scheme=scheme).count() > 2
    schemes = client.get("/api/v1/kpi/assessment-schemes/").json()["results"]
    ours = next(s for s in schemes if s["id"] == scheme.pk)
    assert ours["status_label"] == "自评中" and [i["title"] for i in ours["items"]] == [
        "隐患闭环",
        "重点任务",
        "值班值守",
    ]


def test_self_assessment_and_review_through_the_api(client, scheme, tree):  # noqa: F811
    county = persona("county_operator")
    svc.scheme_open(actor=county, scheme=scheme)
    sheet = Assessment.objects.get(scheme=scheme, region=tree.township)
    manual = sheet.scores.get(item__method="manual")
    client.force_login(persona("township_officer"))
    bad = client.post(f"{URL}{sheet.pk}/self-score/", {"score": manual.pk, "points": "6"})
    assert bad.status_code == 400 and bad.json()["code"] == "assessment.points_range"
    early = client.post(f"{URL}{sheet.pk}/transition/", {"action": "submit"}, content_type="application/json")
    assert early.status_code == 400 and "未自评打分" in early.json()["detail"]
    done = client.post(
        f"{URL}{sheet.pk}/self-score/",
        {"score": manual.pk, "points": "5", "note": "全年无脱岗", "evidence_file": evidence()},
    )
    assert done.status_code == 200
    row = next(s for s in done.json()["scores"] if s["id"] == manual.pk)
    assert row["self_points"] == "5.00" and row["evidence"][-1]["kind"] == "file"
    assert row["evidence"][-1]["label"] == "台账.pdf"
    assert client.get(row["evidence"][-1]["url"]).status_code == 200
    # The township cannot review, nor reach another township's score through its own sheet.
    other = Assessment.objects.get(scheme=scheme, region=tree.other_township)
    assert (
        client.post(f"{URL}{sheet.pk}/self-score/", {"score": other.scores.first().pk, "points": "1"}).status_code
        == 404
    )
    submitted = client.post(f"{URL}{sheet.pk}/transition/", {"action": "submit"}, content_type="application/json")
    assert submitted.status_code == 200 and submitted.json()["status_label"] == "已提交自评"
    assert submitted.json()["self_total"] == "15.00"
    refused = client.post(f"{URL}{sheet.pk}/review-score/", {"score": manual.pk, "points": "1"})
    assert refused.status_code == 403

    client.force_login(county)
    reviewed = client.post(
        f"{URL}{sheet.pk}/review-score/", {"score": manual.pk, "points": "4", "note": "缺两周值班记录"},
        content_type="application/json",
    )  # fmt: skip
    assert reviewed.status_code == 200
    finished = client.post(f"{URL}{sheet.pk}/transition/", {"action": "finish"}, content_type="application/json")
    assert finished.json()["final_total"] == "14.00" and finished.json()["rank"] == 1
    assert client.post(URL, {}).status_code == 403  # sheets are opened by the scheme, never posted


def test_duty_lists_api_reads_published_lists_and_publishes_only_ones_own(client, tree, django_assert_max_num_queries):
    officer, other = persona("township_officer"), persona("other_township_officer")
    ours = services_duties.list_create(actor=officer, duty_list=DutyList(kind="duties", title="凤家镇职责清单"))
    services_duties.item_save(actor=officer, item=DutyListItem(duty_list=ours, content="组织群测群防"))
    draft = services_duties.list_create(actor=other, duty_list=DutyList(kind="duties", title="外镇草稿"))
    services_duties.item_save(actor=other, item=DutyListItem(duty_list=draft, content="草稿事项"))

    client.force_login(other)
    assert client.post(f"/api/v1/kpi/duty-lists/{ours.pk}/publish/").status_code == 404  # a draft of another unit
    client.force_login(officer)
    published = client.post(f"/api/v1/kpi/duty-lists/{ours.pk}/publish/")
    assert published.status_code == 200 and published.json()["published_on"]
    assert (
        published.json()["unit_name"] == tree.township.name
        and published.json()["items"][0]["content"] == "组织群测群防"
    )

    client.force_login(other)
    with django_assert_max_num_queries(10):
        rows = client.get("/api/v1/kpi/duty-lists/", {"published": "true"}).json()["results"]
    titles = {r["title"] for r in rows}  # the demo county's published lists and the township's
    assert "凤家镇职责清单" in titles and "外镇草稿" not in titles and len(rows) > 2
    titles = {r["title"] for r in client.get("/api/v1/kpi/duty-lists/", {"page_size": 500}).json()["results"]}
    assert {"凤家镇职责清单", "外镇草稿"} <= titles
    again = client.post(f"/api/v1/kpi/duty-lists/{ours.pk}/publish/")
    assert again.status_code == 403 and again.json()["code"] == "duties.not_owner"
    assert client.post("/api/v1/kpi/duty-lists/", {"kind": "duties", "title": "x"}).status_code == 400
