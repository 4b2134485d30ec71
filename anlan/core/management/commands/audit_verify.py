from django.core.management.base import BaseCommand, CommandError

from anlan.core.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计链：报告第一条被篡改、删除或插入的记录（audit-verify）"

    def handle(self, *args, **options):
        result = verify_chain()
        if result.ok:
            self.stdout.write(f"审计链完整：共校验 {result.checked} 条记录")
            return
        raise CommandError(
            f"审计链在第 {result.broken_id} 号记录处断开：{result.reason}（此前 {result.checked} 条记录完好）"
        )
