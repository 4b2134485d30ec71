"""Small helpers shared by the tests."""

import io
from contextlib import contextmanager

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def count_queries():
    """`with count_queries() as q: ...; len(q)` — the number of queries the block ran."""
    with CaptureQueriesContext(connection) as ctx:
        yield ctx


def read_xlsx(content: bytes) -> list[list]:
    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return rows


def xlsx_upload(rows: list[list], name: str = "导入.xlsx") -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 6)) -> bytes:
    """A real, decodable photo (uploads are re-encoded with Pillow, so a magic number alone is refused)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, fmt)
    return buffer.getvalue()
