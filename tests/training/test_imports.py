"""Question bank and trainee imports from Excel: atomic, with row-by-row Chinese errors."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anlan.testing.personas import persona
from anlan.training.models import Question, Trainee

pytestmark = pytest.mark.django_db


def _workbook(client, model, rows):
    template = client.get(reverse(f"training:{model}_template"))
    wb = openpyxl.load_workbook(io.BytesIO(template.content))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    for row in rows:
        ws.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(f"{model}.xlsx", out.getvalue()), headers


def test_a_bad_question_row_stops_the_whole_import_with_its_row_and_reason(client, tree):
    client.force_login(persona("county_operator"))
    before = Question.objects.count()
    _, headers = _workbook(client, "question", [])
    col = {h.split("（")[0].rstrip("*"): h for h in headers}
    good = {
        col["题型"]: "单选题",
        col["题干"]: "发生地震时在室内应当？",
        col["选项A"]: "跳楼逃生",
        col["选项B"]: "就近躲避在坚固家具旁",
        col["答案"]: "B",
        col["专题"]: "地震灾害",
        col["所属区划"]: tree.county.code,
    }
    multi_one = {**good, col["题型"]: "多选题", col["题干"]: "多选只有一个答案"}
    bad_letter = {**good, col["题干"]: "答案不在选项里", col["答案"]: "D"}
    upload, _ = _workbook(client, "question", [good, multi_one, bad_letter])
    page = client.post(reverse("training:question_import"), {"file": upload})
    text = page.content.decode()
    assert "多选题至少要有两个正确答案" in text
    assert "答案须是已填选项的字母" in text
    assert "第 3 行" in text or "3" in text
    assert Question.objects.count() == before  # nothing written
    upload, _ = _workbook(client, "question", [good])
    client.post(reverse("training:question_import"), {"file": upload})
    assert Question.objects.count() == before + 1
    assert Question.objects.get(stem="发生地震时在室内应当？").answer == "B"


def test_trainees_import_refuses_a_department_trainee_without_department(client, tree):
    client.force_login(persona("county_operator"))
    before = Trainee.objects.count()
    _, headers = _workbook(client, "trainee", [])
    col = {h.split("（")[0].rstrip("*"): h for h in headers}
    ok = {
        col["姓名"]: "李四",
        col["人员类别"]: "网格员/信息员",
        col["单位类型"]: "乡镇（街道）",
        col["所在区划"]: tree.township.code,
        col["手机号码"]: "13900001111",
        col["在岗"]: "是",
    }
    bad = {**ok, col["姓名"]: "王二", col["单位类型"]: "行业部门"}
    upload, _ = _workbook(client, "trainee", [ok, bad])
    text = client.post(reverse("training:trainee_import"), {"file": upload}).content.decode()
    assert "请选择所属部门" in text
    assert Trainee.objects.count() == before
