"""Excel imports in the background (issue 12 finding 4: a 300,000-row import locked the whole app).

A file with more than ANLAN_IMPORT_BACKGROUND_ROWS data rows is not imported within the request: it is
checked (core.uploads: type from content, size), stored in the data dir, and an ImportJob row is queued.
The `imports` worker service (run by `anlan serve` and `anlan worker`) claims a queued job with one
UPDATE … WHERE status='queued' (so two workers never run one job), runs the same import as the page
does with the uploader's scope, writes its progress to the row as it goes (the page polls it) and, at
the end, the counts or the row-by-row error report. The stored file is deleted when the job ends.
"""

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from . import excel, uploads
from .audit import audit_record
from .embedded import EmbeddedService, register_service
from .kit import ModelConfig, config_for
from .models import ImportJob
from .roles import role_allows

log = logging.getLogger(__name__)

# The row keeps at most this many errors (a 50,000-row file that is wrong everywhere would otherwise
# store and render megabytes); the page says how many there were in all.
MAX_STORED_ERRORS = 1000
# A running job that has reported nothing for this long belongs to a worker that died.
STALE_AFTER = dt.timedelta(minutes=10)
# Progress is written to the job row at most this often.
PROGRESS_SECONDS = 0.5

Status = ImportJob.Status


def submit(config: ModelConfig, upload, user) -> ImportJob:
    """Store a checked .xlsx upload and queue its import. UploadRejected / ImportRejected on a bad file."""
    excel.check_upload(upload)
    checked = uploads.check_upload(upload, images_only=False)
    if checked.extension != "xlsx":
        raise uploads.UploadRejected("只接受 Excel 2007 及以上格式（.xlsx）文件")
    job = ImportJob.objects.create(
        uploader_id=user.pk,
        model_label=config.model._meta.label_lower,
        file=checked.as_file(),
        file_name=checked.display_name,
    )
    audit_record(
        action="import_queued",
        obj=job,
        actor=user,
        after={"model": job.model_label, "file": job.file_name},
    )
    return job


def claim(job_id: int, worker: str) -> bool:
    """Take a queued job for `worker`: the one UPDATE that only one worker can win."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, worker=worker[:64], started_at=now, heartbeat_at=now
    )
    return claimed == 1


def claim_next(worker: str) -> ImportJob | None:
    """The oldest queued job, claimed for `worker`; None when there is none (or others won them all)."""
    for job_id in ImportJob.objects.filter(status=Status.QUEUED).order_by("id").values_list("pk", flat=True)[:10]:
        if claim(job_id, worker):
            return ImportJob.objects.get(pk=job_id)
    return None


class _Reporter:
    """excel.import_workbook's progress callback: writes the job row (throttled), then tells `observer`."""

    def __init__(self, job: ImportJob, observer: Callable | None):
        self.job = job
        self.observer = observer
        self.last = (None, 0.0)

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase != self.last[0] or now - self.last[1] >= PROGRESS_SECONDS:
            fields = {"phase": phase, "rows_done": done, "heartbeat_at": timezone.now()}
            if total:
                fields["rows_total"] = total
            # Autocommit: each progress write is its own tiny transaction, never the import's lock.
            ImportJob.objects.filter(pk=self.job.pk).update(**fields)
            self.last = (phase, now)
        if self.observer is not None:
            self.observer(phase, done, total)


def run(job: ImportJob, observer: Callable | None = None) -> ImportJob:
    """Run a claimed job to its end. The uploader's role and scope apply, checked again now."""
    job.refresh_from_db(fields=["worker"])  # the claim's worker: the outcome is recorded as its own
    config = _config(job.model_label)
    user = get_user_model().objects.filter(pk=job.uploader_id).first()
    if not _may_import(user, config):
        result = excel.ImportResult(errors=[excel.RowError(0, "文件", "导入人已无权导入此台账，未写入任何数据")])
    else:
        try:
            with job.file.open("rb") as handle:
                result = excel.import_workbook(config, handle, user, _Reporter(job, observer))
        except Exception:
            log.exception("import job %s failed", job.pk)
            result = excel.ImportResult(
                errors=[excel.RowError(0, "文件", "导入时发生内部错误，未写入任何数据；请联系系统管理员")]
            )
    return _finish(job, result)


def _may_import(user, config: ModelConfig | None) -> bool:
    if config is None or config.read_only or user is None or not user.is_active:
        return False
    return role_allows(user, "add", config.model)


def _config(model_label: str) -> ModelConfig | None:
    try:
        return config_for(apps.get_model(model_label))
    except (LookupError, KeyError, ValueError):
        return None


def _finish(job: ImportJob, result: excel.ImportResult, *, only_if_stale_before=None) -> ImportJob:
    """Record the outcome. The worker that ran the import always records what happened (its transaction
    committed or not), even after the stale watch gave up on it; the stale watch records a failure only on
    a job still running and still silent (`only_if_stale_before`), never over a finished one."""
    errors = [[e.row, e.column, e.message] for e in result.errors[:MAX_STORED_ERRORS]]
    target = ImportJob.objects.filter(pk=job.pk)
    if only_if_stale_before is not None:
        target = target.filter(status=Status.RUNNING, heartbeat_at__lt=only_if_stale_before)
    else:
        target = target.filter(worker=job.worker)
    updated = target.update(
        status=Status.DONE if result.ok else Status.FAILED,
        created_count=result.created,
        updated_count=result.updated,
        errors=errors,
        error_count=len(result.errors),
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    if updated:
        _delete_file(job)
    job.refresh_from_db()
    return job


def _delete_file(job: ImportJob) -> None:
    """The file holds personal data (phones, ID numbers): it is kept only until its import ends."""
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def fail_stale(now: dt.datetime | None = None) -> int:
    """Jobs whose worker died mid-run: failed, so the user is told to upload again (the import's one
    transaction was rolled back with the process, so nothing of them was written)."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    stale = list(ImportJob.objects.filter(status=Status.RUNNING, heartbeat_at__lt=cutoff))
    for job in stale:
        message = "导入中断（执行进程已停止），未写入任何数据；请重新上传"
        _finish(job, excel.ImportResult(errors=[excel.RowError(0, "文件", message)]), only_if_stale_before=cutoff)
    return len(stale)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def run_worker(stop: threading.Event, *, idle_seconds: float = 1.0) -> None:
    """Run queued imports one after another until stopped."""
    name = worker_name()
    while not stop.is_set():
        job = None
        try:
            fail_stale()
            job = claim_next(name)
            if job is not None:
                run(job)
        except Exception:
            log.exception("import worker round failed")
        finally:
            connections.close_all()
        if job is None:
            stop.wait(idle_seconds)


register_service(EmbeddedService("imports", run_worker))
