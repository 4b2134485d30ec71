from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anlan.monitoring.models import Alarm
from anlan.monitoring.replay import DEMO_STORM, ReplayError, replay


class Command(BaseCommand):
    help = "把记录的监测数据（CSV：minute,sensor,value）按时间重放进真实的接入流程；缺省为演示县的一场暴雨"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEMO_STORM), help="缺省：演示暴雨 storm.csv")
        parser.add_argument("--speed", type=float, default=0.0, help="每秒重放多少分钟的记录；0 为尽快")

    def handle(self, *args, **o):
        if o["speed"] < 0:
            raise CommandError("speed 不能为负数")
        try:
            result = replay(Path(o["file"]), speed=o["speed"], progress=self.stdout.write)
        except ReplayError as exc:
            raise CommandError(str(exc)) from None
        open_alarms = Alarm.objects.exclude(status=Alarm.Status.CLOSED).count()
        self.stdout.write(
            f"重放 {result.readings} 条：接收 {result.accepted}，拒收 {result.rejected}，"
            f"报警变化 {result.alarm_steps} 次；当前未解除报警 {open_alarms} 个"
        )
        for reason in result.reasons:
            self.stdout.write(f"  拒收原因：{reason}")
