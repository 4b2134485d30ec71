"""The browser draws date and file controls in its own language ("mm/dd/yyyy", "Choose File", "No file chosen"):
Anlan writes Chinese around them — 格式：年-月-日 after a date input, a 选择文件 button and 未选择文件 (then the
chosen names, behaviours.js) over a transparent file input — in every form (the widget templates) and in the
hand-written inputs (core.templatetags.form_hints), whatever language the browser asks for."""

import re

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template

from anlan.core.widgets import DateOnly, DateTimeLocal
from anlan.testing.personas import persona


class Dates(forms.Form):
    day = forms.DateField(widget=DateOnly())
    moment = forms.DateTimeField(widget=DateTimeLocal())
    typed = forms.DateField()  # a text input: the locale's formats, no browser control to explain


class Files(forms.Form):
    plain = forms.FileField(widget=forms.FileInput(attrs={"accept": ".xlsx"}))
    kept = forms.FileField(required=False)


def test_date_controls_say_their_format_in_chinese_and_text_inputs_do_not():
    html = str(Dates())
    day = re.search(r'<input type="date" name="day"[^>]*>\s*(<span class="input-hint">[^<]*</span>)', html)
    assert day and day.group(1) == '<span class="input-hint">格式：年-月-日</span>'
    moment = r'type="datetime-local" name="moment"[^>]*>\s*<span class="input-hint">格式：年-月-日 时:分</span>'
    assert re.search(moment, html)
    assert html.count("input-hint") == 2  # not after the text input


def test_a_file_field_renders_the_chinese_button_and_state_around_the_input():
    html = str(Files())
    pick = re.findall(r'<span class="file-pick">(<input type="file" name="(\w+)"[^>]*>)(.*?)</span></span>', html)
    assert [name for _, name, _ in pick] == ["plain", "kept"]
    for _, _, rest in pick:
        assert '<span class="file-button" aria-hidden="true">选择文件</span>' in rest
        assert 'data-none="未选择文件" aria-live="polite">未选择文件' in rest
    assert 'accept=".xlsx"' in pick[0][0] and "required" in pick[0][0]


def test_a_stored_file_is_named_but_never_written_into_the_input():
    class Stored:
        url = "/media/plans/2026/预案.docx"

        def __str__(self):
            return "预案.docx"

    html = Files(initial={"kept": Stored()})["kept"].as_widget()
    assert '<a href="/media/plans/2026/预案.docx">预案.docx</a>' in html
    assert re.search(r'<input type="file" name="kept" id="id_kept">', html)  # no value attribute
    assert "未选择文件" in html


def test_the_tags_for_hand_written_inputs():
    html = Template(
        '{% load form_hints %}<input type="date" name="d">{% input_hint "date" %}{% input_hint "text" %}'
        '{% file_input "photos" id="id_photos" accept="image/*" multiple=True %}'
        '{% file_input "evidence" aria_label="佐证材料" required=False %}'
    ).render(Context())
    assert '<input type="date" name="d"><span class="input-hint">格式：年-月-日</span><span' in html
    assert '<input type="file" name="photos" id="id_photos" accept="image/*" multiple>' in html
    assert '<input type="file" name="evidence" aria-label="佐证材料">' in html
    assert html.count(">选择文件</span>") == 2 and html.count(">未选择文件</span>") == 2


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en-US,en;q=0.9", "zh-CN,zh;q=0.9"])
def test_pages_read_chinese_around_the_controls_in_an_english_browser(client, tree, language):
    client.force_login(persona("county_admin"))
    form = client.get("/flood/floodseason/add/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert re.search(r'type="date" name="start"[^>]*>\s*<span class="input-hint">格式：年-月-日</span>', form)
    upload = client.get("/flood/dike/import/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert re.search(r'<span class="file-pick"><input type="file" name="file"[^>]*required>', upload)
    assert ">选择文件</span>" in upload and ">未选择文件</span>" in upload


@pytest.mark.django_db
def test_an_upload_through_the_new_markup_still_arrives(client, tree):
    """The kit's Excel import reads the same field name from the re-drawn control."""
    client.force_login(persona("county_admin"))
    response = client.post("/flood/dike/import/", {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert response.status_code == 400 and "上传并导入" in response.content.decode()
