"""The public 公示 of responsible persons (/p/duty/): no login, per township and village, duty roles and hazard
sites' responsible persons; phones masked (the full number never on the page), no ID numbers."""

import pytest

from anlan.core.masking import mask_phone
from anlan.registry.models import DutyRole, Person
from anlan.sites.models import HazardSite

pytestmark = pytest.mark.django_db


def test_the_public_board_masks_phones_and_shows_no_id_number(client, tree, django_assert_max_num_queries):
    role, _ = DutyRole.objects.get_or_create(code="flood_village", defaults={"name": "防汛村级责任人"})
    person = Person.objects.create(
        name="谭公示", region=tree.village, position="村委会主任", phone="13912345678", id_number="500237198001011234"
    )
    person.duty_roles.add(role)
    site = HazardSite.objects.filter(region__parent=tree.township).first() or HazardSite.objects.create(
        code="5002370099", name="公示测试滑坡", kind="landslide", region=tree.village, lon=109.8, lat=31.07
    )
    monitor = Person.objects.create(name="冉监测", region=site.region, phone="13887654321")
    site.monitors.add(monitor)
    site.status = HazardSite.Status.ACTIVE
    site.save()

    with django_assert_max_num_queries(12):
        page = client.get(f"/p/duty/{tree.township.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "谭公示" in text and "村委会主任" in text and "防汛村级责任人" in text
    assert "13912345678" not in text and mask_phone("13912345678") in text
    assert "139****5678" in text
    assert "500237198001011234" not in text and "198001011234" not in text
    assert "冉监测" in text and "13887654321" not in text and "138****4321" in text
    assert site.name in text

    village = client.get(f"/p/duty/{tree.village.code}/")
    assert "谭公示" in village.content.decode()
    other = client.get(f"/p/duty/{tree.other_township.code}/").content.decode()
    assert "谭公示" not in other


def test_the_index_lists_townships_and_an_unknown_code_is_404(client, tree):
    page = client.get("/p/duty/")
    assert page.status_code == 200
    assert tree.township.name in page.content.decode()
    assert client.get("/p/duty/999999999999/").status_code == 404
