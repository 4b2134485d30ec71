"""Issue 13 item 6: exports carry no floating-point noise. A reading summed from rainfall increments was
written as 51.91000000000622; every workbook now writes 51.91 (a number cell, not text)."""

import io

import openpyxl

from anlan.core import excel


def test_exported_floats_lose_their_binary_noise_and_stay_numbers():
    content = excel.table_workbook(
        "报警", ["触发值", "峰值", "坐标"], [[51.91000000000622, 25.00999999999999, 109.8786534]]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [sheet["A2"].value, sheet["B2"].value, sheet["C2"].value] == [51.91, 25.01, 109.878653]
    assert sheet["A2"].data_type == "n"
