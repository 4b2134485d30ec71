"""The document pages: the list with its filters, the Word download in scope (another township's: 404; an
enterprise user: its own only; a case's documents not for roles that do not read cases), and the
文书编号规则 page (abbreviations edited by county roles, previews that take no number)."""

import datetime as dt

import pytest
from django.urls import reverse

from anlan.core.models import AuditEntry
from anlan.enforcement.models import DocumentCounter, DocumentPrefix, IssuedDocument
from anlan.registry.models import Enterprise
from anlan.testing.personas import persona

from .document_records import YEAR, K, enterprise_in, issue, make_case, make_inspection, text_of


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def issued(tree, inspectors):
    """A record and a decision in our township (the enterprise user's enterprise), a record in the other."""
    actor = persona("county_operator")
    ours = enterprise_in(tree.township)
    theirs = enterprise_in(tree.other_township)
    inspection = make_inspection(ours, inspectors)
    record = issue(K.INSPECTION_RECORD, actor, inspection=inspection)
    decision = issue(K.PENALTY_DECISION, actor, case=make_case(ours, inspectors, inspection=inspection))
    other = issue(K.INSPECTION_RECORD, actor, inspection=make_inspection(theirs, inspectors))
    return {"record": record, "decision": decision, "other": other, "ours": ours, "theirs": theirs}


def _download(client, user, document):
    client.force_login(user)
    return client.get(reverse("enforcement:document_download", args=[document.pk]))


def test_download_is_a_word_file_with_a_chinese_name_and_is_audited(client, issued):
    user = persona("county_operator")
    response = _download(client, user, issued["record"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E6%A3%80%E6%9F%A5%E8%AE%B0%E5%BD%95" in response["Content-Disposition"]
    assert issued["record"].number in text_of(response.content)
    assert AuditEntry.objects.filter(action="document.download", object_id=str(issued["record"].pk)).exists()


def test_another_townships_document_is_not_found(client, issued):
    assert _download(client, persona("township_officer"), issued["record"]).status_code == 200
    assert _download(client, persona("other_township_officer"), issued["record"]).status_code == 404
    assert _download(client, persona("other_township_officer"), issued["other"]).status_code == 200


def test_an_enterprise_user_downloads_its_own_documents_only(client, issued):
    user = persona("enterprise_user")
    assert user.enterprise_id == issued["ours"].pk
    assert _download(client, user, issued["record"]).status_code == 200
    assert _download(client, user, issued["decision"]).status_code == 200  # the party receives its decision
    assert _download(client, user, issued["other"]).status_code == 404
    client.force_login(user)
    page = client.get(reverse("enforcement:document_list")).content.decode()
    assert issued["record"].number in page and issued["other"].number not in page


def test_a_cases_documents_stay_with_those_who_read_cases(client, issued):
    worker = persona("village_grid_worker")
    IssuedDocument.objects.filter(pk__in=[issued["record"].pk, issued["decision"].pk]).update(region=worker.region)
    assert _download(client, worker, issued["record"]).status_code == 200
    assert _download(client, worker, issued["decision"]).status_code == 404


def test_an_incomplete_record_gives_the_reason_not_a_file(client, issued):
    issued["record"].inspection.inspectors.clear()
    response = _download(client, persona("county_operator"), issued["record"])
    assert response.status_code == 400
    assert "无法生成，缺少：执法人员（不少于两名，均有执法证号）" in response.content.decode()


def test_list_filters_by_kind_year_number_and_enterprise(client, issued):
    client.force_login(persona("county_operator"))
    url = reverse("enforcement:document_list")

    def numbers(**params):
        page = client.get(url, params).content.decode()
        return {d.number for d in issued.values() if isinstance(d, IssuedDocument) and d.number in page}

    everything = {issued["record"].number, issued["decision"].number, issued["other"].number}
    assert numbers(year=YEAR) == everything
    assert numbers(year=YEAR, kind=K.PENALTY_DECISION) == {issued["decision"].number}
    assert numbers(year=YEAR, q=issued["other"].number) == {issued["other"].number}
    assert numbers(year=YEAR, enterprise=issued["theirs"].name) == {issued["other"].number}
    assert numbers(year=YEAR + 1) == set()
    page = client.get(url, {"year": YEAR}).content.decode()
    assert "现场检查记录" in page and "行政处罚决定书" in page and f"{YEAR}年3月6日" in page
    assert "inspection_record" not in page.split("<tbody>")[1]  # labels, not codes, in the rows
    assert client.get(url, {"year": "x", "kind": "nonsense"}).status_code == 200  # bad filters are ignored


def test_numbering_page_shows_defaults_examples_and_next_numbers_without_taking_them(client, tree):
    client.force_login(persona("county_operator"))
    year = dt.date.today().year
    DocumentCounter.objects.update_or_create(kind=K.RECTIFICATION_ORDER, year=year, defaults={"last": 41})
    page = client.get(reverse("enforcement:document_numbering")).content.decode()
    assert f"（巫山）应急责改〔{year}〕42号" in page
    assert "现场检查记录" in page and "检记" in page and "41 号" in page
    assert DocumentCounter.objects.get(kind=K.RECTIFICATION_ORDER, year=year).last == 41  # nothing taken


def test_county_roles_edit_abbreviations_distinct_and_well_formed(client, tree):
    client.force_login(persona("county_operator"))
    url = reverse("enforcement:document_numbering")
    response = client.post(url, {K.RECTIFICATION_ORDER: "检记"}, follow=True)
    assert "文号会重复" in response.content.decode()
    response = client.post(url, {K.RECTIFICATION_ORDER: "责〔改"}, follow=True)
    assert "简称须为1至8个汉字" in response.content.decode()
    assert not DocumentPrefix.objects.filter(kind=K.RECTIFICATION_ORDER).exists()
    response = client.post(url, {K.RECTIFICATION_ORDER: "限改"}, follow=True)
    assert "已修改 1 种文书的简称" in response.content.decode()
    assert DocumentPrefix.objects.get(kind=K.RECTIFICATION_ORDER).abbreviation == "限改"
    assert f"应急限改〔{dt.date.today().year}〕" in response.content.decode()
    assert AuditEntry.objects.filter(action="create", object_type="enforcement.documentprefix").exists()


def test_other_roles_cannot_edit_abbreviations(client, tree):
    url = reverse("enforcement:document_numbering")
    client.force_login(persona("township_officer"))
    assert client.get(url).status_code == 200
    assert '<input type="text"' not in client.get(url).content.decode()
    assert client.post(url, {K.RECTIFICATION_ORDER: "限改"}).status_code == 403
    client.force_login(persona("enterprise_user"))
    assert client.get(url).status_code == 403
    assert not DocumentPrefix.objects.exists()


def test_menu_offers_documents_to_readers_and_the_numbering_rules_to_county_roles(client, tree):
    client.force_login(persona("county_operator"))
    home = client.get("/").content.decode()
    assert reverse("enforcement:document_list") in home and reverse("enforcement:document_numbering") in home
    client.force_login(persona("township_officer"))
    home = client.get("/").content.decode()
    assert reverse("enforcement:document_list") in home and reverse("enforcement:document_numbering") not in home
    assert Enterprise.objects.exists()
