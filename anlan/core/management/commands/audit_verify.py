from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anlan.core.audit import checkpoints_path, verify_chain


class Command(BaseCommand):
    help = "校验审计链及其检查点：报告第一条被篡改、删除或插入的记录，以及截断或重算（audit-verify）"

    def add_arguments(self, parser):
        parser.add_argument("--checkpoints", help="检查点文件（默认 ANLAN_AUDIT_CHECKPOINTS）")

    def handle(self, *args, **options):
        path = options["checkpoints"]
        result = verify_chain(checkpoints_file=Path(path) if path else None)
        if result.ok:
            legacy = f"，其中 {result.legacy} 条为启用密钥前的旧记录" if result.legacy else ""
            where = path or checkpoints_path()
            anchored = (
                f"与 {result.checkpoints} 个检查点一致（{where}）"
                if result.checkpoints
                else f"尚无检查点（{where}；每日任务写入，或运行 anlan audit-checkpoint）"
            )
            self.stdout.write(f"审计链完整：共校验 {result.checked} 条记录{legacy}；{anchored}")
            return
        if result.broken_id is not None:
            raise CommandError(
                f"审计链在第 {result.broken_id} 号记录处断开：{result.reason}（此前 {result.checked} 条记录完好）"
            )
        raise CommandError(result.reason)
