"""执法统计: figures equal to a hand-counted fixture, by month, department, sector and township; scope; the
fixed number of queries; the page and its Excel export."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anlan.enforcement import stats
from anlan.enforcement.models import PenaltyCase

from .campaign_world import T2, build_world, case, inspect

pytestmark = pytest.mark.django_db

Y = timezone.localdate().year


def d(month: int, day: int, year: int = Y) -> dt.date:
    return dt.date(year, month, day)


@pytest.fixture
def world(db):
    w = build_world()
    e = w.e
    inspect(e["e1"], d(1, 10), findings=(("general", "closed"), ("major", "rectifying")))
    inspect(e["e1"], d(1, 20))
    inspect(e["e3"], d(3, 5), findings=(("general", "closed"), ("general", None)))
    inspect(e["e5"], d(3, 6), findings=(("major", "closed"),))
    inspect(e["e7"], d(6, 1), findings=(("general", "reported"),))
    inspect(e["e2"], d(12, 30, Y - 1), findings=(("major", "closed"),))  # last year: not counted
    case(e["e1"], d(1, 25), status="decided", decided_on=d(2, 10), fine=Decimal("20000"))
    case(e["e6"], d(3, 1), status="investigating", fine=Decimal("5000"))  # not decided: no fine counted
    case(e["e5"], d(12, 1, Y - 1), status="closed", decided_on=d(1, 5), fine=Decimal("30000"))  # fine only
    case(e["e7"], d(6, 2), status="executing", decided_on=d(6, 20), fine=Decimal("1500.50"))
    PenaltyCase.objects.create(  # a person, no enterprise
        title="无证作业", party_kind="person", party_name="张某", region_id=T2, department=w.sj, opened_on=d(4, 1)
    )
    return w


def table(user, name, **kw) -> dict[str, list]:
    lines = stats.enforcement_statistics(user, year=Y, **kw)[name]
    return {line.label: line.cells()[1:] for line in lines}


#                 检查 问题 一般 重大 销号 立案 罚款
def row(*values):
    *counts, fine = values
    return [*counts, Decimal(str(fine))]


def test_by_month(world):
    months = table(world.users["county"], "月份")
    assert list(months) == [f"{m}月" for m in range(1, 13)] + ["合计"]
    assert months["1月"] == row(2, 2, 1, 1, 1, 1, 30000)
    assert months["2月"] == row(0, 0, 0, 0, 0, 0, 20000)
    assert months["3月"] == row(2, 3, 2, 1, 2, 1, 0)
    assert months["4月"] == row(0, 0, 0, 0, 0, 1, 0)
    assert months["6月"] == row(1, 1, 1, 0, 0, 1, "1500.50")
    assert months["12月"] == row(0, 0, 0, 0, 0, 0, 0)
    assert months["合计"] == row(5, 6, 4, 2, 3, 4, "51500.50")


def test_by_department(world):
    assert table(world.users["county"], "执法部门") == {
        "邻县应急管理局": row(3, 3, 1, 2, 2, 1, 50000),
        "邻县市场监管局": row(1, 2, 2, 0, 1, 2, 0),
        "未填写执法部门": row(1, 1, 1, 0, 0, 1, "1500.50"),
        "合计": row(5, 6, 4, 2, 3, 4, "51500.50"),
    }


def test_by_sector(world):
    assert table(world.users["county"], "行业门类") == {
        "C 制造业": row(5, 6, 4, 2, 3, 3, "51500.50"),
        "未关联企业或未填行业": row(0, 0, 0, 0, 0, 1, 0),
        "合计": row(5, 6, 4, 2, 3, 4, "51500.50"),
    }


def test_by_township_and_region_filter(world):
    assert table(world.users["county"], "乡镇（街道）") == {
        "甲镇": row(3, 4, 3, 1, 2, 1, 20000),
        "乙镇": row(2, 2, 1, 1, 1, 3, "31500.50"),
        "合计": row(5, 6, 4, 2, 3, 4, "51500.50"),
    }
    assert table(world.users["county"], "月份", region_code=T2)["合计"] == row(2, 2, 1, 1, 1, 3, "31500.50")


def test_a_department_sees_its_own_figures(world):
    # 应急管理局: its inspections (e1 twice, e5) and its cases (e1's, and e5's decided this year)
    assert table(world.users["yj"], "执法部门") == {
        "邻县应急管理局": row(3, 3, 1, 2, 2, 1, 50000),
        "合计": row(3, 3, 1, 2, 2, 1, 50000),
    }
    assert table(world.users["yj"], "乡镇（街道）")["合计"] == row(3, 3, 1, 2, 2, 1, 50000)


def test_a_township_sees_its_own_figures(world):
    assert table(world.users["t1"], "月份")["合计"] == row(3, 4, 3, 1, 2, 1, 20000)


def test_query_count_is_fixed(world):
    with CaptureQueriesContext(connection) as before:
        stats.enforcement_statistics(world.users["county"], year=Y)
    for name in ("e2", "e4", "e6"):
        inspect(world.e[name], d(2, 2), findings=(("general", "closed"), ("major", None)))
        case(world.e[name], d(2, 3), status="closed", decided_on=d(2, 4), fine=Decimal("100"))
    with CaptureQueriesContext(connection) as after:
        tables = stats.enforcement_statistics(world.users["county"], year=Y)
    assert len(before) == len(after) == 11
    assert tables["月份"][1].cells()[1:] == row(3, 6, 3, 3, 3, 3, 20300)


def test_page_and_export(client, world):
    client.force_login(world.users["county"])
    page = client.get("/enforcement/stats/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "51,500.50" in html and "按执法部门" in html and "data-chart" in html
    response = client.get(f"/enforcement/stats/?year={Y}&export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [f"{Y}年按月份", f"{Y}年按执法部门", f"{Y}年按行业门类", f"{Y}年按乡镇（街道）"]
    months = list(book[f"{Y}年按月份"].values)
    assert months[0] == (
        "月份",
        "检查（次）",
        "发现问题（项）",
        "一般隐患（项）",
        "重大隐患（项）",
        "已整改销号（项）",
        "立案（件）",
        "罚款（元）",
    )
    assert months[1][:2] == ("1月", 2)
    assert months[-1][0] == "合计" and months[-1][1] == 5 and float(months[-1][7]) == 51500.5


def test_page_filters_and_refusals(client, world):
    client.force_login(world.users["county"])
    assert client.get("/enforcement/stats/?year=1990").status_code == 400
    assert client.get(f"/enforcement/stats/?year={Y + 1}").status_code == 400
    filtered = client.get(f"/enforcement/stats/?year={Y}&region={T2}")
    assert filtered.status_code == 200 and "乙镇" in filtered.content.decode()
    client.force_login(world.users["enterprise"])
    assert client.get("/enforcement/stats/").status_code == 403
