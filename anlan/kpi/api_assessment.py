"""考核 and 责任清单 API.

- `GET /api/v1/kpi/assessment-schemes/`: the schemes with their items (县级 编制; every unit reads the scheme it is
  assessed by).
- `GET /api/v1/kpi/assessments/`: the scoring sheets the caller may see (restrict: a township its own, a department
  its own, the county all), each with its scores and every score's evidence list (the indicator value, the tasks,
  the rule that computed it, the evidence file). Steps as POST actions on a sheet, each a call of the service the
  pages use (`kpi.services_assessment`, which checks role, unit and stage): `self-score/` (the unit's points, note
  and evidence file for one item), `review-score/` (the county's points for one item) and `transition/`
  (`submit`, `finish`, `return`).
- `GET /api/v1/kpi/duty-lists/`: the 职责清单/工作清单 the caller reads (its own, and every unit's once published)
  with their items; `POST …/ID/publish/` publishes one (`kpi.services_duties.list_publish`, its own unit's only).
"""

import django_filters
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router
from anlan.core.filters import ScopedFilterSet

from . import services_assessment as svc
from . import services_duties
from .models import Assessment, AssessmentItem, AssessmentScheme, DutyList, DutyListItem, Score

# ---------------------------------------------------------------- schemes


class ItemSerializer(serializers.ModelSerializer):
    # Plain text, not an enum: "method" names other choice sets in the schema (the names would collide).
    method = serializers.CharField(
        read_only=True, help_text="indicator 按指标计分 / tasks 按任务完成计分 / manual 人工评分"
    )
    method_label = serializers.CharField(source="get_method_display", read_only=True, help_text="计分方法名称")
    indicator_name = serializers.SerializerMethodField(help_text="关联指标名称（无则为空）")

    class Meta:
        model = AssessmentItem
        fields = [
            "id", "order", "category", "title", "points", "method", "method_label", "indicator", "indicator_name",
            "rule", "evidence_required", "deduct_per_unit",
        ]  # fmt: skip
        read_only_fields = fields

    def get_indicator_name(self, obj) -> str:
        return obj.indicator.name if obj.indicator_id else ""


class SchemeSerializer(ScopedSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True, help_text="状态名称")
    target_label = serializers.CharField(source="get_target_display", read_only=True, help_text="考核对象名称")
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentScheme
        fields = [
            "id", "region", "year", "title", "target", "target_label", "status", "status_label", "self_due",
            "review_due", "notes", "items",
        ]  # fmt: skip
        read_only_fields = fields


class SchemeViewSet(ScopedModelViewSet):
    """考核方案（只读）：年度、考核对象、状态和考核项目。"""

    queryset = AssessmentScheme.objects.all()
    serializer_class = SchemeSerializer
    filterset_fields = ["year", "target", "status"]
    http_method_names = ["get", "head", "options"]
    selector = staticmethod(
        lambda qs: qs.prefetch_related(
            Prefetch("items", queryset=AssessmentItem.objects.select_related("indicator").order_by("order", "id"))
        )
    )


# ---------------------------------------------------------------- sheets


class EvidenceSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="indicator_value 指标值 / task 重点任务 / file 佐证材料")
    id = serializers.IntegerField(allow_null=True, help_text="所指记录的 ID")
    label = serializers.CharField(help_text="说明")
    url = serializers.CharField(help_text="页面或文件地址（无则为空）")


