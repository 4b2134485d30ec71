"""The jurisdiction tree's model, as core sees it: registered by the geo app at `ready()`.

Core sits below every app and imports none (ARCHITECTURE.md "Layers"), yet the registry kit treats region
fields specially (choices limited to the user's subtree, Excel lookups by code). The geo app hands its
`Region` model up through this one registration instead.
"""

from django.core.exceptions import ImproperlyConfigured

_region_model = None


def register_region_model(model) -> None:
    global _region_model
    _region_model = model


def region_model():
    if _region_model is None:
        raise ImproperlyConfigured("行政区划模型未注册：anlan.geo 必须在 INSTALLED_APPS 中")
    return _region_model
