from django.core.management.base import BaseCommand, CommandError

from anlan.accounts.models import User
from anlan.accounts.services import token_create


class Command(BaseCommand):
    help = "为用户创建 API 令牌，仅在标准输出打印令牌本身（一行）"

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--label", default="命令行创建")
        parser.add_argument(
            "--days", type=int, default=None, help="有效天数（默认 ANLAN_API_TOKEN_DAYS，即90天；0 表示不过期）"
        )

    def handle(self, *args, **o):
        user = User.objects.filter(username=o["name"]).first()
        if user is None:
            raise CommandError(f"用户不存在：{o['name']}")
        key = token_create(actor="命令行", user=user, name=o["label"], days=o["days"])
        self.stdout.write(key)
