from django.core.management.base import BaseCommand

from anlan.core.audit import checkpoints_path, write_checkpoint


class Command(BaseCommand):
    help = "立即写入一个审计链检查点（记录数、链头哈希、时间，用审计密钥签名；每日任务也会写入）"

    def handle(self, *args, **options):
        checkpoint = write_checkpoint()
        self.stdout.write(f"已写入{checkpoint.describe()}：链头 {checkpoint.head[:16]}…，文件 {checkpoints_path()}")
