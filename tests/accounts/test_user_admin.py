import pytest

from anlan.accounts.models import User
from anlan.core.models import AuditEntry
from anlan.testing.personas import persona


def form(tree, **overrides):
    data = {
        "username": "zhangsan",
        "display_name": "张三",
        "role": "township_operator",
        "region": tree.township.code,
        "is_active": "on",
        "new_password": "Anlan-Safe-2026",
        "confirm_password": "Anlan-Safe-2026",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_county_admin_creates_a_user_who_can_then_log_in(client, tree):
    client.force_login(persona("county_admin"))
    response = client.post("/accounts/user/add/", form(tree))
    assert response.status_code == 302, response.content.decode()[:1500]
    user = User.objects.get(username="zhangsan")
    assert user.check_password("Anlan-Safe-2026") and user.region_id == tree.township.code
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(user.pk), action="create")
    assert "pbkdf2" not in str(entry.after) and "md5" not in str(entry.after)
    assert entry.after["password"].startswith("指纹:")
    client.logout()
    assert client.post("/accounts/login/", {"username": "zhangsan", "password": "Anlan-Safe-2026"}).status_code == 302


@pytest.mark.django_db
def test_weak_or_mismatched_password_and_missing_scope_are_refused(client, tree):
    client.force_login(persona("county_admin"))
    response = client.post("/accounts/user/add/", form(tree, new_password="abc", confirm_password="abc"))
    assert response.status_code == 400 and "密码长度至少为 8 个字符" in response.content.decode()
    response = client.post("/accounts/user/add/", form(tree, confirm_password="Other-Pass-2026"))
    assert "两次输入的密码不一致" in response.content.decode()
    response = client.post("/accounts/user/add/", form(tree, role="department_operator"))
    assert "须指定所属部门" in response.content.decode()
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.django_db
def test_password_reset_is_audited_and_blank_password_keeps_it(client, tree):
    user = persona("viewer")
    client.force_login(persona("county_admin"))
    data = form(tree, username="viewer", role="viewer", region=tree.county.code, new_password="", confirm_password="")
    assert client.post(f"/accounts/user/{user.pk}/edit/", {**data, "display_name": "领导"}).status_code == 302
    user.refresh_from_db()
    assert user.display_name == "领导" and user.check_password("Test-Pass-2026")
    data.update(display_name="领导", new_password="New-Pass-2026!", confirm_password="New-Pass-2026!")
    assert client.post(f"/accounts/user/{user.pk}/edit/", data).status_code == 302
    entry = (
        AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk), action="update")
        .order_by("id")
        .last()
    )
    # A reset password is the administrator's: the user must change it at next login.
    assert set(entry.after) == {"password", "must_change_password", "password_changed_at"}
    assert entry.after["must_change_password"] is True and entry.after["password"].startswith("指纹:")


@pytest.mark.django_db
def test_only_county_admins_manage_users_and_no_import(client, tree):
    client.force_login(persona("township_officer"))
    assert client.get("/accounts/user/").status_code == 403
    assert client.post("/accounts/user/add/", form(tree)).status_code == 403
    client.force_login(persona("county_admin"))
    assert client.get("/accounts/user/import/").status_code == 404
    assert "Excel 导入" not in client.get("/accounts/user/").content.decode()
