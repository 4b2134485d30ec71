from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anlan.core import backup
from anlan.core.audit import current_actor


class Command(BaseCommand):
    help = (
        "备份数据库、上传文件、审计检查点与密钥（密钥用口令加密）到一个文件（docs/backup.md）。"
        "口令取自环境变量 ANLAN_BACKUP_PASSPHRASE；服务无需停止"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="备份文件路径（默认 ANLAN_BACKUP_DIR 或数据目录下 backups/ 中的 anlan-backup-日期-时间.tar.gz）",
        )
        parser.add_argument(
            "--passphrase-env",
            default=backup.PASSPHRASE_ENV,
            metavar="VAR",
            help=f"存放口令的环境变量名（默认 {backup.PASSPHRASE_ENV}）；口令不经命令行传递",
        )
        parser.add_argument(
            "--keep-daily", type=int, metavar="N", help="备份后清理同目录的旧备份：保留最近 N 天每天最新的一份"
        )
        parser.add_argument(
            "--keep-weekly", type=int, metavar="M", help="备份后清理同目录的旧备份：另保留最近 M 周每周最新的一份"
        )

    def handle(self, *args, output, passphrase_env, keep_daily, keep_weekly, **options):
        pruning = keep_daily is not None or keep_weekly is not None
        daily, weekly = keep_daily or 0, keep_weekly or 0
        token = current_actor.set("系统备份（anlan backup）")
        try:
            if pruning and (daily < 0 or weekly < 0 or daily + weekly == 0):
                raise backup.BackupError("--keep-daily 与 --keep-weekly 不能为负，且至少保留 1 天或 1 周")
            passphrase = backup.passphrase_from_env(passphrase_env, creating=True)
            result = backup.create_backup(Path(output) if output else None, passphrase)
            removed = backup.prune(result.path.parent, daily=daily, weekly=weekly) if pruning else []
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        finally:
            current_actor.reset(token)
        self.stdout.write(
            f"已写入备份 {result.path}（{result.size / 1e6:.1f} MB，用时 {result.seconds:.1f} 秒，权限 0600）：\n"
            f"  数据库 {backup.ENGINE_NAMES[result.engine]}（审计记录 {result.audit_entries} 条）、"
            f"上传文件 {result.uploads} 个、审计检查点、"
            f"密钥 {len(result.keys)} 项（{'、'.join(result.keys)}，口令加密）\n"
            f"  SHA-256 {result.sha256}"
        )
        if pruning:
            kept = f"保留最近 {daily} 天每天一份、最近 {weekly} 周每周一份"
            names = "、".join(p.name for p in removed)
            self.stdout.write(f"清理旧备份（{kept}）：删除 {len(removed)} 份" + (f"：{names}" if removed else ""))
