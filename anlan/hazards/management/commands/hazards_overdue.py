from django.core.management.base import BaseCommand

from anlan.hazards.services import overdue_mark


class Command(BaseCommand):
    help = "每日任务：标记超过整改期限的隐患并记入处理记录与审计日志"

    def handle(self, *args, **options):
        newly = overdue_mark()
        self.stdout.write(f"新增逾期隐患 {len(newly)} 条")
