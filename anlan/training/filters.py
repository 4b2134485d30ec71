"""List filters of the training pages (registry kit)."""

import django_filters
from django.utils import timezone

from anlan.core.filters import RegionSubtreeFilter, ScopedFilterSet

from . import services
from .models import Certificate, Course, Exam, Material, Question, Trainee, TrainingSession


class CourseFilterSet(ScopedFilterSet):
    class Meta:
        model = Course
        fields = ["audience", "topic"]


class TrainingSessionFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")
    audience = django_filters.ChoiceFilter(
        field_name="course__audience", choices=Course._meta.get_field("audience").choices, label="培训对象"
    )
    year = django_filters.NumberFilter(field_name="starts_on", lookup_expr="year", label="年度")

    class Meta:
        model = TrainingSession
        fields = ["region", "audience", "department", "year"]


class TraineeFilterSet(ScopedFilterSet):
    region = RegionSubtreeFilter(field_name="region")

    class Meta:
        model = Trainee
        fields = ["region", "category", "unit_kind", "department", "active"]


class CertificateFilterSet(ScopedFilterSet):
    expiring = django_filters.BooleanFilter(method="filter_expiring", label="90天内到期")
    expired = django_filters.BooleanFilter(method="filter_expired", label="已过期")

    class Meta:
        model = Certificate
        fields = ["kind", "expiring", "expired"]

    def filter_expiring(self, queryset, name, value):
        soon = services.expiring(queryset, timezone.localdate())
        return soon if value else queryset.exclude(pk__in=soon.values("pk"))

    def filter_expired(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(expires_on__lt=today) if value else queryset.filter(expires_on__gte=today)


class QuestionFilterSet(ScopedFilterSet):
    class Meta:
        model = Question
        fields = ["kind", "topic", "audience"]


class ExamFilterSet(ScopedFilterSet):
    class Meta:
        model = Exam
        fields = ["mode", "issue_certificate"]


class MaterialFilterSet(ScopedFilterSet):
    class Meta:
        model = Material
        fields = ["kind", "topic", "audience", "is_public"]
