"""防汛责任人 from Excel: every row checked before anything is written (a bad row writes nothing, the report
names row, column and reason); persons found by phone or registered; the export masks phones for roles
without the need."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anlan.flood.excel import HEADERS
from anlan.flood.models import FloodResponsibility, Reservoir
from anlan.registry.models import Person
from anlan.sites.models import HazardSite
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def _xlsx(rows, headers=HEADERS) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("责任人.xlsx", buffer.getvalue())


@pytest.fixture
def objects(tree):
    reservoir = Reservoir.objects.filter(region__pk__startswith=tree.township.code[:9]).order_by("code").first()
    reservoir = reservoir or Reservoir.objects.order_by("code").first()
    zone = HazardSite.objects.filter(kind="waterlogging").order_by("code").first()
    known = Person.objects.filter(region__pk__startswith=reservoir.region_id[:9]).order_by("pk").first()
    return reservoir, zone, known


def test_a_bad_row_writes_nothing_and_is_reported(client, objects):
    reservoir, zone, known = objects
    before = (FloodResponsibility.objects.count(), Person.objects.count())
    rows = [
        ["水库", reservoir.code, "巡查", "新巡查员", "13900004001", "某村", "巡查员"],
        ["水库", "NO-SUCH", "行政", "张三", "13900004002", "", ""],
        ["水库", reservoir.code, "包保", "李四", "13900004003", "", ""],
        ["易涝点", zone.code, "技术", "王五", "1390000", "", ""],
        ["水库", reservoir.code, "行政", "不是他", known.phone, "", ""],
    ]
    client.force_login(persona("county_operator"))
    response = client.post("/flood/duty/import/", {"file": _xlsx(rows)})
    page = response.content.decode()
    assert response.status_code == 400 and "未导入任何责任人" in page
    assert "第3行" in page and "未找到编号为“NO-SUCH”的水库" in page
    assert "第4行" in page and "水库的岗位只能是：行政、技术、巡查" in page
    assert "第5行" in page and "易涝点的岗位只能是" in page and "电话号码格式不正确" in page
    assert "第6行" in page and f"该号码已登记为责任人“{known.name}”" in page
    assert (FloodResponsibility.objects.count(), Person.objects.count()) == before


def test_a_good_file_assigns_and_registers_and_skips_what_exists(client, objects):
    reservoir, zone, known = objects
    FloodResponsibility.objects.filter(reservoir=reservoir).delete()
    rows = [
        ["水库", reservoir.code, "行政责任人", known.name, known.phone, "", ""],
        ["水库", reservoir.code, "技术", "赵工程师", "13900005001", "水利站", "站长"],
        ["水库", reservoir.code, "巡查", "钱守坝", "13900005002", "某村", "巡查员"],
        ["易涝点", zone.code, "监测", "钱守坝", "13900005002", "", ""],
    ]
    client.force_login(persona("county_operator"))
    response = client.post("/flood/duty/import/", {"file": _xlsx(rows)}, follow=True)
    assert "已导入防汛责任人 4 条（新登记责任人 2 名" in response.content.decode()
    posts = dict(FloodResponsibility.objects.filter(reservoir=reservoir).values_list("post", "person__name"))
    assert posts == {"admin": known.name, "technical": "赵工程师", "patrol": "钱守坝"}
    new = Person.objects.get(name="钱守坝")
    assert new.region_id == reservoir.region_id and new.phone == "13900005002"
    # The same file again: nothing new, every row skipped.
    response = client.post("/flood/duty/import/", {"file": _xlsx(rows)}, follow=True)
    assert "已导入防汛责任人 0 条（新登记责任人 0 名，已存在而跳过 4 条）" in response.content.decode()


def test_the_export_masks_phones_for_a_viewer(client, objects):
    client.force_login(persona("county_operator"))
    full = openpyxl.load_workbook(io.BytesIO(client.get("/flood/duty/export/").content)).active
    rows = list(full.iter_rows(min_row=2, values_only=True))
    assert rows and all(len(str(r[4])) == 11 and "*" not in str(r[4]) for r in rows if r[4])
    client.force_login(persona("viewer"))
    masked = openpyxl.load_workbook(io.BytesIO(client.get("/flood/duty/export/").content)).active
    phones = [r[4] for r in masked.iter_rows(min_row=2, values_only=True)]
    assert len(phones) == len(rows) and all("****" in p for p in phones)
    client.force_login(persona("village_grid_worker"))
    assert client.get("/flood/duty/import/").status_code == 403
    template = openpyxl.load_workbook(io.BytesIO(client.get("/flood/duty/template/").content))
    assert [c.value for c in template.worksheets[0][1]] == HEADERS
