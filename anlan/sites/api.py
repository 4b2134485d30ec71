from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router
from anlan.registry.models import Person

from .filters import HazardSiteFilterSet
from .models import HazardSite


class HazardSiteSerializer(ScopedSerializer):
    class Meta:
        model = HazardSite
        fields = [
            *("id", "code", "name", "kind", "scale", "region", "department", "lon", "lat"),
            *("threatened_households", "threatened_people", "threatened_property", "monitors", "monitoring"),
            *("status", "warning_signal", "evacuation_route", "shelter", "notes", "synthetic"),
        ]
        read_only_fields = ["synthetic"]
        extra_kwargs = {"monitors": {"queryset": Person.objects.all(), "required": False}}


class HazardSiteViewSet(ScopedModelViewSet):
    """灾害隐患点（地质灾害隐患点、山洪危险区、易涝点、森林火险区等）：威胁对象、群测群防员、撤离路线与避险场所。"""

    queryset = HazardSite.objects.all()
    serializer_class = HazardSiteSerializer
    filterset_class = HazardSiteFilterSet
    selector = staticmethod(lambda qs: qs.prefetch_related("monitors"))


router.register("sites", HazardSiteViewSet, basename="hazard-site")
