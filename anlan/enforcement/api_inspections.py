"""Inspections API (CONTRACT.md "Enforcement"):

- `POST /api/v1/enforcement/inspections/` — `{"enterprise": id, "inspectors": [USERNAME…], "inspected_on":
  "YYYY-MM-DD", "findings": [{"title", "level": "general|major", "deadline": "YYYY-MM-DD"}]}` → 201
  `{"id", "hazards": [id…]}`; each finding becomes a hidden hazard of the enterprise (status reported, source
  inspection; a major one 挂牌督办). Fewer than two inspectors, an unknown or out-of-scope enterprise, a bad
  date: 400 naming the field, nothing kept.
- `GET /api/v1/enforcement/inspections/` and `…/ID/` — the inspections in the caller's scope (an enterprise
  user: its own), with their findings' hazards and documents.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from anlan.core.api import RolePermission, StandardPagination, router
from anlan.core.drf import view_action

from . import services_inspections as services
from .models import Finding, Inspection


class FindingInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, help_text="问题（隐患名称）")
    level = serializers.ChoiceField(choices=Finding.Level.choices, help_text="general 一般隐患 / major 重大隐患")
    deadline = serializers.DateField(help_text="整改期限 YYYY-MM-DD")
    description = serializers.CharField(required=False, allow_blank=True, default="", help_text="问题描述")
    measure = serializers.ChoiceField(
        choices=Finding.Measure.choices, required=False, default=Finding.Measure.DEADLINE, help_text="处理措施"
    )


class InspectionInputSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="被检查企业 id")
    inspectors = serializers.ListField(
        child=serializers.CharField(max_length=150), help_text="执法人员用户名（至少两名，第一名为带队人员）"
    )
    inspected_on = serializers.DateField(help_text="检查日期 YYYY-MM-DD（一年内，不晚于今天）")
    findings = FindingInputSerializer(many=True, required=False, default=list)


class InspectionCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    hazards = serializers.ListField(child=serializers.IntegerField(), help_text="由发现问题生成的隐患 id")


class InspectionSerializer(serializers.ModelSerializer):
    inspectors = serializers.SerializerMethodField(help_text="执法人员用户名")
    hazards = serializers.SerializerMethodField(help_text="由发现问题生成的隐患 id")
    documents = serializers.SerializerMethodField(help_text="已制作的执法文书：{kind, number}")

    class Meta:
        model = Inspection
        fields = ["id", "enterprise", "region", "department", "kind", "status", "inspected_on"]
        fields += ["inspectors", "hazards", "documents", "principal_refused", "signed_at", "closed_at"]

    def get_inspectors(self, inspection) -> list[str]:
        return sorted(i.user.username for i in inspection.inspectors.all())

    def get_hazards(self, inspection) -> list[int]:
        return [f.hazard_id for f in inspection.findings.all() if f.hazard_id]

    def get_documents(self, inspection) -> list[dict]:
        return [{"kind": d.kind, "number": d.number} for d in inspection.documents.all()]


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """执法检查：录入一次现场检查（至少两名执法人员），发现的问题即成为企业的隐患（已上报，来源执法检查；
    重大隐患挂牌督办），并取得现场检查记录、责令限期整改指令书的文号。超出管辖范围为 404。"""

    queryset = Inspection.objects.all()
    permission_classes = [RolePermission]
    pagination_class = StandardPagination
    serializer_class = InspectionSerializer

    def get_queryset(self):
        return (
            Inspection.objects.restrict(self.request.user, view_action(self.request, self))
            .prefetch_related("inspectors__user", "findings", "documents")
            .order_by("-inspected_on", "-id")
        )

    @extend_schema(request=InspectionInputSerializer, responses={201: InspectionCreatedSerializer})
    def create(self, request, *args, **kwargs):
        data = InspectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        inspection = services.inspection_record(
            actor=request.user,
            enterprise_id=d["enterprise"],
            inspectors=d["inspectors"],
            inspected_on=d["inspected_on"],
            findings=d["findings"],
        )
        hazards = list(inspection.findings.order_by("id").values_list("hazard_id", flat=True))
        return Response({"id": inspection.pk, "hazards": hazards}, status=status.HTTP_201_CREATED)


router.register("enforcement/inspections", InspectionViewSet, basename="enforcement-inspection")
