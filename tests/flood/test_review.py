"""Review of the merged flood app: bad input on the threshold page gives the page, not a server error."""

import pytest

from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("site", ["abc", "1.5", "99999999"])
def test_the_threshold_page_ignores_a_bad_site_parameter(client, tree, site):
    client.force_login(persona("county_operator"))
    response = client.get("/flood/thresholds/add/", {"site": site})
    assert response.status_code == 200
    assert "预警阈值" in response.content.decode()
