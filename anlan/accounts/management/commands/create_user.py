from django.core.management.base import BaseCommand, CommandError

from anlan.accounts.services import user_create
from anlan.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "创建用户：anlan create-user NAME --password P --role ROLE --region CODE [--department CODE]"
        " [--enterprise ID] [--keep-password]"
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True)
        parser.add_argument("--region", required=True, help="12位区划代码")
        parser.add_argument("--department", help="部门编码")
        parser.add_argument("--enterprise", type=int, help="企业ID")
        parser.add_argument("--display-name", default="")
        parser.add_argument(
            "--keep-password",
            action="store_true",
            help="不要求首次登录修改密码（服务账户、脚本）",
        )

    def handle(self, *args, **o):
        try:
            user = user_create(
                actor="命令行",
                username=o["name"],
                password=o["password"],
                role=o["role"],
                region_code=o["region"],
                department_code=o["department"],
                enterprise_id=o["enterprise"],
                display_name=o["display_name"],
                keep_password=o["keep_password"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已创建用户 {user.username}（{user.get_role_display()}，{user.region.name}）")
