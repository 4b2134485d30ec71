"""What a look at every training page found (issue 19, screenshots at 1440 and 390 px, docs/img/training/): the
materials list's 新增 opened the registry's generic form (a URL name shared with the kit), which saves a document
without its file; the candidates page's hint read "请也可导出" when no SMS gateway is set."""

import pytest

from anlan.testing.personas import persona
from anlan.training.models import Material

from . import helpers

pytestmark = pytest.mark.django_db


def test_the_materials_add_button_opens_the_upload_page(client, tree):
    client.force_login(persona("county_operator"))
    listing = client.get("/training/material/").content.decode()
    assert 'href="/training/material/add/"' in listing
    page = client.get("/training/material/add/").content.decode()
    assert 'id="material-form"' in page and 'type="file" name="upload"' in page
    refused = client.post(
        "/training/material/add/",
        {"title": "无文件的文档", "kind": "document", "topic": "flood", "region": tree.county.pk},
    )
    assert refused.status_code == 400 and not Material.objects.filter(title="无文件的文档").exists()


def test_without_an_sms_gateway_the_candidates_page_says_how_to_send_the_links(client, tree, settings):
    settings.ANLAN_SMS_URL = ""
    exam = helpers.exam(tree.county, helpers.questions(tree.county), candidates=[helpers.trainee(tree.township)])
    client.force_login(persona("county_operator"))
    page = client.get(f"/training/exam/{exam.pk}/results/").content.decode()
    assert "本平台未配置短信网关，请导出成绩表（含全部链接）" in page and "请也可" not in page
    assert 'id="sms-form"' not in page
