from django.apps import apps
from django.core.management.base import BaseCommand

from anlan.core.audit import audit_record, current_actor
from anlan.core.fields import blind_index_fields, rebuild_blind_indexes


class Command(BaseCommand):
    help = (
        "重新计算所有电话号码检索索引（盲索引）：更换 ANLAN_BLIND_INDEX_KEY 或 blind_index_key 文件后运行，"
        "否则按电话号码搜索找不到已有记录。只写索引列；每个模型写一条审计记录"
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="每批行数（每批一个事务），默认 500")

    def handle(self, *args, batch_size, **options):
        token = current_actor.set("电话检索索引重建（blind-index-rebuild）")
        try:
            total = 0
            for model in apps.get_models():
                if model._meta.proxy or not blind_index_fields(model):
                    continue
                changed = rebuild_blind_indexes(model, batch_size=batch_size)
                if changed:
                    audit_record(action="blind_index_rebuild", model=model, extra={"rows": changed})
                self.stdout.write(f"{model._meta.verbose_name}：{changed} 条索引已更新")
                total += changed
        finally:
            current_actor.reset(token)
        self.stdout.write(f"完成：共 {total} 条记录的电话检索索引已重新计算（其余无需更新）")
