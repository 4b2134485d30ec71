"""`anlan serve`: the web UI and API on waitress (a production-grade pure-Python WSGI server).

In the embedded default the background workers (the outbox and the scheduler of core.schedule) and the
MQTT subscriber run in the same process group, as services registered in core.embedded
(ANLAN_EMBEDDED_WORKER=false leaves the workers to `anlan worker`). SIGINT/SIGTERM stop the services and
then the server.
"""

import signal
import sys

from django.core.management.base import BaseCommand

from anlan.core import embedded


class Command(BaseCommand):
    help = "启动 Web 界面与 API 服务（嵌入模式下同时运行后台任务与 MQTT 订阅）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, **o):
        from django.core.wsgi import get_wsgi_application
        from waitress.server import create_server

        services = embedded.start_all("serve")
        application = get_wsgi_application()
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
