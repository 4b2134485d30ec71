import django_filters

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from .models import Equipment, Expert, RescueTeam, Shelter, Specialty


class RescueTeamFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")
    specialty = django_filters.ModelChoiceFilter(
        field_name="specialties", queryset=Specialty.objects.all(), to_field_name="code", label="专业"
    )

    class Meta:
        model = RescueTeam
        fields = ["region", "kind", "readiness", "specialty", "social_grade", "department"]


class ExpertFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")
    specialty = django_filters.ModelChoiceFilter(
        field_name="specialties", queryset=Specialty.objects.all(), to_field_name="code", label="专业领域"
    )

    class Meta:
        model = Expert
        fields = ["region", "specialty", "availability"]


class EquipmentFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")

    class Meta:
        model = Equipment
        fields = ["region", "kind", "status", "team"]


class ShelterFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")

    class Meta:
        model = Shelter
        fields = ["region", "level", "period", "site_class", "status"]
