import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from anlan.monitoring.mqtt import run_subscriber


class Command(BaseCommand):
    help = "单独运行 MQTT 监测数据订阅（主题 anlan/readings/<设备编码>）"

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="缺省为 ANLAN_MQTT_URL，如 mqtt://127.0.0.1:1883")

    def handle(self, *args, **o):
        url = o["url"] or settings.ANLAN_MQTT_URL
        if not url:
            raise CommandError("请设置 ANLAN_MQTT_URL 或 --url")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *a: stop.set())
        signal.signal(signal.SIGINT, lambda *a: stop.set())
        self.stdout.write(f"订阅 {url} 主题 anlan/readings/+ （Ctrl+C 停止）")
        run_subscriber(stop, url=url)
