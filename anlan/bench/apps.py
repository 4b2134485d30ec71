from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "anlan.bench"
    label = "bench"
    verbose_name = "基准测试"
