"""The registry kit names regions by name (team rule: names, not codes): list and detail cells, choice lists
and the audit trail; a village carries its township, since village names repeat across a county. Excel
exports keep the 区划代码 the import reads, with the name beside it."""

import io
import re

import openpyxl
import pytest

from anlan.core.audit import audit_record
from anlan.core.kit import config_for, modelform_for
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Person
from anlan.testing.helpers import read_xlsx, xlsx_upload
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\d{12}")


@pytest.fixture
def twin(tree):
    """A village of the other township named like ours: real counties have several 新华村."""
    return Region.objects.create(
        code=tree.other_township.code[:9] + "998",
        name=tree.village.name,
        level=RegionLevel.VILLAGE,
        parent=tree.other_township,
    )


def test_region_choices_name_villages_with_their_township_in_one_query(tree, twin, django_assert_num_queries):
    form = modelform_for(config_for(Person))(user=persona("county_admin"))
    with django_assert_num_queries(1):
        labels = {str(value): label for value, label in form.fields["region"].choices}
    assert labels[tree.village.code] == f"{tree.township.name} {tree.village.name}"
    assert labels[twin.code] == f"{tree.other_township.name} {tree.village.name}"
    assert labels[tree.township.code] == tree.township.name
    assert not any(CODE.search(label) for label in labels.values())


def test_list_and_detail_show_the_region_by_name_not_code(client, tree, twin, django_assert_max_num_queries):
    ours = Person.objects.create(name="甲网格员", region=tree.village, phone="13800000001")
    theirs = Person.objects.create(name="乙网格员", region=twin, phone="13800000002")
    client.force_login(persona("county_admin"))
    with django_assert_max_num_queries(25):
        page = client.get("/registry/person/", {"q": "网格员"}).content.decode()
    assert f"{tree.township.name} {tree.village.name}" in page
    assert f"{tree.other_township.name} {twin.name}" in page
    assert tree.village.code not in page and twin.code not in page
    detail = client.get(f"/registry/person/{theirs.pk}/").content.decode()
    assert f"{tree.other_township.name} {twin.name}" in detail
    assert twin.code not in detail
    assert ours.pk != theirs.pk


def test_export_keeps_the_code_with_the_name_beside_it_and_reads_back(client, tree, twin):
    person = Person.objects.create(name="丙网格员", region=twin, phone="13800000003")
    client.force_login(persona("county_admin"))
    rows = read_xlsx(client.get("/registry/person/", {"export": "xlsx"}).content)
    header = rows[0]
    code_at = header.index("所属区划")
    assert header[code_at + 1] == "所属区划名称"
    row = next(r for r in rows[1:] if r[0] == person.pk)
    assert row[code_at] == twin.code
    assert row[code_at + 1] == f"{tree.other_township.name} {twin.name}"

    # The import template says what the name column is.
    book = openpyxl.load_workbook(io.BytesIO(client.get("/registry/person/template.xlsx").content), read_only=True)
    notes = list(book["填写说明"].iter_rows(values_only=True))
    assert "“所属区划名称”列只供阅读" in next(r[2] for r in notes if r[0] == "所属区划")

    # Sent back as it came (a person edits the name, the region stays where the code puts it).
    row[header.index("姓名")] = "丙网格员（改）"
    response = client.post("/registry/person/import/", {"file": xlsx_upload([header, row])})
    assert response.status_code == 302, response.content.decode()[:500]
    person.refresh_from_db()
    assert person.name == "丙网格员（改）" and person.region_id == twin.code


def test_audit_trail_names_the_region_of_each_entry(client, tree):
    person = Person.objects.create(name="丁网格员", region=tree.village, phone="13800000004")
    audit_record(action="update", obj=person, actor=persona("county_admin"))
    client.force_login(persona("county_admin"))
    page = client.get("/audit/", {"object_type": "registry.person"}).content.decode()
    assert f"{tree.township.name} {tree.village.name}" in page
    assert tree.village.code not in page


def test_a_bureaus_own_sheet_may_name_regions_instead_of_codes(client, tree, twin):
    """People type places, not 12-digit codes: "乡镇 村" (spaces optional) or a name unique in the user's area is
    taken; a village name two townships share is refused for that row, saying how to tell them apart, and nothing
    of the file is written."""
    client.force_login(persona("county_admin"))
    header = ["姓名", "所属区划", "手机号码"]
    township_full = f"{tree.other_township.name}{twin.name}"  # typed without the space
    rows = [header, ["戊网格员", township_full, "13800000005"], ["己网格员", tree.township.name, "13800000006"]]
    response = client.post("/registry/person/import/", {"file": xlsx_upload(rows)})
    assert response.status_code == 302, response.content.decode()[:500]
    assert Person.objects.get(name="戊网格员").region_id == twin.code
    assert Person.objects.get(name="己网格员").region_id == tree.township.code

    before = Person.objects.count()
    rows = [header, ["庚网格员", f"{tree.township.name} {tree.village.name}", "13800000007"],
            ["辛网格员", tree.village.name, "13800000008"]]  # fmt: skip
    page = client.post("/registry/person/import/", {"file": xlsx_upload(rows)}).content.decode()
    assert f"有多个名为“{tree.village.name}”的区划" in page and "请写明乡镇" in page
    assert Person.objects.count() == before
