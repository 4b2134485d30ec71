"""The rules every located, counted or dated record shares (core.validators, run by AnlanModel.full_clean):
a location inside the loaded county's extent (with a margin), plausible people counts, sub-counts within
their totals, and deadlines that are not already past when set."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anlan.core import validators
from anlan.core.validators import (
    COUNTY_MARGIN_DEG,
    county_boxes,
    deadline_errors,
    location_errors,
    validate_people_count,
)
from anlan.registry.models import Enterprise

pytestmark = pytest.mark.django_db


def test_the_extent_is_the_loaded_county_with_a_margin(tree):
    (box,) = [b for b in county_boxes() if b[0] < tree.county.center_lon < b[2]]
    w, s, _, n = box
    # 巫山县 spans about 109.56–110.19 °E, 30.76–31.48 °N; the box adds the margin on every side.
    assert w == pytest.approx(109.5566 - COUNTY_MARGIN_DEG, abs=0.01)
    assert n == pytest.approx(31.4776 + COUNTY_MARGIN_DEG, abs=0.01)
    assert location_errors(tree.village.center_lon, tree.village.center_lat) == {}
    assert location_errors(w + 0.01, s + 0.01) == {}  # just across the border: a neighbour's shelter


def test_a_point_in_china_but_far_from_the_county_is_refused_naming_the_field(tree):
    beijing = location_errors(116.40, 39.90)
    assert set(beijing) == {"lon", "lat"}
    assert "不在辖区范围内" in beijing["lon"] and "填反" in beijing["lon"]
    assert set(location_errors(116.40, 31.0)) == {"lon"}
    swapped = location_errors(tree.village.center_lat, tree.village.center_lon)
    assert "不在中国境内" in swapped["lon"]


def test_loading_a_county_forgets_the_cached_extent(tree):
    county_boxes()
    validators._extent["boxes"] = ()  # a stale cache in this process …
    validators.forget_county_extent()  # … is dropped when a county is loaded (geo.services.county_load)
    assert county_boxes()


def test_people_counts_are_bounded():
    validate_people_count(5_000_000)
    with pytest.raises(ValidationError, match="不合理"):
        validate_people_count(99_999_999)


def test_a_deadline_is_checked_only_when_it_is_set_or_changed():
    today = timezone.localdate()
    past = dt.date(2020, 1, 1)
    assert "2020年1月1日" in deadline_errors(past, None, field="deadline", label="整改期限")["deadline"]
    assert deadline_errors(past, past, field="deadline", label="整改期限") == {}  # an old record, untouched
    assert deadline_errors(today, past, field="deadline", label="整改期限") == {}


def test_full_clean_checks_the_location_so_every_write_path_does(tree):
    enterprise = Enterprise(name="坐标错误的企业", credit_code="91350100M000100Y43", region=tree.village)
    enterprise.lon, enterprise.lat = -99999, 99999
    with pytest.raises(ValidationError) as refused:
        enterprise.full_clean()
    assert "经度" in refused.value.message_dict["lon"][0] and "纬度" in refused.value.message_dict["lat"][0]
    enterprise.full_clean(exclude=["lon", "lat"])  # a form without the coordinates leaves them alone


def test_a_stored_location_is_not_judged_again_when_the_record_is_edited_for_another_reason(tree):
    from anlan.supplies.models import Warehouse

    warehouse = Warehouse.objects.filter(lon__isnull=False).first()
    # Stored before the extent rule: a reserve in 万州, about 130 km west of the county.
    Warehouse.objects.filter(pk=warehouse.pk).update(lon=108.40, lat=30.81)
    stored = Warehouse.objects.get(pk=warehouse.pk)
    stored.name = stored.name + "（更名）"
    stored.full_clean()  # the location was not changed: editable
    stored.lon = 116.40  # moved now: judged
    with pytest.raises(ValidationError) as refused:
        stored.full_clean()
    assert "不在辖区范围内" in refused.value.message_dict["lon"][0]
