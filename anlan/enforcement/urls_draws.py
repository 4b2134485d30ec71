"""URLs of the 双随机 part (see urls.py): inspectors/ (执法检查人员名录库, registry kit, and each one's 回避),
matters/ (随机抽查事项清单, registry kit), draws/ (the 检查对象名录库, draws, 复核)."""

from django.urls import path

from anlan.core import converters  # noqa: F401  (rowid)
from anlan.core.kit import config_for
from anlan.core.views import model_urlpatterns

from . import views_draws as views
from .models import CheckMatter, Inspector


def _kit(model, prefix: str):
    """The registry kit's pages of `model` under `prefix/` instead of `<model name>/` (names unchanged)."""
    config = config_for(model)
    patterns = []
    for pattern in model_urlpatterns(config):
        route = str(pattern.pattern)
        patterns.append(path(prefix + route[len(config.model_name) :], pattern.callback, name=pattern.name))
    return patterns


urlpatterns = [
    *_kit(Inspector, "inspectors"),
    path("inspectors/<rowid:pk>/conflicts/", views.inspector_conflicts, name="inspector_conflicts"),
    path("inspectors/conflicts/<rowid:pk>/remove/", views.conflict_remove, name="conflict_remove"),
    *_kit(CheckMatter, "matters"),
    path("draws/", views.draw_list, name="draw_list"),
    path("draws/new/", views.draw_create, name="draw_create"),
    path("draws/pool/", views.draw_pool, name="draw_pool"),
    path("draws/<rowid:pk>/", views.draw_detail, name="draw_detail"),
    path("draws/<rowid:pk>/verify/", views.draw_verify, name="draw_verify"),
]
