"""`anlan worker`: the background workers without the web server — the outbox (sending) and the scheduler
(core.schedule) — for deployments that run them apart from `anlan serve` (with Redis, or several machines
on PostgreSQL). Any number may run: the outbox leases its deliveries and each scheduled job runs once per
period. SIGINT/SIGTERM finish the work in hand and exit 0.

It runs every service registered in core.embedded as a worker, so an app adds background work by
registering a service, not by editing this command.
"""

import signal
import threading

from django.core.management.base import BaseCommand

from anlan.core import embedded


class Command(BaseCommand):
    help = "运行后台进程（预警发送队列与定时任务）；可多开：未完成的发送由其他进程接手，定时任务每周期只运行一次"

    def handle(self, *args, **options):
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *a: stop.set())
        signal.signal(signal.SIGINT, lambda *a: stop.set())
        services = embedded.start_all("worker")
        names = "、".join(service.name for service, _, _ in services)
        self.stdout.write(f"后台进程已启动：{names}（Ctrl+C 停止）")
        self.stdout.flush()  # a supervisor (or a test) reading a redirected log sees the start at once
        try:
            while not stop.wait(1):
                pass
        finally:
            embedded.stop_all(services)
