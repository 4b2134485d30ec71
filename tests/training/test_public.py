"""The public 科普 page (/p/kepu/): no login, public materials only, filters by hazard and audience; files served
through the checked upload serving, a non-public material's file never."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from anlan.core.errors import DomainError
from anlan.testing.personas import persona
from anlan.training import services
from anlan.training.models import Material

pytestmark = pytest.mark.django_db


def _png(name="poster.png"):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _material(tree, title, *, public, topic="flood", kind="image", audience="", upload=None, **extra):
    m = Material(title=title, kind=kind, topic=topic, audience=audience, is_public=public, region=tree.county, **extra)
    return services.material_create(actor=persona("county_operator"), material=m, upload=upload)


def test_the_public_page_shows_only_public_materials_and_filters(client, tree):
    shown = _material(tree, "山洪避险挂图", public=True, upload=_png())
    _material(tree, "内部培训课件（未公开）", public=False, upload=_png())
    _material(
        tree,
        "森林防火宣传片",
        public=True,
        topic="forest_fire",
        kind="video",
        video_url="https://www.example.cn/v/1",
        audience="grid",
    )
    page = client.get(reverse("kepu")).content.decode()
    assert "山洪避险挂图" in page and "森林防火宣传片" in page
    assert "内部培训课件" not in page
    flood = client.get(reverse("kepu"), {"topic": "flood"}).content.decode()
    assert "山洪避险挂图" in flood and "森林防火宣传片" not in flood
    grid = client.get(reverse("kepu"), {"audience": "grid"}).content.decode()
    assert "森林防火宣传片" in grid and "山洪避险挂图" not in grid
    public = client.get(reverse("kepu"), {"audience": "public"}).content.decode()
    assert "山洪避险挂图" in public and "森林防火宣传片" not in public
    file = client.get(reverse("kepu_file", args=[shown.pk]))
    assert file.status_code == 200 and file["Content-Type"] == "image/png"
    assert file["X-Content-Type-Options"] == "nosniff"


def test_a_private_materials_file_is_not_served_publicly(client, tree):
    private = _material(tree, "内部资料", public=False, upload=_png())
    assert client.get(reverse("kepu_file", args=[private.pk])).status_code == 404
    client.force_login(persona("county_operator"))
    assert client.get(reverse("training:material_file", args=[private.pk])).status_code == 200


def test_uploads_are_checked_by_content(tree):
    fake = SimpleUploadedFile("slides.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(DomainError, match="只接受"):
        _material(tree, "伪装文件", public=True, kind="document", upload=fake)
    with pytest.raises(DomainError, match="文档素材只接受"):
        _material(tree, "图片当文档", public=True, kind="document", upload=_png())
    with pytest.raises(DomainError, match="请选择要上传的文件"):
        _material(tree, "无文件", public=True, kind="image")
    with pytest.raises(Exception, match="https"):
        _material(tree, "明文视频", public=True, kind="video", video_url="http://www.example.cn/v/2")
    assert not Material.objects.filter(title__in=["伪装文件", "图片当文档", "无文件", "明文视频"]).exists()


def test_the_public_page_works_without_login_on_a_phone_layout(client):
    page = client.get(reverse("kepu"))
    assert page.status_code == 200
    assert 'name="viewport"' in page.content.decode()
