"""A hidden hazard's 详情 page shows its photos (thumbnails opening the stored file through the checked
photo URL) and its history, step by step."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anlan.hazards import services
from anlan.hazards.models import HazardPhoto, HiddenHazard
from anlan.testing.personas import persona
from tests.hazards.test_pages import PNG, form


@pytest.mark.django_db
def test_detail_shows_photos_and_history(client, tree):
    client.force_login(persona("village_grid_worker"))
    client.post("/hazards/report/", {**form(tree), "photo": SimpleUploadedFile("a.png", PNG, content_type="image/png")})
    hazard = HiddenHazard.objects.get(title="山坡滚石")
    officer = persona("township_officer")
    services.hazard_transition(actor=officer, hazard=hazard, action="assign", comment="三日内清理", responsible="李四")
    photo = HazardPhoto.objects.get(hazard=hazard)

    client.force_login(officer)
    page = client.get(f"/hazards/hiddenhazard/{hazard.pk}/").content.decode()
    url = f"/hazards/photo/{photo.pk}/"
    assert re.search(rf'<a href="{url}"[^>]*><img class="thumb" src="{url}" alt="整改前照片"', page)
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"

    history = re.search(r"<h2>处理记录</h2>\s*<table.*?</table>", page, re.S).group(0)
    rows = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", history, re.S)[1:]]
    assert [r[1] for r in rows] == ["上报", "交办整改"]
    assert rows[1][2] == "已上报 → 整改中" and rows[1][3] == officer.username and rows[1][4] == "三日内清理"
    assert rows[0][3] == persona("village_grid_worker").username


@pytest.mark.django_db
def test_a_hazard_without_photos_says_so(client, tree):
    client.force_login(persona("township_officer"))
    client.post("/hazards/report/", form(tree))
    hazard = HiddenHazard.objects.get(title="山坡滚石")
    page = client.get(f"/hazards/hiddenhazard/{hazard.pk}/").content.decode()
    assert re.search(r"<h2>照片</h2>\s*<p class=\"muted\">暂无</p>", page)
    assert "<h2>处理记录</h2>" in page
