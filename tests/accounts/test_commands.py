import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anlan.accounts.models import ApiToken, User
from anlan.cli import command_argv


@pytest.mark.django_db
def test_create_user_with_unknown_region_fails_clearly_and_writes_nothing():
    with pytest.raises(CommandError, match="区划不存在：500237999000"):
        call_command("create_user", "newbie", password="Good-Pass-1", role="viewer", region="500237999000")
    assert not User.objects.filter(username="newbie").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [("short1A", "至少"), ("alllowercase", "至少 3 类"), ("password123", "至少 3 类")],
)
def test_password_policy(password, message, tree):
    with pytest.raises(CommandError, match=message):
        call_command("create_user", "weak", password=password, role="viewer", region=tree.county.code)


@pytest.mark.django_db
def test_create_user_and_token_commands(tree, client):
    argv = command_argv(["anlan", "create-user", "duty", "--password", "Night-Shift-2026", "--role", "county_operator"])
    assert argv[1] == "create_user" and argv[3] == "--password"
    call_command(argv[1], *argv[2:], "--region", tree.county.code, stdout=io.StringIO())
    stdout = io.StringIO()
    call_command("create_token", "duty", stdout=stdout)
    out = stdout.getvalue()
    lines = out.splitlines()
    assert len(lines) == 1 and len(lines[0]) == 40
    token = lines[0]
    assert not ApiToken.objects.filter(key_hash=token).exists()  # only the hash is stored
    response = client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert client.get("/api/v1/regions/", HTTP_AUTHORIZATION="Token nope").status_code == 401


@pytest.mark.django_db
def test_role_and_scope_requirements(tree):
    with pytest.raises(CommandError, match="须指定所属部门"):
        call_command("create_user", "d", password="Good-Pass-1", role="department_operator", region=tree.county.code)
    with pytest.raises(CommandError, match="未知角色"):
        call_command("create_user", "d", password="Good-Pass-1", role="boss", region=tree.county.code)
    out = io.StringIO()
    call_command(
        "create_user",
        "d",
        password="Good-Pass-1",
        role="department_operator",
        region=tree.county.code,
        department="500237-SL",
        stdout=out,
    )
    assert "行业部门人员" in out.getvalue()
