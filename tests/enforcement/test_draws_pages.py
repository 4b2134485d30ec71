"""Pages of the draws part: a draw from the page, its result with names and the 严重失信 badge, 复核, the
检查对象名录库, an inspector's 回避 declared and removed (audited), the registries and the menu."""

import datetime as dt

import pytest

from anlan.core.models import AuditEntry
from anlan.enforcement.models import CheckMatter, CreditListing, Draw, InspectorConflict
from anlan.registry.models import Enterprise
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def _enterprises(tree):
    return list(Enterprise.objects.filter(region__pk__startswith=tree.township.code[:9]).order_by("pk"))


def _list(enterprise):
    return CreditListing.objects.create(
        enterprise=enterprise,
        criterion=CreditListing.Criterion.CONCEAL,
        facts="瞒报事故",
        decision_number="巫应急失信〔2026〕1号",
        listed_on=dt.date(2026, 1, 10),
        ends_on=dt.date(2029, 1, 9),
    )


def test_draw_from_the_page_shows_names_townships_officers_and_the_badge(client, tree, inspectors):
    enterprises = _enterprises(tree)
    for e in enterprises:  # whichever is drawn carries the badge
        _list(e)
    matter = CheckMatter.objects.create(name="事故隐患排查治理情况", region=tree.county)
    client.force_login(persona("county_operator"))
    assert client.get("/enforcement/draws/new/").status_code == 200
    body = {"name": "页面抽取", "region": tree.township.code, "count": 2, "inspectors_per_object": 2}
    response = client.post("/enforcement/draws/new/", {**body, "matter": matter.pk, "seed": "页面种子"})
    record = Draw.objects.get(name="页面抽取")
    assert response.status_code == 302 and response.url == f"/enforcement/draws/{record.pk}/"
    page = client.get(response.url).content.decode()
    for o in record.objects_drawn.all():
        assert o.enterprise.name in page
        for i in o.inspectors.all():
            assert str(i.user) in page and i.certificate in page
    assert tree.township.name in page and "页面种子" in page and "严重失信" in page and "sha256-v1" in page
    assert matter.name in page
    verified = client.post(f"/enforcement/draws/{record.pk}/verify/").content.decode()
    assert "复核一致" in verified
    listing = client.get("/enforcement/draws/").content.decode()
    assert "页面抽取" in listing


@pytest.mark.parametrize(
    ("over", "text"),
    [
        ({"inspectors_per_object": 1}, "行政处罚法第四十二条"),
        ({"count": 100000}, "家企业，不能抽取"),
        ({"region": "999999999999"}, "选择一个有效的选项"),
    ],
)
def test_a_refused_draw_from_the_page_says_why_and_writes_nothing(client, tree, inspectors, over, text):
    client.force_login(persona("county_operator"))
    draws_before = Draw.objects.count()
    body = {"name": "页面抽取", "region": tree.township.code, "count": 2, "inspectors_per_object": 2, **over}
    response = client.post("/enforcement/draws/new/", body)
    assert response.status_code == 400 and text in response.content.decode()
    assert Draw.objects.count() == draws_before


def test_township_staff_may_not_draw_and_enterprise_users_see_no_draw_pages(client, tree):
    client.force_login(persona("township_officer"))
    assert client.get("/enforcement/draws/new/").status_code == 403
    client.force_login(persona("enterprise_user"))
    home = client.get("/").content.decode()
    assert "/enforcement/draws/" not in home


def test_pool_page_lists_enterprises_with_pool_and_drawn_counts_and_the_badge(client, tree, inspectors):
    enterprises = _enterprises(tree)
    _list(enterprises[0])
    client.force_login(persona("county_operator"))
    client.post(
        "/enforcement/draws/new/",
        {"name": "名录库", "region": tree.township.code, "count": len(enterprises), "inspectors_per_object": 2},
    )
    page = client.get(f"/enforcement/draws/pool/?township={tree.township.code}").content.decode()
    assert enterprises[0].name in page and "严重失信" in page
    assert "1 次" in page and tree.township.name in page


def test_conflicts_declared_and_removed_from_the_inspectors_page_are_audited(client, tree, inspectors):
    inspector, enterprise = inspectors[0], _enterprises(tree)[0]
    client.force_login(persona("county_operator"))
    url = f"/enforcement/inspectors/{inspector.pk}/conflicts/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"enterprise": enterprise.pk, "reason": "近亲属在该企业任职"})
    assert response.status_code == 302
    conflict = InspectorConflict.objects.get(inspector=inspector, enterprise=enterprise)
    assert AuditEntry.objects.filter(object_type="enforcement.inspectorconflict", action="create").exists()
    again = client.post(url, {"enterprise": enterprise.pk})
    assert again.status_code == 400 and "已登记过" in again.content.decode()
    assert enterprise.name in client.get(f"/enforcement/inspectors/{inspector.pk}/").content.decode()
    client.post(f"/enforcement/inspectors/conflicts/{conflict.pk}/remove/")
    assert not InspectorConflict.objects.filter(pk=conflict.pk).exists()
    assert AuditEntry.objects.filter(
        object_type="enforcement.inspectorconflict", object_id=str(conflict.pk), action="delete"
    ).exists()


def test_registries_and_menu(client, tree, inspectors):
    CheckMatter.objects.create(name="安全生产教育和培训情况", region=tree.county)
    client.force_login(persona("county_operator"))
    inspectors_page = client.get("/enforcement/inspectors/").content.decode()
    assert inspectors[0].certificate in inspectors_page
    assert "安全生产教育和培训情况" in client.get("/enforcement/matters/").content.decode()
    home = client.get("/").content.decode()
    for url in ("/enforcement/inspectors/", "/enforcement/matters/", "/enforcement/draws/", "/enforcement/draws/pool/"):
        assert url in home, url


def test_an_officer_who_was_drawn_is_kept_so_the_draw_still_verifies(client, tree, inspectors):
    client.force_login(persona("county_operator"))
    body = {"name": "保留", "region": tree.township.code, "count": 3, "inspectors_per_object": 2}
    client.post("/enforcement/draws/new/", body)
    record = Draw.objects.get(name="保留")
    drawn = record.objects_drawn.first().inspectors.first()
    response = client.post(f"/enforcement/inspectors/{drawn.pk}/delete/")
    assert response.status_code == 400 and "不在库" in response.content.decode()
    assert drawn.__class__.objects.filter(pk=drawn.pk).exists()
    assert "复核一致" in client.post(f"/enforcement/draws/{record.pk}/verify/").content.decode()


def test_the_registry_page_refuses_a_village_worker_as_an_officer(client, tree):
    from anlan.enforcement.models import Inspector

    client.force_login(persona("county_operator"))
    worker = persona("village_grid_worker")
    body = {"user": worker.pk, "certificate": "50023720269999", "region": tree.county.code, "active": "on"}
    response = client.post("/enforcement/inspectors/add/", body)
    assert response.status_code == 400  # not even offered as a choice
    assert not Inspector.objects.filter(user=worker).exists()
    # And the model says why, whatever path writes it.
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        Inspector(user=worker, certificate="X9", region=tree.county).full_clean()
    assert "不能登记为执法人员" in refused.value.message_dict["user"][0]
