from django.core.management.base import BaseCommand

from anlan.core.daily import run_daily_jobs


class Command(BaseCommand):
    help = "运行全部每日任务（隐患逾期标记与提醒、巡查任务生成与漏巡标记等）；可由 cron 每日调用"

    def handle(self, *args, **options):
        for name, summary in run_daily_jobs():
            self.stdout.write(f"{name}：{summary}")
