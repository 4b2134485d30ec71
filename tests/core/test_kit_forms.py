"""The registry kit's forms and Excel imports keep a related field's limits: the model field's
`limit_choices_to` and the config's `related_choices` (which replace the rows the user may view)."""

import pytest

from anlan.accounts.models import User
from anlan.core import excel
from anlan.core.kit import config_for
from anlan.enforcement.services_draws import OFFICER_ROLES
from anlan.flood.models import RiverStation
from anlan.monitoring.models import Sensor
from anlan.sites.models import HazardSite
from anlan.testing.helpers import xlsx_upload
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def test_a_kit_form_keeps_the_model_fields_limit_choices_to(client):
    """RiverStation names no related_choices: its 水位计 is limited by the model field alone."""
    client.force_login(persona("county_operator"))
    page = client.get("/flood/riverstation/add/").content.decode()
    sensors = page.split('name="sensor"', 1)[1].split("</select>")[0]
    level = Sensor.objects.filter(kind="water_level").order_by("pk").first()
    gauge = Sensor.objects.filter(kind="rain_gauge").order_by("pk").first()
    assert f'value="{level.pk}"' in sensors and f'value="{gauge.pk}"' not in sensors

    before = RiverStation.objects.count()
    response = client.post(
        "/flood/riverstation/add/",
        {"sensor": gauge.pk, "river": "测试河", "warning_level": "10.00", "guarantee_level": "11.00"},
    )
    assert response.status_code == 400  # the form again, with the field's error
    assert "所选项不存在或不在您的管辖范围内" in response.content.decode()
    assert RiverStation.objects.count() == before


def test_a_kit_form_offers_the_configs_related_choices(client):
    """护林员's 负责林区 are forest-fire sites only (related_choices), not every hazard site the user may view."""
    client.force_login(persona("county_operator"))
    page = client.get("/forestfire/ranger/add/").content.decode()
    sites = page.split('name="sites"', 1)[1].split('name="area"')[0]
    forest = HazardSite.objects.restrict(persona("county_operator")).filter(kind="forest_fire").order_by("pk")
    flood = HazardSite.objects.restrict(persona("county_operator")).filter(kind="flash_flood").order_by("pk")
    assert f'value="{forest.first().pk}"' in sites and f'value="{flood.first().pk}"' not in sites


def test_related_choices_also_apply_to_a_configs_own_form_class():
    """名录库 执法人员: only users in an officer's role (the kit's default would be every user the admin may view)."""
    admin = persona("county_admin")
    form = config_for_form("enforcement", "Inspector")(user=admin)
    worker = persona("village_grid_worker")
    assert User.objects.restrict(admin, "view").filter(pk=worker.pk).exists()  # what the default would offer
    offered = form.fields["user"].queryset
    assert not offered.filter(pk=worker.pk).exists()
    assert offered.exists() and set(offered.values_list("role", flat=True)) <= set(OFFICER_ROLES)


def config_for_form(app_label: str, model_name: str):
    from django.apps import apps

    from anlan.core.kit import modelform_for

    return modelform_for(config_for(apps.get_model(app_label, model_name)))


def test_an_excel_import_keeps_the_model_fields_limit_choices_to():
    """The import looks related rows up the way the form offers them: a rain gauge is no 水位计."""
    gauge = Sensor.objects.filter(kind="rain_gauge").order_by("pk").first()
    level = Sensor.objects.filter(kind="water_level").order_by("pk").first()
    level.pk, level.code = None, "T-WL-KIT"  # a water level sensor that is no river station yet
    level.save()
    header = ["水位计", "河流", "警戒水位（米）", "保证水位（米）"]
    config = config_for(RiverStation)
    natural = config.natural_keys.get(Sensor, "pk")
    user = persona("county_operator")
    *_, errors = excel.parse_workbook(config, xlsx_upload([header, [getattr(gauge, natural), "测试河", 10, 11]]), user)
    assert [(e.row, e.column) for e in errors] == [(2, "水位计")]
    assert "不存在或不在您的管辖范围内" in errors[0].message
    new, _, _, errors = excel.parse_workbook(
        config, xlsx_upload([header, [getattr(level, natural), "测试河", 10, 11]]), user
    )
    assert not errors and len(new) == 1
