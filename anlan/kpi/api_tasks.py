"""重点任务分工 API (read-only): `GET /api/v1/kpi/tasks/` (filters year, lead_department, township, status,
overdue) with each task's milestones, and `GET /api/v1/kpi/task-reports/` (filters task, year). Writes go
through the pages (kpi.services_tasks), which check who may report."""

import django_filters
from django.db.models import Prefetch, Q
from django.utils import timezone
from rest_framework import serializers

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router
from anlan.core.filters import ScopedFilterSet
from anlan.core.regioncodes import region_prefix
from anlan.geo.models import Region

from . import services_tasks as services
from .models import KeyTask, TaskMilestone, TaskReport


class TaskFilterSet(ScopedFilterSet):
    township = django_filters.CharFilter(field_name="townships__code", label="责任乡镇区划代码", distinct=True)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="逾期（未完成且已过完成时限）")

    class Meta:
        model = KeyTask
        fields = ["year", "lead_department", "township", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        q = services.overdue_q(timezone.localdate())
        return queryset.filter(q) if value else queryset.exclude(q)


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskMilestone
        fields = ["id", "title", "due_on", "done_on"]
        read_only_fields = fields


def _below_county(request) -> str:
    """The caller's region prefix when it sits below the county (a township or village), else ""."""
    code = getattr(getattr(request, "user", None), "region_id", None) or ""
    prefix = region_prefix(code) if code else ""
    return prefix if len(prefix) > 6 else ""


class TaskSerializer(ScopedSerializer):
    # The table is the county's and every unit reads it (who leads what, which townships it falls to): the
    # townships by name; their codes would tie the task to one township's rows (filter with ?township=代码).
    townships = serializers.SerializerMethodField(help_text="责任乡镇名称")
    lead_name = serializers.SerializerMethodField(help_text="牵头单位名称")
    overdue = serializers.SerializerMethodField(help_text="是否逾期")
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = KeyTask
        fields = [
            "id", "region", "year", "number", "title", "description", "source", "lead_department", "lead_text",
            "lead_name", "cooperating", "townships", "deadline", "evidence_required", "status", "progress",
            "completed_on", "overdue", "milestones",
        ]  # fmt: skip
        read_only_fields = fields

    def get_townships(self, obj) -> list[str]:
        return [r.name for r in sorted(obj.townships.all(), key=lambda r: r.code)]

    def get_lead_name(self, obj) -> str:
        return services.lead_name(obj)

    def get_overdue(self, obj) -> bool:
        return services.is_overdue(obj)


class TaskViewSet(ScopedModelViewSet):
    """重点任务分工（只读）：任务、牵头和配合单位、责任乡镇、完成时限、节点、进度与状态。"""

    queryset = KeyTask.objects.all()
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    http_method_names = ["get", "head", "options"]
    selector = staticmethod(
        lambda qs: (
            qs.select_related("lead_department")
            # The townships by name: not their outlines (GeoJSON), some 700 of them over the table.
            .prefetch_related(
                "cooperating", Prefetch("townships", queryset=Region.objects.defer("boundary")), "milestones"
            )
            .order_by("year", "number", "id")
        )
    )


class ReportFilterSet(ScopedFilterSet):
    year = django_filters.NumberFilter(field_name="task__year", label="年度")

    class Meta:
        model = TaskReport
        fields = ["task", "year"]


class ReportSerializer(ScopedSerializer):
    has_attachment = serializers.SerializerMethodField(help_text="是否有佐证材料附件")

    class Meta:
        model = TaskReport
        fields = [
            "id", "task", "milestone", "reported_at", "unit_name", "department", "township", "progress", "text",
            "attachment_name", "has_attachment",
        ]  # fmt: skip
        read_only_fields = fields

    def get_has_attachment(self, obj) -> bool:
        return bool(obj.attachment)


class ReportViewSet(ScopedModelViewSet):
    """重点任务进展报送（只读）：报送单位、进度、进展情况、附件名。"""

    queryset = TaskReport.objects.all()
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    http_method_names = ["get", "head", "options"]
    selector = staticmethod(lambda qs: qs.order_by("-reported_at", "-id"))

    def get_queryset(self):
        qs = super().get_queryset()
        prefix = _below_county(self.request)
        if prefix:  # another township's reports stay with the county and that township
            qs = qs.filter(Q(township__isnull=True) | Q(township__code__startswith=prefix[:9]))
        return qs


router.register("kpi/tasks", TaskViewSet, basename="kpi-task")
router.register("kpi/task-reports", ReportViewSet, basename="kpi-task-report")
