from django.core.management.base import BaseCommand
from django.utils import timezone

from anlan.sites.services import patrols_job


class Command(BaseCommand):
    help = "每日任务：标记已过期未打卡的巡查任务为漏巡，并生成当前周期的巡查任务（日/周/月）"

    def handle(self, *args, **options):
        self.stdout.write(patrols_job(timezone.localdate()))