class ScoreSerializer(serializers.ModelSerializer):
    item_title = serializers.CharField(source="item.title", read_only=True, help_text="考核内容")
    item_points = serializers.DecimalField(
        source="item.points", max_digits=6, decimal_places=2, read_only=True, help_text="分值"
    )
    method = serializers.CharField(source="item.method", read_only=True, help_text="计分方法")
    final_points = serializers.SerializerMethodField(help_text="得分：评审分，否则自评分，否则系统计分")
    explanation = serializers.SerializerMethodField(help_text="系统计分的计算说明")
    evidence = serializers.SerializerMethodField(help_text="依据：指标值、重点任务、佐证材料，各带页面地址")

    class Meta:
        model = Score
        fields = [
            "id", "item", "item_title", "item_points", "method", "computed_points", "indicator_value",
            "self_points", "self_note", "review_points", "review_note", "final_points", "explanation", "evidence",
        ]  # fmt: skip
        read_only_fields = fields

    def get_final_points(self, obj) -> str | None:
        value = svc.final_of(obj)
        return None if value is None else f"{value:.2f}"

    def get_explanation(self, obj) -> str:
        return svc.explanation(obj)

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, obj) -> list[dict]:
        rows = [
            {"kind": e.get("kind", ""), "id": e.get("id"), "label": e.get("label", ""), "url": e.get("url", "")}
            for e in svc.evidence_links(obj)
        ]
        if obj.evidence_file:
            url = reverse("kpi:assessment_evidence", args=[obj.assessment_id, obj.pk])
            rows.append({"kind": "file", "id": None, "label": obj.evidence_name or "佐证材料", "url": url})
        return rows


class SheetSerializer(ScopedSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True, help_text="状态名称")
    scheme_title = serializers.CharField(source="scheme.title", read_only=True, help_text="考核方案")
    year = serializers.IntegerField(source="scheme.year", read_only=True, help_text="考核年度")
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id", "scheme", "scheme_title", "year", "region", "department", "unit_name", "status", "status_label",
            "self_total", "final_total", "rank", "submitted_at", "reviewed_at", "scores",
        ]  # fmt: skip
        read_only_fields = fields


class SheetFilterSet(ScopedFilterSet):
    year = django_filters.NumberFilter(field_name="scheme__year", label="考核年度")

    class Meta:
        model = Assessment
        fields = ["scheme", "year", "status"]


class SelfScoreSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="得分行 ID（本评分表的）")
    points = serializers.CharField(allow_blank=True, required=False, default="", help_text="自评分，空为不打分")
    note = serializers.CharField(allow_blank=True, required=False, default="", max_length=500)
    evidence_file = serializers.FileField(required=False, help_text="佐证材料（照片、PDF、Office 文件）")


class ReviewScoreSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="得分行 ID（本评分表的）")
    points = serializers.CharField(allow_blank=True, required=False, default="", help_text="评审分，空为沿用")
    note = serializers.CharField(allow_blank=True, required=False, default="", max_length=500)


class SheetStepSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[("submit", "提交自评"), ("finish", "完成评审"), ("return", "退回重新自评")],
        help_text="submit 提交自评（被考核单位）；finish 完成评审、return 退回（县级，须写 reason）",
    )
    reason = serializers.CharField(allow_blank=True, required=False, default="", help_text="退回原因")


def _sheet_queryset(qs):
    scores = Score.objects.select_related("item", "indicator_value").order_by("item__order", "item_id")
    return qs.select_related("scheme").prefetch_related(Prefetch("scores", queryset=scores))


