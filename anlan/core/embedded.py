"""Services that `anlan serve` runs beside the web server in the embedded (one machine) mode.

An app registers a factory; `serve` starts each in a daemon thread and stops them on shutdown.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class EmbeddedService:
    name: str
    run: Callable[[threading.Event], None]  # runs until the event is set
    enabled: Callable[[], bool] = lambda: True


_SERVICES: list[EmbeddedService] = []


def register_service(service: EmbeddedService) -> None:
    _SERVICES.append(service)


def start_all() -> list[tuple[EmbeddedService, threading.Thread, threading.Event]]:
    running = []
    for service in _SERVICES:
        if not service.enabled():
            continue
        stop = threading.Event()
        thread = threading.Thread(target=service.run, args=(stop,), name=service.name, daemon=True)
        thread.start()
        running.append((service, thread, stop))
    return running


def stop_all(running) -> None:
    for _, _, stop in running:
        stop.set()
    for _, thread, _ in running:
        thread.join(timeout=10)
    running.clear()
