from django.core.management.base import BaseCommand, CommandError

from anlan.accounts.models import User
from anlan.demo.scenario import ScenarioError, play


class Command(BaseCommand):
    help = "演练：在演示县上完整演示 暴雨 → 滑坡报警 → 预警 → 事件 → 响应 → 调度 → 转移安置"

    def add_arguments(self, parser):
        parser.add_argument("--user", help="以哪个县级用户的身份操作（缺省：第一个县级管理员或值班员）")
        parser.add_argument("--no-replay", action="store_true", help="不重放暴雨，直接使用已有报警")

    def handle(self, *args, **o):
        users = User.objects.filter(is_active=True, role__in=["county_admin", "county_operator"])
        user = users.filter(username=o["user"]).first() if o["user"] else users.order_by("role", "pk").first()
        if user is None:
            raise CommandError("没有可用的县级用户：请用 --user 指定，或运行 anlan load-demo（含演示用户）")
        try:
            result = play(actor=user, replay_storm=not o["no_replay"], say=self.stdout.write)
        except ScenarioError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"完成。事件工作台：/incidents/{result.incident.pk}/  指挥一张图：/incidents/{result.incident.pk}/map/"
        )
