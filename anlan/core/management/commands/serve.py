"""`anlan serve`: the web UI and API on waitress (a production-grade pure-Python WSGI server), one process.

`--workers N` (N > 1, or ANLAN_WEB_WORKERS) runs N gunicorn processes instead, with the background work once
beside them (core/server.py says why and how).

In the embedded default the background workers (the outbox and the scheduler of core.schedule) and the
MQTT subscriber run in the same process group, as services registered in core.embedded
(ANLAN_EMBEDDED_WORKER=false leaves the workers to `anlan worker`). SIGINT/SIGTERM stop the services and
then the server.
"""

import os
import signal
import sys

from django.core.management.base import BaseCommand, CommandError

from anlan.core import embedded


class Command(BaseCommand):
    help = "启动 Web 界面与 API 服务（嵌入模式下同时运行后台任务与 MQTT 订阅）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=None, help="每个进程的线程数（默认：单进程 8，多进程 4）")
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("ANLAN_WEB_WORKERS", "1")),
            help="Web 进程数：1 为单进程（waitress，后台任务在同一进程）；大于 1 用 gunicorn 多进程",
        )

    def handle(self, *args, **o):
        if o["workers"] < 1:
            raise CommandError("--workers 至少为 1")
        if o["workers"] > 1:
            from anlan.core import server

            server.run(host=o["host"], port=o["port"], workers=o["workers"], threads=o["threads"] or 4)
            return
        o["threads"] = o["threads"] or 8
        from django.core.wsgi import get_wsgi_application
        from waitress.server import create_server

        services = embedded.start_all("serve")
        application = get_wsgi_application()
        from anlan.core.server import settle

        settle()
        server = create_server(application, host=o["host"], port=o["port"], threads=o["threads"], ident="anlan")

        def stop(signum, frame):
            self.stdout.write("正在停止 …")
            embedded.stop_all(services)
            server.close()
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"安澜服务运行于 http://{o['host']}:{o['port']}/ （Ctrl+C 停止）")
        try:
            server.run()
        finally:
            embedded.stop_all(services)
