from django.core.management.base import BaseCommand

from anlan.core.permission_table import permission_markdown


class Command(BaseCommand):
    help = "打印角色 × 模型 × 操作权限表（Markdown，docs/accounts.md 中的表由此生成）"

    def handle(self, *args, **options):
        self.stdout.write(permission_markdown())
