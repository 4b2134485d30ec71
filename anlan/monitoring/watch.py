"""The offline watch inside `anlan serve`: every minute, sensors silent longer than their offline rule
open an offline alarm (data arriving closes it again, in the ingest path)."""

import logging
import threading

from django.db import close_old_connections

from anlan.core.embedded import EmbeddedService, register_service

log = logging.getLogger(__name__)


def watch(stop: threading.Event, interval: float = 60.0) -> None:
    from .services import offline_check

    while not stop.is_set():
        try:
            offline_check()
        except Exception:
            log.exception("offline check failed")
        finally:
            close_old_connections()
        stop.wait(interval)


register_service(EmbeddedService("monitoring-watch", watch))
