from django.core.management.base import BaseCommand, CommandError

from anlan.core import crypto
from anlan.core.audit import current_actor
from anlan.core.fields import ReencryptError, encrypted_models, reencrypt_model


class Command(BaseCommand):
    help = (
        "把所有加密字段（电话、身份证号、Webhook 地址与密钥）重新加密为 ANLAN_CRYPTO 所配置的算法"
        "（default：Fernet；sm：SM4-GCM）。分批提交，可中断后重新运行继续；每个模型写一条审计记录"
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="每批行数（每批一个事务），默认 500")

    def handle(self, *args, batch_size, **options):
        if batch_size <= 0:
            raise CommandError("--batch-size 必须为正整数")
        target = crypto.field_scheme()
        token = current_actor.set("密码迁移（crypto-migrate）")
        try:
            converted = 0
            for model in encrypted_models():
                converted += reencrypt_model(model, batch_size=batch_size, progress=self._progress)
        except ReencryptError as exc:
            raise CommandError(str(exc)) from None
        finally:
            current_actor.reset(token)
        self.stdout.write(f"完成：共 {converted} 条记录转换为 {target}（其余已是该算法或为空）")

    def _progress(self, label: str, done: int, total: int) -> None:
        self.stdout.write(f"{label}：{done}/{total} 条已转换")
