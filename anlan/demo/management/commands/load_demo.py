from django.core.management.base import BaseCommand, CommandError

from anlan.demo.large import Progress
from anlan.demo.loader import load_demo
from anlan.geo.boundaries import BoundaryNotFound
from anlan.geo.services import RegionLoadError


class Command(BaseCommand):
    help = "加载演示县（默认 500237 巫山县）：真实县界，合成的乡镇、村、部门、人员与用户（均标记为演示数据）"

    def add_arguments(self, parser):
        parser.add_argument("--county", default="500237", help="6位县级区划代码")
        parser.add_argument(
            "--profile",
            choices=["small", "large"],
            default="small",
            help="large：大县规模（≥50个乡镇、≥800个村、≥1万家企业、≥10万条隐患、≥5000台设备及一年小时统计），用于规模测试",
        )
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--no-users", action="store_true", help="不创建演示用户")

    def handle(self, *args, **o):
        try:
            result = load_demo(
                county6=o["county"],
                seed=o["seed"],
                profile=o["profile"],
                with_users=not o["no_users"],
                progress=Progress(self.stderr),
            )
        except (BoundaryNotFound, RegionLoadError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.summary())
        if result.logins:
            print_logins(self.stdout, result.logins)


def print_logins(out, logins) -> None:
    out.write("演示账号（密码仅保存在数据目录 demo-logins.txt）：")
    for username, password, role, region in logins:
        out.write(f"  {username:<11} {password:<16} {role}（{region}）")
    out.write("县级管理员首次登录时须用手机验证器（TOTP）绑定两步验证。")
