"""一张图 layers of natural hazard sites: geological hazard sites, and flood, waterlogging and fire areas.
Hundreds of sites in a county: drawn as clusters until zoomed in. Places found by the map's search box."""

from anlan.geo.layers import PlaceSearch, point_places, register_place_search, register_point_layer

from .models import GEOLOGICAL, HazardSite

PROPS = ["name", "code", "kind", "scale", "threatened_households", "threatened_people", "monitoring", "region"]


def _sites(geological: bool):
    def rows(user):
        qs = HazardSite.objects.restrict(user).filter(status=HazardSite.Status.ACTIVE)
        return qs.filter(kind__in=GEOLOGICAL) if geological else qs.exclude(kind__in=GEOLOGICAL)

    return rows


register_point_layer(
    key="geohazard_sites",
    name="地质灾害隐患点",
    group="风险隐患",
    model=HazardSite,
    order=36,
    properties=PROPS,
    hidden=("code",),
    queryset=_sites(geological=True),
    symbol="triangle",
    cluster=True,
    style={"color": "#6e2c00", "fillColor": "#dc7633", "radius": 6},
)
register_point_layer(
    key="other_hazard_sites",
    name="山洪、内涝与森林火险区",
    group="风险隐患",
    model=HazardSite,
    order=37,
    properties=PROPS,
    hidden=("code",),
    queryset=_sites(geological=False),
    default_visible=False,
    symbol="triangle",
    cluster=True,
    style={"color": "#1a5276", "fillColor": "#5dade2", "radius": 6},
)
register_place_search(
    PlaceSearch(
        kind="hazard_site",
        label="灾害隐患点",
        order=30,
        search=lambda user, q, limit: point_places(
            HazardSite.objects.restrict(user), q, limit, kind="hazard_site", label="灾害隐患点"
        ),
    )
)
