import pytest

from anlan.testing.personas import persona


@pytest.mark.django_db
def test_no_base_tiles_by_default(client, tree):
    client.force_login(persona("viewer"))
    response = client.get("/geo/map/")
    assert response.context["tiles"] is None
    assert "未配置底图" in response.content.decode()
    assert client.get("/tiles/1/0/0.png").status_code == 404


@pytest.mark.django_db
def test_offline_tile_folder_is_served_and_nothing_else(client, tree, settings, tmp_path):
    (tmp_path / "3" / "6").mkdir(parents=True)
    (tmp_path / "3" / "6" / "3.png").write_bytes(b"\x89PNG tile")
    (tmp_path / "secret.txt").write_text("no")
    settings.ANLAN_TILE_DIR = str(tmp_path)
    client.force_login(persona("viewer"))
    assert client.get("/geo/map/").context["tiles"]["url"] == "/tiles/{z}/{x}/{y}.png"
    response = client.get("/tiles/3/6/3.png")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"\x89PNG tile"
    assert client.get("/tiles/secret.txt").status_code == 404
    assert client.get("/tiles/3/6/../../secret.txt").status_code == 404
    assert client.get("/tiles/3/6/4.png").status_code == 404


@pytest.mark.django_db
def test_region_editing_is_for_county_admins(client, tree):
    client.force_login(persona("township_officer"))
    assert client.get(f"/geo/region/{tree.village.code}/").status_code == 200
    assert client.get(f"/geo/region/{tree.village.code}/edit/").status_code == 403
    client.force_login(persona("county_admin"))
    data = {"code": tree.village.code, "name": "新名称村", "level": "village", "parent": tree.township.code}
    response = client.post(f"/geo/region/{tree.village.code}/edit/", data)
    assert response.status_code == 302
    tree.village.refresh_from_db()
    assert tree.village.name == "新名称村"
    assert tree.village.boundary is not None  # the form does not touch the boundary
