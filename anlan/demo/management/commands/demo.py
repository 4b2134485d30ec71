from django.core.management import call_command
from django.core.management.base import BaseCommand

from anlan.demo.loader import is_loaded, load_demo, saved_logins

from .load_demo import print_logins


class Command(BaseCommand):
    help = "首次运行：迁移数据库、加载演示县、创建演示用户，然后启动服务；之后直接启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")

    def handle(self, *args, **o):
        call_command("migrate", interactive=False, verbosity=0)
        if not is_loaded():
            self.stdout.write("首次运行：正在加载演示县 500237 巫山县 …")
            result = load_demo()
            self.stdout.write(result.summary())
        logins = saved_logins()
        self.stdout.write(f"\n安澜已就绪：http://{o['host']}:{o['port']}/")
        if logins:
            print_logins(self.stdout, logins)
        if not o["no_serve"]:
            call_command("serve", host=o["host"], port=o["port"])
