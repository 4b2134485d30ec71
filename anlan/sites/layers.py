"""一张图 layers of natural hazard sites: geological hazard sites, and flood, waterlogging and fire areas."""

from anlan.geo.layers import point_features, register_point_layer

from .models import GEOLOGICAL, HazardSite

PROPS = ["name", "code", "kind", "scale", "threatened_households", "threatened_people", "monitoring", "region"]


def _sites(geological: bool):
    def features(user, params):
        qs = HazardSite.objects.restrict(user).filter(status=HazardSite.Status.ACTIVE)
        qs = qs.filter(kind__in=GEOLOGICAL) if geological else qs.exclude(kind__in=GEOLOGICAL)
        return point_features(qs, PROPS)

    return features


register_point_layer(
    key="geohazard_sites",
    name="地质灾害隐患点",
    group="企业与风险",
    model=HazardSite,
    order=36,
    properties=PROPS,
    features=_sites(geological=True),
    style={"color": "#6e2c00", "fillColor": "#dc7633", "radius": 4},
)
register_point_layer(
    key="other_hazard_sites",
    name="山洪、内涝与森林火险区",
    group="企业与风险",
    model=HazardSite,
    order=37,
    properties=PROPS,
    features=_sites(geological=False),
    default_visible=False,
    style={"color": "#1a5276", "fillColor": "#5dade2", "radius": 5},
)
