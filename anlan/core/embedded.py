"""Background services run beside the web server by `anlan serve`, and on their own by `anlan worker`.

An app registers a service; each runs in a daemon thread until its stop event is set. A *worker* service
(the outbox, the scheduler) runs in `anlan worker`, and in `anlan serve` too unless
ANLAN_EMBEDDED_WORKER=false (the web tier of a deployment whose `anlan worker` processes do that work).
Other services (the MQTT subscriber, which has its own `anlan mqtt-subscribe`) run in `serve` only.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.conf import settings


@dataclass
class EmbeddedService:
    name: str
    run: Callable[[threading.Event], None]  # runs until the event is set
    enabled: Callable[[], bool] = lambda: True
    worker: bool = True  # a background worker: also run by `anlan worker`


_SERVICES: list[EmbeddedService] = []


def register_service(service: EmbeddedService) -> None:
    _SERVICES.append(service)


def services_for(command: Literal["serve", "worker"]) -> list[EmbeddedService]:
    if command == "worker":
        return [s for s in _SERVICES if s.worker and s.enabled()]
    return [s for s in _SERVICES if s.enabled() and (settings.ANLAN_EMBEDDED_WORKER or not s.worker)]


Running = list[tuple[EmbeddedService, threading.Thread, threading.Event]]


def chosen_services(*, only: list[str], include_serve_only: bool) -> list[EmbeddedService]:
    """The services `anlan worker` runs: the worker ones (and with `include_serve_only` the serve-only ones,
    such as the MQTT subscriber), limited to `only` when it names any. An unknown name is refused, listing
    the known ones, so a unit file with a typo fails at start rather than running nothing."""
    known = {s.name for s in _SERVICES}
    unknown = [name for name in only if name not in known]
    if unknown:
        raise ValueError(f"未知的后台服务：{'、'.join(unknown)}（可选：{'、'.join(sorted(known))}）")
    services = [s for s in _SERVICES if s.enabled() and (s.worker or include_serve_only)]
    if only:
        services = [s for s in _SERVICES if s.name in only and s.enabled()]
    return services


def start_all(command: Literal["serve", "worker"] = "serve") -> Running:
    return start_services(services_for(command))


def start_services(services: list[EmbeddedService]) -> Running:
    running = []
    for service in services:
        stop = threading.Event()
        thread = threading.Thread(target=service.run, args=(stop,), name=service.name, daemon=True)
        thread.start()
        running.append((service, thread, stop))
    return running


def stop_all(running) -> None:
    for _, _, stop in running:
        stop.set()
    for _, thread, _ in running:
        thread.join(timeout=30)
    running.clear()
