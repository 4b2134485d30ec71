"""The header search: over the registries a user may see, never beyond their scope; phones found by their
blind index only for roles that see phones; codes, credit codes and region codes; safe with any input."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anlan.core import services
from anlan.core.audit import snapshot
from anlan.core.crypto import blind_index
from anlan.core.fields import normalise_phone, rebuild_blind_indexes
from anlan.core.kit import all_configs, offered_to
from anlan.core.models import AuditEntry
from anlan.core.search import match_q, search
from anlan.registry.models import Enterprise, Person
from anlan.testing.personas import persona


def _rename(obj, name: str, **changes):
    before = snapshot(obj, with_m2m=True)
    obj.name = name
    for key, value in changes.items():
        setattr(obj, key, value)
    return services.object_update(actor=persona("county_admin"), instance=obj, before=before)


def _person_in(region) -> Person:
    return Person.objects.filter(region__code__startswith=region.code[:9], enterprise=None).order_by("pk").first()


def _hits(results, label: str) -> list[str]:
    return [hit.name for group in results.groups if group.label == label for hit in group.hits]


@pytest.mark.django_db
def test_rows_outside_the_users_scope_never_appear(tree):
    _rename(_person_in(tree.township), "检索测试本镇人")
    _rename(_person_in(tree.other_township), "检索测试外镇人")

    ours = search(persona("township_officer"), "检索测试")
    assert [g.label for g in ours.groups] == ["责任人"] and ours.total == 1
    assert all("外镇" not in hit.name for hit in ours.groups[0].hits)
    county = search(persona("county_operator"), "检索测试")
    assert county.total == 2


@pytest.mark.django_db
def test_an_enterprise_user_finds_only_its_own_enterprise(tree):
    user = persona("enterprise_user")
    other = Enterprise.objects.exclude(pk=user.enterprise_id).order_by("pk").first()
    _rename(other, "检索测试邻近企业", region_id=user.enterprise.region_id)
    _rename(user.enterprise, "检索测试本企业")
    results = search(user, "检索测试")
    assert _hits(results, "企业") == ["检索测试本企业"]
    labels = {group.label for group in results.groups}
    assert labels <= {c.label for c in all_configs() if offered_to(user, c.model)}


@pytest.mark.django_db
def test_a_full_phone_number_is_found_only_by_roles_that_see_phones(tree):
    person = _person_in(tree.township)
    person.phone = "13912345678"
    person.save()
    assert person.phone_index == blind_index("13912345678")
    with connection.cursor() as cursor:  # stored encrypted, the index beside it
        cursor.execute("SELECT phone, phone_index FROM registry_person WHERE id = %s", [person.pk])
        stored, index = cursor.fetchone()
    assert "13912345678" not in stored and index == person.phone_index

    for written in ("13912345678", "139 1234 5678", "139-1234-5678", "+86 139 1234 5678"):
        found = search(persona("township_officer"), written)
        assert str(person) in _hits(found, "责任人"), written
        assert "完整电话号码" in found.message
    # Roles that see phones masked cannot find a person by number (nor learn that the number is known).
    for name in ("village_grid_worker", "viewer", "team_leader"):
        results = search(persona(name), "13912345678")
        assert str(person) not in _hits(results, "责任人"), name
        assert "不能按电话号码" in results.message
    # Part of a number finds nobody: only full numbers are indexed.
    partial = search(persona("county_operator"), "5678")
    assert str(person) not in _hits(partial, "责任人")
    assert "完整号码" in partial.message


@pytest.mark.django_db
def test_a_credit_code_finds_its_enterprise(tree):
    enterprise = Enterprise.objects.exclude(credit_code="").order_by("pk").first()
    results = search(persona("county_operator"), enterprise.credit_code)
    assert _hits(results, "企业") == [str(enterprise)]
    assert search(persona("county_operator"), enterprise.credit_code.lower()).total >= 1


@pytest.mark.django_db
def test_a_region_code_finds_the_region_and_what_is_owned_there(tree):
    results = search(persona("county_operator"), tree.village.code)
    assert tree.village.name in " ".join(_hits(results, "行政区划"))
    owned = [g for g in results.groups if g.label == "责任人"]
    expected = Person.objects.filter(region_id=tree.village.code).count()
    assert expected and owned and owned[0].count == expected
    # Named as a village is where villages of every township meet: with its township (names repeat).
    assert all(hit.region_name == f"{tree.township.name} {tree.village.name}" for hit in owned[0].hits)
    # Another township's code, searched from a township: nothing of theirs.
    theirs = search(persona("township_officer"), tree.other_village.code)
    assert not any(tree.other_village.name in hit.region_name for g in theirs.groups for hit in g.hits)


@pytest.mark.django_db
def test_empty_short_and_long_terms_are_explained_in_chinese(client, tree):
    client.force_login(persona("township_officer"))
    assert "请输入要搜索的" in client.get("/search/").content.decode()
    assert "请至少输入 2 个字" in client.get("/search/?q=+a+").content.decode()
    assert "最多 50 个字" in client.get("/search/?q=" + "很" * 51).content.decode()
    assert search(persona("township_officer"), "   ").groups == []


@pytest.mark.django_db
def test_the_page_escapes_what_it_shows(client, tree):
    _rename(_person_in(tree.township), '<script>alert("x")</script>')
    client.force_login(persona("county_operator"))
    page = client.get("/search/", {"q": "<script>"}).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


@pytest.mark.django_db
def test_results_group_by_registry_with_names_links_and_a_full_list(client, tree):
    officer = persona("township_officer")
    for person in Person.objects.filter(region__code__startswith=tree.township.code[:9]).order_by("pk")[:7]:
        _rename(person, f"分组测试{person.pk}")
    results = search(officer, "分组测试")
    group = next(g for g in results.groups if g.label == "责任人")
    assert group.count == 7 and len(group.hits) == 5 and group.more
    assert all(hit.url.startswith("/registry/person/") for hit in group.hits)

    client.force_login(officer)
    page = client.get("/search/", {"q": "分组测试"}).content.decode()
    assert "查看全部 7 条" in page and "责任人" in page
    listed = client.get(group.more_url)
    assert listed.status_code == 200 and listed.context["page"].paginator.count == 7


@pytest.mark.django_db
def test_one_query_per_registry_that_can_match(tree):
    user = persona("county_admin")
    term = "凤家"
    queried = [c for c in all_configs() if offered_to(user, c.model) and match_q(c, user, term) is not None]
    with CaptureQueriesContext(connection) as queries:
        results = search(user, term)
    assert results.groups
    aggregating = sum(1 for c in queried if c.queryset(user).query.group_by is not None)
    # one per registry (two for a selector that groups rows), plus the region names of all hits
    assert len(queries) == len(queried) + aggregating + 1


@pytest.mark.django_db
def test_the_header_offers_search_on_every_page(client, tree):
    client.force_login(persona("village_grid_worker"))
    page = client.get("/").content.decode()
    assert 'action="/search/"' in page and 'class="drawer-search"' in page


@pytest.mark.django_db
def test_indexes_are_rebuilt_from_the_encrypted_numbers(tree):
    person = _person_in(tree.township)
    person.phone = "13900001111"
    person.save()
    Person.objects.filter(pk=person.pk).update(phone_index="")
    assert rebuild_blind_indexes(Person) >= 1
    assert Person.objects.get(pk=person.pk).phone_index == blind_index("13900001111")


@pytest.mark.django_db
def test_every_phone_the_demo_loader_wrote_is_indexed_already(tree):
    from django.apps import apps

    from anlan.core.fields import blind_index_fields

    indexed = [m for m in apps.get_models() if blind_index_fields(m)]
    assert {m._meta.label_lower for m in indexed} >= {"registry.person", "registry.enterprise", "accounts.user"}
    assert Person.objects.exclude(phone_index="").exists()
    assert all(rebuild_blind_indexes(model) == 0 for model in indexed)


@pytest.mark.django_db
def test_after_a_key_change_the_rebuild_command_makes_numbers_findable_again(tree, settings):
    person = _person_in(tree.township)
    person.phone = "13900002222"
    person.save()
    settings.ANLAN_BLIND_INDEX_KEY = "a-new-key-" + "0" * 40
    officer = persona("township_officer")
    assert str(person) not in _hits(search(officer, "13900002222"), "责任人")
    call_command("blind_index_rebuild", stdout=io.StringIO())
    assert str(person) in _hits(search(officer, "13900002222"), "责任人")
    assert AuditEntry.objects.filter(action="blind_index_rebuild", object_type="registry.person").exists()


@pytest.mark.django_db
def test_the_api_answers_as_the_page_does(client, tree):
    _rename(_person_in(tree.township), "接口检索本镇人")
    _rename(_person_in(tree.other_township), "接口检索外镇人")
    assert client.get("/api/v1/search/", {"q": "接口检索"}).status_code in (401, 403)
    client.force_login(persona("township_officer"))
    body = client.get("/api/v1/search/", {"q": "接口检索"}).json()
    assert body["total"] == 1 and body["q"] == "接口检索"
    [group] = body["groups"]
    assert group["registry"] == "registry.person" and group["label"] == "责任人" and group["count"] == 1
    [hit] = group["results"]
    assert hit["name"].startswith("接口检索本镇人") and hit["url"] == f"/registry/person/{hit['id']}/"
    assert hit["region_name"] and len(hit["region"]) == 12
    short = client.get("/api/v1/search/", {"q": "接"})
    assert short.status_code == 400 and "至少输入 2 个字" in short.json()["q"][0]
    assert client.get("/api/v1/search/", {"q": "接口", "per_group": "0"}).status_code == 400


def test_phone_numbers_are_normalised_before_hashing():
    assert normalise_phone("139 1234 5678") == "13912345678"
    assert normalise_phone("+86-139-1234-5678") == "13912345678"
    assert normalise_phone("0086 13912345678") == "13912345678"
    assert normalise_phone("023-5555 1234") == "02355551234"
    assert normalise_phone("5678") == ""
    assert normalise_phone("凤家街道") == "" and normalise_phone("abc13912345678") == ""


@pytest.mark.django_db
def test_an_excel_import_that_changes_a_phone_keeps_it_findable(client, tree):
    from anlan.testing.helpers import read_xlsx, xlsx_upload

    person = _rename(_person_in(tree.township), "导入改号测试人")
    client.force_login(persona("county_operator"))
    rows = read_xlsx(client.get("/registry/person/", {"q": "导入改号测试人", "export": "xlsx"}).content)
    header, row = rows[0], list(rows[1])
    row[header.index("手机号码")] = "13700007777"
    response = client.post("/registry/person/import/", {"file": xlsx_upload([header, row])})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Person.objects.get(pk=person.pk).phone == "13700007777"
    assert str(person) in _hits(search(persona("county_operator"), "137 0000 7777"), "责任人")
