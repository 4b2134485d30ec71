import shutil
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from anlan.core import backup
from anlan.core.audit import current_actor


class Command(BaseCommand):
    help = (
        "从 anlan backup 生成的备份文件恢复数据库、上传文件、审计检查点与密钥（docs/backup.md）。"
        "先校验口令、签名与校验和，任何一项不符都不做改动；恢复后执行待执行的迁移并校验审计链。"
        "恢复前请停止 anlan serve 与 anlan worker"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件（anlan-backup-….tar.gz）")
        parser.add_argument(
            "--passphrase-env",
            default=backup.PASSPHRASE_ENV,
            metavar="VAR",
            help=f"存放口令的环境变量名（默认 {backup.PASSPHRASE_ENV}）",
        )
        parser.add_argument("--yes", action="store_true", help="不再询问，直接覆盖当前数据")

    def handle(self, *args, file, passphrase_env, yes, **options):
        started = time.monotonic()
        token = current_actor.set("系统恢复（anlan restore）")
        staging = None
        try:
            passphrase = backup.passphrase_from_env(passphrase_env, creating=False)
            staging = backup.staging_directory()
            verified = backup.verify_backup(Path(file), passphrase, staging)
            manifest = verified.manifest
            self.stdout.write(
                f"备份校验通过：{manifest['created_at']} 由安澜 {manifest['app_version']} 生成，"
                f"{backup.ENGINE_NAMES[manifest['engine']]} 数据库，上传文件 {manifest['counts']['uploads']} 个，"
                f"{len(manifest['members'])} 个成员的校验和一致"
            )
            self._confirm(yes)
            result = backup.restore_backup(verified, started=started)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        finally:
            current_actor.reset(token)
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
        for line in [*result.key_lines, *result.notes]:
            self.stdout.write(line)
        if result.migrations_applied:
            self.stdout.write(
                f"已执行备份之后新增的 {len(result.migrations_applied)} 个迁移：{'、'.join(result.migrations_applied)}"
            )
        verify = result.verify
        if not verify.ok:
            where = f"第 {verify.broken_id} 号记录处断开：" if verify.broken_id is not None else ""
            raise CommandError(f"数据已恢复，但审计链校验未通过：{where}{verify.reason}")
        self.stdout.write(
            f"恢复完成（用时 {result.seconds:.1f} 秒）：上传文件 {result.uploads} 个；"
            f"审计链完整：共校验 {verify.checked} 条记录，与 {verify.checkpoints} 个检查点一致"
        )
        self.stdout.write("请重新启动 anlan serve 与 anlan worker，使其读取恢复的密钥")

    def _confirm(self, yes: bool) -> None:
        if yes:
            return
        target = connection.settings_dict["NAME"]
        if not sys.stdin.isatty():
            raise backup.BackupError("恢复会覆盖当前的数据库、上传文件与密钥：请确认后加 --yes 再运行；未做任何改动")
        answer = input(f"将用备份覆盖数据库 {target}、上传文件、审计检查点与密钥。输入 yes 继续：")
        if answer.strip().lower() != "yes":
            raise backup.BackupError("已取消，未做任何改动")
