"""Disaster statistics API (CONTRACT.md "Disaster statistics (灾情报送)"):

- `GET/POST /api/v1/disasters/` — processes of the caller's scope; a county role creates one
  `{"name", "hazard", "started_at", "regions": [township code…]}` → 201 with `initial_due` = start + 2 h;
- `GET /api/v1/disasters/ID/` — the process, its reports and its totals (per township the latest row, summed);
- `POST /api/v1/disasters/ID/reports/` — `{"stage", "rows": [{"region", …indicators}]}` → 201
  `{"id", "stage", "late", "escalate", "totals"}`; a bad row is a 400 `{"rows": {"<index>": {field: […]}}}`.

County roles write; townships read their county's processes; outside the scope a process is a 404.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from anlan.core.api import RolePermission, StandardPagination, router
from anlan.core.drf import view_action

from . import indicators, selectors, services
from .models import DisasterProcess, DisasterReport, Hazard


class ReportSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = DisasterReport
        fields = ["id", "stage", "number", "submitted_at", "late", "escalate", "zero_report"]


def _totals_schema() -> serializers.DictField:
    return serializers.DictField(
        child=serializers.FloatField(),
        help_text="累计：每个乡镇取列出它的最新一次报送的数据，再求和（人、间为整数，公顷、万元保留两位小数）",
    )


class ProcessSerializer(serializers.ModelSerializer):
    regions = serializers.SerializerMethodField(help_text="受灾乡镇（街道）区划代码")
    reports = ReportSummarySerializer(many=True, read_only=True)
    totals = serializers.SerializerMethodField()

    class Meta:
        model = DisasterProcess
        fields = ["id", "name", "hazard", "status", "started_at", "initial_due", "region", "regions", "reports"]
        fields += ["totals"]

    def get_regions(self, process) -> list[str]:
        return sorted(r.code for r in process.regions.all())

    @extend_schema_field(_totals_schema())
    def get_totals(self, process) -> dict:
        computed = self.context.get("totals")
        if computed is not None:
            return indicators.as_json(computed)
        # A list: the totals stored with the latest report (equal to the computed ones; no query per row).
        reports = list(process.reports.all())
        return reports[-1].totals if reports else indicators.as_json(indicators.zero_row())


class ProcessCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="灾害过程名称")
    hazard = serializers.ChoiceField(choices=Hazard.choices, help_text="灾种（亚灾种）")
    started_at = serializers.DateTimeField(help_text="灾害发生时间（ISO 8601）")
    regions = serializers.ListField(
        child=serializers.CharField(max_length=12), allow_empty=False, help_text="受灾乡镇（街道）区划代码"
    )
    description = serializers.CharField(required=False, allow_blank=True, default="", help_text="灾情概况")


# The stages a report is submitted as (a correction after the 核报 is made on its page, with its reason).
SUBMITTED_STAGES = [("initial", "初报"), ("update", "续报"), ("final", "核报")]


class ReportInputSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=SUBMITTED_STAGES, help_text="报送阶段")
    rows = serializers.ListField(
        child=serializers.DictField(),
        allow_empty=True,
        help_text='每个乡镇一行：{"region": 乡镇代码, 指标: 累计数值…}；未填指标为 0；续报不列乡镇即零报告',
    )


class ReportCreatedSerializer(serializers.ModelSerializer):
    totals = _totals_schema()

    class Meta:
        model = DisasterReport
        fields = ["id", "stage", "number", "submitted_at", "late", "escalate", "zero_report", "totals"]


def _row_errors(exc: services.RowErrors) -> ValidationError:
    """{"rows": {"<index>": {field: [message]}}, "detail": "第 n 行…"}: the row index and the field."""
    rows = {index: {field: [text] for field, text in fields.items()} for index, fields in exc.rows.items()}
    return ValidationError({"rows": rows, "detail": exc.message})


class DisasterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """灾害过程（灾情统计报送）：县级新建灾害过程（初报时限为发生后 2 小时）并逐次报送初报、续报、核报；
    每次报送列出若干乡镇的当前累计数。乡镇可查看本县的灾害过程。超出管辖范围为 404。"""

    queryset = DisasterProcess.objects.all()
    permission_classes = [RolePermission]
    pagination_class = StandardPagination
    serializer_class = ProcessSerializer
    scope_actions = {"reports": "change"}

    def get_queryset(self):
        return selectors.processes(self.request.user, view_action(self.request, self)).order_by("-started_at", "pk")

    def retrieve(self, request, *args, **kwargs):
        process = self.get_object()
        context = {**self.get_serializer_context(), "totals": services.totals(process)}
        return Response(ProcessSerializer(process, context=context).data)

    @extend_schema(request=ProcessCreateSerializer, responses={201: ProcessSerializer})
    def create(self, request, *args, **kwargs):
        data = ProcessCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        process = services.create_process(actor=request.user, **data.validated_data)
        process = selectors.processes(request.user).get(pk=process.pk)
        context = {**self.get_serializer_context(), "totals": services.totals(process)}
        return Response(ProcessSerializer(process, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReportInputSerializer, responses={201: ReportCreatedSerializer})
    @action(detail=True, methods=["post"])
    def reports(self, request, pk=None):
        """报送：初报（首次，限一次）、续报（每日，无变化可零报告）、核报（一次，之后数据锁定）。
        行数据有误为 400，指明行号和字段，且不保存任何数据；乡镇不在本次灾害过程中或重复列出为 400。"""
        process = self.get_object()
        data = ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            report = services.submit_report(actor=request.user, process=process, **data.validated_data)
        except services.RowErrors as exc:
            raise _row_errors(exc) from None
        return Response(ReportCreatedSerializer(report).data, status=status.HTTP_201_CREATED)


router.register("disasters", DisasterViewSet, basename="disaster")
