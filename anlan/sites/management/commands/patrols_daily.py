from django.core.management.base import BaseCommand

from anlan.sites.services import patrols_flag_missed, patrols_plan, rules_sync


class Command(BaseCommand):
    help = "每日任务：标记已过期未打卡的巡查任务为漏巡，并生成当前周期的巡查任务（日/周/月）"

    def handle(self, *args, **options):
        rules_sync()
        missed = patrols_flag_missed()
        planned = patrols_plan()
        self.stdout.write(f"漏巡 {missed} 次；新生成巡查任务 {planned} 个")
