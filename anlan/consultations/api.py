"""会商研判 API, read only: `GET /api/v1/consultations/` (filters `kind`, `status`, `year`) and
`GET /api/v1/consultations/ID/` — the session, the snapshot kept at its start, its conclusions and decisions
with the warning, incident and response task that carried each out. Sessions are written on their pages."""

import django_filters
from django import forms
from rest_framework import serializers, viewsets

from anlan.core.api import RolePermission, StandardPagination, router
from anlan.core.filters import ScopedFilterSet

from .models import Consultation, Decision


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "kind", "text", "department", "due_at", "warning", "incident", "task", "created_at"]
        fields += ["recorded_by"]


class ConsultationSerializer(serializers.ModelSerializer):
    decisions = DecisionSerializer(many=True, read_only=True)
    departments = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Consultation
        fields = ["id", "title", "kind", "status", "region", "started_at", "ended_at", "chair", "place"]
        fields += ["departments", "attendees", "forecast", "conclusions", "snapshot", "minutes_number", "exercise"]
        fields += ["decisions"]


class ConsultationFilterSet(ScopedFilterSet):
    # A whole year in a sensible range: a float or a 17-digit number is a 400, not a database error.
    year = YearFilter(field_name="started_at", lookup_expr="year", label="年份", min_value=2000, max_value=2100)

    class Meta:
        model = Consultation
        fields = ["kind", "status", "year"]


class ConsultationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ConsultationSerializer
    permission_classes = [RolePermission]
    pagination_class = StandardPagination
    filterset_class = ConsultationFilterSet
    queryset = Consultation.objects.all()

    def get_queryset(self):
        return (
            Consultation.objects.restrict(self.request.user)
            .prefetch_related("departments", "decisions")
            .order_by("-started_at", "-pk")
        )


router.register("consultations", ConsultationViewSet, basename="consultation")
