import signal
import threading

from django.core.management.base import BaseCommand

from anlan.notify.outbox import run_worker


class Command(BaseCommand):
    help = "运行后台发送进程（预警发送队列）；可多开，进程被杀后未完成的发送由其他进程接手"

    def handle(self, *args, **options):
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *a: stop.set())
        signal.signal(signal.SIGINT, lambda *a: stop.set())
        self.stdout.write("发送进程已启动（Ctrl+C 停止）")
        run_worker(stop)
