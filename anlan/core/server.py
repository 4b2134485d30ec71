"""`anlan serve --workers N` (N > 1): the web tier as N gunicorn processes, the background work once.

Why gunicorn: a pre-fork server kept by a large community, the one nginx deployments of Django use most; its
arbiter restarts a worker that dies or hangs past the timeout (a request stuck on a slow database no longer
holds the site), reloads gracefully on SIGHUP and stops gracefully on SIGTERM. The `gthread` worker gives
each process a few threads, so a process waiting on the database still answers. waitress stays for the
embedded single process (`anlan serve`, `make demo`): one process with its threads and the services inside.

The background services (the outbox, the scheduler, imports, the MQTT subscriber) must run once per
deployment, not once per web process. So the web processes start none. With ANLAN_EMBEDDED_WORKER true
(the all-in-one machine), the arbiter starts one companion `anlan worker --all` beside them — a separate
process started with fork+exec from `when_ready`, never threads in the arbiter, which forks — and stops it on
exit. With ANLAN_EMBEDDED_WORKER=false the deployment runs them as their own units (deploy/systemd).
"""

import gc
import os
import signal
import subprocess
import sys

from django.conf import settings
from gunicorn.app.base import BaseApplication

# Beyond this a request is a fault, not a slow page: the arbiter replaces the worker (exports and imports
# over 2,000 rows run as background jobs, core/imports.py, so no page legitimately takes longer).
WORKER_TIMEOUT = 120
GRACEFUL_TIMEOUT = 30


def companion_command() -> list[str]:
    return [sys.executable, "-m", "anlan", "worker", "--all"]


class AnlanServer(BaseApplication):
    def __init__(self, *, host: str, port: int, workers: int, threads: int, companion: bool):
        self.options = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "timeout": WORKER_TIMEOUT,
            "graceful_timeout": GRACEFUL_TIMEOUT,
            "proc_name": "anlan-web",
            # X-Forwarded-* are honoured only from the proxy (nginx on the same machine by default); Django
            # reads the client address through core.public with ANLAN_TRUSTED_PROXIES, the same list.
            "forwarded_allow_ips": ",".join(settings.ANLAN_TRUSTED_PROXIES) or "127.0.0.1",
            # Django is loaded in each worker after the fork: no database connection can be shared.
            "preload_app": False,
            "accesslog": "-" if settings.DEBUG else None,
            "errorlog": "-",
            "when_ready": self._when_ready if companion else None,
            "on_exit": self._on_exit if companion else None,
        }
        self._companion: subprocess.Popen | None = None
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if value is not None:
                self.cfg.set(key, value)

    def load(self):
        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()
        settle()
        return application

    def _when_ready(self, arbiter):
        self._companion = subprocess.Popen(companion_command(), env=os.environ.copy())
        arbiter.log.info("后台进程已随 Web 服务启动（pid %s）", self._companion.pid)

    def _on_exit(self, arbiter):
        child = self._companion
        if child is None or child.poll() is not None:
            return
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=GRACEFUL_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()


def settle() -> None:
    """Before a web process serves: import everything a request would (every app's URLs, views, API and
    serializers), then freeze what is loaded. The ~200,000 long-lived objects of Django and the apps then sit
    outside the cyclic garbage collector, which otherwise walked them at every full collection: 1–1.5 ms of
    an API list request's CPU on this machine (scripts/profile_api.py, issue 21)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 — imports every URLconf and what it names
    gc.collect()
    gc.freeze()


def run(*, host: str, port: int, workers: int, threads: int) -> None:
    AnlanServer(host=host, port=port, workers=workers, threads=threads, companion=settings.ANLAN_EMBEDDED_WORKER).run()
