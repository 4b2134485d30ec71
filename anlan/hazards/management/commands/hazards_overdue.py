from django.core.management.base import BaseCommand
from django.utils import timezone

from anlan.hazards.services import overdue_job


class Command(BaseCommand):
    help = "每日任务：标记超过整改期限的隐患，记入处理记录与审计日志，并提醒持有人的上级"

    def handle(self, *args, **options):
        self.stdout.write(overdue_job(timezone.localdate()))