class SheetViewSet(ScopedModelViewSet):
    """考核评分表：本单位（乡镇、部门）或全县（县级）的评分表，每项得分及其依据；自评、评审各步骤。"""

    queryset = Assessment.objects.all()
    serializer_class = SheetSerializer
    filterset_class = SheetFilterSet
    http_method_names = ["get", "post", "head", "options"]
    selector = staticmethod(_sheet_queryset)
    # The steps are decided by the service (unit, county, stage): whoever reads the sheet may ask.
    scope_actions = {"self_score": "view", "review_score": "view", "transition": "view"}

    def _fresh(self, sheet):
        fresh = _sheet_queryset(Assessment.objects.filter(pk=sheet.pk)).get()
        return Response(SheetSerializer(fresh, context=self.get_serializer_context()).data)

    def _score(self, sheet, data) -> Score:
        return get_object_or_404(Score.objects.filter(assessment=sheet), pk=data["score"])

    @extend_schema(request={"multipart/form-data": SelfScoreSerializer}, responses=SheetSerializer)
    @action(detail=True, methods=["post"], url_path="self-score", parser_classes=[MultiPartParser, FormParser])
    def self_score(self, request, pk=None):
        """自评一项：`score`、`points`、`note`、可选 `evidence_file`。只有被考核单位本单位、在自评阶段可以自评。"""
        sheet = self.get_object()
        data = SelfScoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        svc.self_assess(
            actor=request.user,
            score=self._score(sheet, values),
            points=values["points"],
            note=values["note"],
            upload=values.get("evidence_file"),
        )
        return self._fresh(sheet)

    @extend_schema(request=ReviewScoreSerializer, responses=SheetSerializer)
    @action(detail=True, methods=["post"], url_path="review-score")
    def review_score(self, request, pk=None):
        """评审一项：`score`、`points`、`note`。县级，评分表已提交自评时。"""
        sheet = self.get_object()
        data = ReviewScoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        svc.review_score(
            actor=request.user, score=self._score(sheet, values), points=values["points"], note=values["note"]
        )
        return self._fresh(sheet)

    @extend_schema(request=SheetStepSerializer, responses=SheetSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """评分表流转：`{"action": "submit" | "finish" | "return", "reason": …}`。"""
        sheet = self.get_object()
        data = SheetStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step = data.validated_data["action"]
        if step == "submit":
            svc.sheet_submit(actor=request.user, sheet=sheet)
        elif step == "finish":
            svc.sheet_finish(actor=request.user, sheet=sheet)
        else:
            svc.sheet_return(actor=request.user, sheet=sheet, reason=data.validated_data["reason"])
        return self._fresh(sheet)


# ---------------------------------------------------------------- 职责清单 / 工作清单


class DutyItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = DutyListItem
        fields = ["id", "order", "content", "basis", "deadline", "done_on"]
        read_only_fields = fields


class DutyListSerializer(ScopedSerializer):
    # Published lists are read by every unit of the county: the owner by name (as the task table's townships);
    # a region code would tie the list to that township's rows.
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, help_text="清单类型名称")
    unit_name = serializers.SerializerMethodField(help_text="所属单位（部门或乡镇名称）")
    items = DutyItemSerializer(many=True, read_only=True)

    class Meta:
        model = DutyList
        fields = [
            "id", "kind", "kind_label", "department", "unit_name", "year", "title", "published_on", "items",
        ]  # fmt: skip
        read_only_fields = fields

    def get_unit_name(self, obj) -> str:
        return obj.department.name if obj.department_id else obj.region.name


class DutyListFilterSet(ScopedFilterSet):
    published = django_filters.BooleanFilter(field_name="published_on", lookup_expr="isnull", exclude=True)

    class Meta:
        model = DutyList
        fields = ["kind", "year", "department", "published"]


class DutyListViewSet(ScopedModelViewSet):
    """职责清单和年度工作清单：本单位的全部清单，以及县内各单位已公布的清单，含事项。"""

    queryset = DutyList.objects.all()
    serializer_class = DutyListSerializer
    filterset_class = DutyListFilterSet
    http_method_names = ["get", "post", "head", "options"]
    scope_actions = {"publish": "view"}  # the service allows a unit its own list only

    def get_queryset(self):
        return (
            services_duties.readable(self.request.user)
            .select_related("region", "department")
            .prefetch_related("items")
            .order_by("kind", "-year", "region_id", "title", "id")
        )

    def create(self, request, *args, **kwargs):
        raise ValidationError({"detail": "请在“职责清单与工作清单”页面建立本单位的清单"})

    @extend_schema(request=None, responses=DutyListSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """公布清单（须有事项；只能公布本单位的清单，县级可公布全部）。"""
        duty_list = services_duties.list_publish(actor=request.user, duty_list=self.get_object())
        fresh = self.get_queryset().get(pk=duty_list.pk)
        return Response(DutyListSerializer(fresh, context=self.get_serializer_context()).data)


router.register("kpi/assessment-schemes", SchemeViewSet, basename="kpi-assessment-scheme")
router.register("kpi/assessments", SheetViewSet, basename="kpi-assessment")
router.register("kpi/duty-lists", DutyListViewSet, basename="kpi-duty-list")
