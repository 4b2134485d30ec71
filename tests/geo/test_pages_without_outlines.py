"""Pages that show regions by name leave their outlines (Region.boundary, GeoJSON: the county's alone over a
megabyte) in the database: a list of some 600 areas decoded them all for one word each."""

import pytest

from anlan.geo.models import Region
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def outlines_read(monkeypatch):
    """The region outlines decoded while the test runs."""
    field = Region._meta.get_field("boundary")
    decode = field.from_db_value
    read = []

    def counting(value, expression, connection):
        if value is not None:
            read.append(len(value))
        return decode(value, expression, connection)

    monkeypatch.setattr(field, "from_db_value", counting)
    return read


@pytest.mark.parametrize(
    "url, role",
    [
        ("/p/warnings/", None),  # the public warnings, with their areas and the area list
        ("/p/warnings/subscribe/", None),
        ("/p/tip/", None),  # the public tip form's village list
        ("/disasters/relief/new/", "county_admin"),  # the programme's township choices
        ("/api/v1/kpi/tasks/", "county_admin"),  # each task's townships by name
    ],
)
def test_a_page_naming_regions_decodes_no_outline(client, url, role, outlines_read):
    if role:
        client.force_login(persona(role))
    townships = list(Region.objects.filter(level="township").values_list("name", flat=True))
    outlines_read.clear()
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert any(name in body for name in townships)  # the regions are there, by name
    assert outlines_read == [], f"{url} decoded {len(outlines_read)} outlines ({sum(outlines_read):,} bytes)"
