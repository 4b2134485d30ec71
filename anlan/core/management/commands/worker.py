"""`anlan worker`: the background workers without the web server — the outbox (sending) and the scheduler
(core.schedule) — for deployments that run them apart from `anlan serve` (with Redis, or several machines
on PostgreSQL). Any number may run: the outbox leases its deliveries and each scheduled job runs once per
period. SIGINT/SIGTERM finish the work in hand and exit 0.

It runs every service registered in core.embedded as a worker, so an app adds background work by
registering a service, not by editing this command.

`--only outbox,imports` runs the named services alone (the deployment's worker and scheduler units, deploy/
systemd); `--all` adds the services that otherwise run only inside `anlan serve` (the MQTT subscriber): it is
the companion process `anlan serve --workers N` starts so that background work runs once, not per web process.
"""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from anlan.core import embedded


class Command(BaseCommand):
    help = "运行后台进程（预警发送队列与定时任务）；可多开：未完成的发送由其他进程接手，定时任务每周期只运行一次"

    def add_arguments(self, parser):
        parser.add_argument("--only", default="", help="只运行这些后台服务（逗号分隔，如 outbox,imports 或 scheduler）")
        parser.add_argument("--all", action="store_true", help="同时运行 MQTT 订阅（anlan serve 多进程时的后台进程）")

    def handle(self, *args, **options):
        only = [name.strip() for name in options["only"].split(",") if name.strip()]
        try:
            chosen = embedded.chosen_services(only=only, include_serve_only=options["all"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *a: stop.set())
        signal.signal(signal.SIGINT, lambda *a: stop.set())
        services = embedded.start_services(chosen)
        names = "、".join(service.name for service, _, _ in services)
        self.stdout.write(f"后台进程已启动：{names}（Ctrl+C 停止）")
        self.stdout.flush()  # a supervisor (or a test) reading a redirected log sees the start at once
        try:
            while not stop.wait(1):
                pass
        finally:
            embedded.stop_all(services)
