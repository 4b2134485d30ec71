from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """What needs me now: the 工作台 per role, the 综合态势 big screen and `GET /api/v1/situation/`.

    It sits above every domain app (below only demo and bench) because it only reads: each figure is a
    count over another app's selectors, the same filtered query the matching list page and list endpoint run,
    so a number on the 工作台 always equals the list it opens."""

    name = "anlan.overview"
    label = "overview"
    verbose_name = "工作台与综合态势"

    def ready(self):
        # The 综合态势 page registers its menu entry (core.kit.register_link), as the apps' views do.
        from . import views_screen  # noqa: F401
