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


# What a region choice list reads: the name, the level and a village's township (no outlines: the county's
# GeoJSON alone is over a megabyte).
CHOICE_COLUMNS = ("code", "name", "level", "parent__code", "parent__name", "parent__level")


def for_choices(queryset):
    """Regions ready to be named by `full_name` ("龙河镇 新华村") in one query."""
    return queryset.select_related("parent").only(*CHOICE_COLUMNS)


def choice_label(region) -> str:
    return region.full_name


def name_region_choices(form_field) -> None:
    """A region choice field (single or multiple) labels its regions by name, villages with their township:
    names, not "名称（代码）" (the team's rule), and never two identical 新华村 in one list."""
    form_field.queryset = for_choices(form_field.queryset)
    form_field.label_from_instance = choice_label
