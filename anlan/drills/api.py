"""Drills API (read-only): `GET /api/v1/drills/` and `/api/v1/drills/ID/` — the drills of the caller's scope
with their evaluation's score and conclusion and their problems. Writes go through the pages (services_drills);
outside the scope a drill is a 404."""

from rest_framework import serializers

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router

from .models import Drill, DrillProblem


class DrillProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = DrillProblem
        fields = ["id", "category", "description", "department", "due_on", "status", "done_on", "revision_trigger"]
        read_only_fields = fields


class DrillSerializer(ScopedSerializer):
    score = serializers.DecimalField(
        source="evaluation.score",
        max_digits=5,
        decimal_places=1,
        read_only=True,
        default=None,
        allow_null=True,
        help_text="评估总分",
    )
    conclusion = serializers.CharField(
        source="evaluation.conclusion",
        read_only=True,
        default="",
        allow_null=True,
        help_text="评估结论：excellent/good/pass/fail",
    )
    problems = DrillProblemSerializer(many=True, read_only=True)

    class Meta:
        model = Drill
        fields = [
            "id", "title", "plan", "form", "scope", "double_blind", "scenario", "region", "department", "enterprise",
            "departments", "participant_units", "planned_on", "held_on", "place", "planned_headcount", "attendance",
            "status", "summary", "score", "conclusion", "problems",
        ]  # fmt: skip
        read_only_fields = fields


class DrillViewSet(ScopedModelViewSet):
    """应急演练（只读）：演练计划、实施、评估得分与结论、发现的问题。"""

    queryset = Drill.objects.all()
    serializer_class = DrillSerializer
    http_method_names = ["get", "head", "options"]
    selector = staticmethod(
        lambda qs: (
            qs.select_related("evaluation").prefetch_related("departments", "problems").order_by("-planned_on", "-id")
        )
    )


router.register("drills", DrillViewSet, basename="drill")
