"""堤防级别 reads "3 级", never a bare "3": on the list and the record, in the Excel export, in the API and on the
public 公示; the import takes "3", "3 级" or "3级" and refuses a grade outside 1 级 … 5 级 (GB 50286), row by row."""

import re

import pytest

from anlan.flood.models import Dike, FloodResponsibility
from anlan.testing.helpers import read_xlsx, xlsx_upload
from anlan.testing.personas import persona
from tests.flood.helpers import person

pytestmark = pytest.mark.django_db


def _grade_three():
    dike = Dike.objects.order_by("code").first()
    Dike.objects.filter(pk=dike.pk).update(grade=3)
    return dike


def test_the_list_and_the_record_read_the_grade_with_its_unit(client, tree):
    dike = _grade_three()
    client.force_login(persona("county_admin"))
    listing = client.get("/flood/dike/").content.decode()
    assert "<td>3 级</td>" in listing and "<td>3</td>" not in listing
    record = client.get(f"/flood/dike/{dike.pk}/").content.decode()
    assert "堤防级别" in record and "3 级" in record
    form = client.get(f"/flood/dike/{dike.pk}/edit/").content.decode()
    select = re.search(r'<select name="grade".*?</select>', form, re.S).group(0)
    assert re.findall(r"<option value=\"(\d)\"[^>]*>([^<]*)</option>", select) == [
        (str(n), f"{n} 级") for n in range(1, 6)
    ]
    assert '<option value="3" selected>3 级</option>' in select


def test_the_export_writes_the_grade_as_read(client, tree):
    dike = _grade_three()
    client.force_login(persona("county_admin"))
    rows = read_xlsx(client.get("/flood/dike/", {"export": "xlsx"}).content)
    column = rows[0].index("堤防级别")
    code = rows[0].index("堤防代码")
    by_code = {row[code]: row[column] for row in rows[1:]}
    assert by_code[dike.code] == "3 级"


def _import_rows(client, grades):
    """The export of the first dike, re-imported with new codes and the given grade cells."""
    rows = read_xlsx(client.get("/flood/dike/", {"export": "xlsx"}).content)
    header, first = rows[0], rows[1]
    table = [header[1:]]  # without the ID column: new rows
    code, name, column = (header.index(label) - 1 for label in ("堤防代码", "名称", "堤防级别"))
    for i, grade in enumerate(grades):
        row = list(first[1:])
        row[code], row[name], row[column] = f"T-DF-{i}", f"测试堤防{i}", grade
        table.append(row)
    return client.post("/flood/dike/import/", {"file": xlsx_upload(table)})


def test_the_import_takes_the_number_or_the_label_with_or_without_its_space(client, tree):
    client.force_login(persona("county_admin"))
    response = _import_rows(client, [2, "2 级", "5级"])
    assert response.status_code == 302, response.content.decode()[:2000]
    grades = dict(Dike.objects.filter(code__startswith="T-DF-").values_list("code", "grade"))
    assert grades == {"T-DF-0": 2, "T-DF-1": 2, "T-DF-2": 5}


def test_a_grade_outside_one_to_five_is_refused_and_nothing_is_imported(client, tree):
    client.force_login(persona("county_admin"))
    response = _import_rows(client, ["2 级", "6 级"])
    page = response.content.decode()
    assert response.status_code == 400
    assert "无效选项“6 级”" in page and "1 级、2 级、3 级、4 级、5 级" in page
    assert not Dike.objects.filter(code__startswith="T-DF-").exists()


def test_the_api_gives_the_grade_and_its_label(client, tree):
    dike = _grade_three()
    Dike.objects.exclude(pk=dike.pk).update(grade=None)
    client.force_login(persona("county_admin"))
    rows = {row["code"]: row for row in client.get("/api/v1/flood/dikes/", {"page_size": 100}).json()["results"]}
    assert (rows[dike.code]["grade"], rows[dike.code]["grade_label"]) == (3, "3 级")
    assert all(row["grade_label"] is None for code, row in rows.items() if code != dike.code)


def test_the_public_page_names_a_dike_by_its_grade(client, tree):
    dike = _grade_three()
    FloodResponsibility.objects.create(dike=dike, post="admin", person=person(tree.village, "赵守堤", "13912340000"))
    client.logout()
    page = client.get(f"/p/flood/{tree.county.code}/").content.decode()
    assert f"{dike.river} 3 级堤防" in page


def test_the_map_popup_reads_the_grade_with_its_unit(client, tree):
    from anlan.geo.layers import get_layer

    dike = _grade_three()
    client.force_login(persona("county_operator"))
    layer = get_layer("flood_dikes")
    assert layer.labels["grade"] == "堤防级别" and layer.labels["region_label"] == "所在区划"
    features = client.get("/api/v1/map/layers/flood_dikes/").json()["features"]
    popup = next(f["properties"] for f in features if f["properties"]["name"] == dike.name)
    assert popup["grade"] == "3 级" and popup["region_label"] == dike.region.name
    reservoirs = client.get("/api/v1/map/layers/flood_reservoirs/").json()["features"]
    assert reservoirs and all(f["properties"]["size_class"].endswith("型") for f in reservoirs)
