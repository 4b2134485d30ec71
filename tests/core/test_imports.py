"""Background Excel imports (core.imports): the job page and its progress, the row-by-row report of a failed
job with nothing written, one worker per job, a user's own jobs only, workers that died."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from anlan.core import imports
from anlan.core.embedded import services_for
from anlan.core.models import ImportJob
from anlan.registry.models import Person
from anlan.testing.helpers import xlsx_upload
from anlan.testing.personas import persona

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("background_above_three_rows")]

HEADER = ["姓名", "所属区划", "手机号码", "责任类型"]


@pytest.fixture
def background_above_three_rows():
    with override_settings(ANLAN_IMPORT_BACKGROUND_ROWS=3):
        yield


def rows(tree, n, prefix="后台"):
    return [HEADER] + [[f"{prefix}{i}", tree.village.code, f"1370000{i:04d}", "网格员"] for i in range(n)]


def submit(client, user, table):
    client.force_login(user)
    response = client.post("/registry/person/import/", {"file": xlsx_upload(table)})
    assert response.status_code == 302, response.content.decode()[:300]
    return response.url, ImportJob.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))


def test_small_files_are_still_imported_within_the_request(client, tree):
    client.force_login(persona("township_officer"))
    response = client.post("/registry/person/import/", {"file": xlsx_upload(rows(tree, 3, "当场"))})
    assert response.status_code == 302 and response.url == "/registry/person/"
    assert Person.objects.filter(name__startswith="当场").count() == 3
    assert not ImportJob.objects.exists()


def test_job_page_shows_progress_polls_every_two_seconds_and_then_the_result(client, tree):
    url, job = submit(client, persona("township_officer"), rows(tree, 5))
    page = client.get(url).content.decode()
    assert "排队中" in page
    assert 'hx-trigger="every 2s"' in page and f'hx-get="{url}"' in page
    assert "vendor/htmx/htmx.min.js" in page and "<script>" not in page  # CSP: no inline script
    assert job.status == "queued" and not Person.objects.filter(name__startswith="后台").exists()

    seen = []
    job = imports.claim_next("test-worker")
    imports.run(job, observer=lambda phase, done, total: seen.append((phase, done, total)))
    assert seen[-1] == ("write", 5, 5)

    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "导入成功：新增 5 条，修改 0 条" in fragment
    assert "hx-trigger" not in fragment  # finished: the page stops polling
    assert "<html" not in fragment  # htmx swaps only the status block
    assert Person.objects.filter(name__startswith="后台", duty_roles__code="grid_worker").count() == 5
    assert "新增 5 条" in client.get("/registry/person/import/").content.decode()  # recent imports


def test_running_job_shows_its_rows(client, tree):
    url, job = submit(client, persona("township_officer"), rows(tree, 5))
    ImportJob.objects.filter(pk=job.pk).update(status="running", phase="validate", rows_done=2, rows_total=5)
    page = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "正在校验：2 / 5 行" in page and 'value="40"' in page and 'hx-trigger="every 2s"' in page


def test_failed_job_writes_nothing_and_lists_each_row_error(client, tree):
    table = rows(tree, 6, "失败")
    table[3][2] = "12345"  # excel row 4: bad phone
    table[6][1] = "999999999999"  # excel row 7: unknown region
    url, job = submit(client, persona("township_officer"), table)
    job = imports.run(imports.claim_next("test-worker"))
    assert job.status == "failed" and job.error_count == 2
    assert not Person.objects.filter(name__startswith="失败").exists()
    page = client.get(url).content.decode()
    assert "导入失败，未写入任何数据。共 2 处错误" in page
    assert "第 4 行" in page and "手机号码" in page
    assert "第 7 行" in page and "不存在或不在您的管辖范围内" in page
    assert not job.file


def test_the_uploaders_scope_applies_in_the_background(client, tree):
    table = rows(tree, 4, "越界")
    table[2][1] = tree.other_village.code  # excel row 3: another township's village
    _, job = submit(client, persona("township_officer"), table)
    job = imports.run(imports.claim_next("test-worker"))
    assert job.status == "failed"
    assert any(e[0] == 3 and "不在您的管辖范围内" in e[2] for e in job.errors)
    assert not Person.objects.filter(name__startswith="越界").exists()


def test_a_second_worker_cannot_claim_a_job_already_claimed(client, tree):
    _, job = submit(client, persona("township_officer"), rows(tree, 4))
    assert imports.claim(job.pk, "worker-1")
    assert not imports.claim(job.pk, "worker-2")
    assert imports.claim_next("worker-2") is None
    job.refresh_from_db()
    assert job.status == "running" and job.worker == "worker-1"


def test_users_see_only_their_own_jobs(client, tree):
    url, job = submit(client, persona("township_officer"), rows(tree, 4))
    client.force_login(persona("county_operator"))
    assert client.get(url).status_code == 404
    assert list(ImportJob.objects.restrict(persona("county_operator"))) == []
    assert list(ImportJob.objects.restrict(persona("township_officer"))) == [job]
    assert list(ImportJob.objects.restrict(persona("township_officer"), "change")) == []


def test_a_job_whose_worker_died_is_failed_and_says_to_upload_again(client, tree):
    _, job = submit(client, persona("township_officer"), rows(tree, 4))
    imports.claim(job.pk, "dead-worker")
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=11))
    assert imports.fail_stale() == 1
    job.refresh_from_db()
    assert job.status == "failed" and "请重新上传" in job.errors[0][2]


def test_only_xlsx_files_become_jobs(client, tree):
    client.force_login(persona("township_officer"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("名单.xlsx", b"PK\x03\x04" + b"\x00" * 100)
    response = client.post("/registry/person/import/", {"file": fake})
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_the_import_worker_runs_in_serve_and_worker():
    assert "imports" in {s.name for s in services_for("worker")}
