"""Path converters for ids in page URLs: a URL matches only when its id could be a row's primary key, so
`/…/abc/`, `/…/1e9/` or a 25-digit number answer 404 instead of reaching the database (where they raise
ValueError, OverflowError on SQLite or DataError on PostgreSQL)."""

from django.db import models
from django.urls import register_converter


class RowIdConverter:
    """An auto-increment id: 1 to 18 digits, so it always fits a 64-bit integer column."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


class RegionCodeConverter:
    """A region's 12-digit statistical division code (geo.Region's primary key)."""

    regex = "[0-9]{12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(RowIdConverter, "rowid")
register_converter(RegionCodeConverter, "regioncode")


def pk_converter(model: type[models.Model]) -> str:
    """The converter name that accepts exactly the primary keys `model` can have."""
    field = model._meta.pk
    if isinstance(field, (models.AutoField, models.BigAutoField, models.IntegerField)):
        return "rowid"
    if model._meta.label == "geo.Region":
        return "regioncode"
    # Other text keys: anything but a slash; the lookup itself cannot fail on a string.
    return "str"
