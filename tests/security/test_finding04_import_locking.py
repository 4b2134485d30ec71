"""Finding 4 (issue 12): a long Excel import locked SQLite and broke the whole app. A 300,000-row person
import held the write lock for ~50 s; other writes failed after 20 s.

Now a big file is imported by a background job that reads and validates it without any transaction and
then writes in one short one; meanwhile other users' writes go through without waiting. A file above the
row cap is refused with a message naming the cap and its own row count, and nothing is written."""

import threading
import time

import pytest
from django.db import connections
from django.test import override_settings

from anlan.bench.imports import person_workbook
from anlan.core import imports, services
from anlan.core.models import ImportJob
from anlan.registry.models import Person
from anlan.testing.helpers import xlsx_upload
from anlan.testing.personas import persona

ROWS = 20_000


def _upload(villages, rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("责任人.xlsx", person_workbook(villages, rows).getvalue())


@pytest.mark.django_db(transaction=True)
def test_finding04_big_import_runs_in_background_and_other_writes_do_not_wait(client, demo_data):
    tree = demo_data
    officer = persona("county_operator")
    client.force_login(officer)
    response = client.post("/registry/person/import/", {"file": _upload([tree.village.code], ROWS)})
    assert response.status_code == 302, response.content.decode()[:500]
    job = ImportJob.objects.get(uploader_id=officer.pk)
    assert response.url.endswith(f"/registry/person/import/jobs/{job.pk}/")
    assert job.status == ImportJob.Status.QUEUED and not Person.objects.filter(name__startswith="导入0").exists()

    in_validation = threading.Event()
    other_write_done = threading.Event()

    def observer(phase, done, total):
        # Hold the import in its validation phase until the other user's write has been made.
        if phase == "validate" and done >= 2000 and not in_validation.is_set():
            in_validation.set()
            other_write_done.wait(60)

    def work():
        try:
            assert imports.claim(job.pk, "test-worker")
            imports.run(ImportJob.objects.get(pk=job.pk), observer)
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        assert in_validation.wait(120), "the import never reached its validation phase"
        start = time.perf_counter()
        other = Person(name="导入期间新建", region=tree.village, phone="13911112222")
        services.object_create(actor=persona("township_officer"), instance=other)
        waited = time.perf_counter() - start
    finally:
        other_write_done.set()
        worker.join(300)
    assert waited < 2, f"another user's write waited {waited:.1f} s for the import"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors[:5]
    assert job.created_count == ROWS
    assert Person.objects.filter(name__startswith="导入0").count() == ROWS
    assert Person.objects.filter(name="导入期间新建").exists()
    assert not job.file  # the uploaded file (phones) is not kept once imported


@pytest.mark.django_db
@override_settings(ANLAN_IMPORT_MAX_ROWS=5)
def test_finding04_a_file_above_the_row_cap_is_refused_naming_the_cap_and_its_rows(client, tree):
    client.force_login(persona("township_officer"))
    rows = [["姓名", "所属区划", "手机号码"]] + [[f"超限{i}", tree.village.code, f"1380000{i:04d}"] for i in range(7)]
    before = Person.objects.count()
    response = client.post("/registry/person/import/", {"file": xlsx_upload(rows)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "每次导入最多 5 行数据，本文件有 7 行" in page
    assert "未写入任何数据" in page
    assert Person.objects.count() == before


@pytest.mark.django_db
@override_settings(ANLAN_IMPORT_MAX_ROWS=5, ANLAN_IMPORT_BACKGROUND_ROWS=2)
def test_finding04_a_background_job_above_the_cap_fails_with_the_same_message(client, tree):
    officer = persona("township_officer")
    client.force_login(officer)
    rows = [["姓名", "所属区划", "手机号码"]] + [[f"超限{i}", tree.village.code, f"1380000{i:04d}"] for i in range(9)]
    response = client.post("/registry/person/import/", {"file": xlsx_upload(rows)})
    assert response.status_code == 302
    job = imports.claim_next("test") or pytest.fail("no job queued")
    job = imports.run(job)
    assert job.status == ImportJob.Status.FAILED
    assert "每次导入最多 5 行数据，本文件有 9 行" in client.get(response.url).content.decode()
    assert not Person.objects.filter(name__startswith="超限").exists()
