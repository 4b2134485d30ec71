"""Plans API: incident kinds (read), plans and their response actions (list, detail, create, update).

Writes go through plans.services (audited, scope re-checked after saving); roles are checked by
core.drf.RolePermission against each model's `write_roles` (county roles), rows by `restrict()`.
"""

from rest_framework import serializers

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router

from . import selectors, services
from .filters import PlanActionFilterSet, PlanFilterSet
from .models import IncidentKind, Plan, PlanAction


class IncidentKindSerializer(ScopedSerializer):
    class Meta:
        model = IncidentKind
        fields = ["id", "category", "name", "code", "grading", "first_report_minutes", "follow_up_hours", "order"]


class IncidentKindViewSet(ScopedModelViewSet):
    """事件类型（突发事件应对法四大类及其子类）：接报登记时 `kind` 取其 id；各类型的首报时限与续报间隔。"""

    queryset = IncidentKind.objects.all()
    serializer_class = IncidentKindSerializer
    http_method_names = ["get", "head", "options"]


class PlanActionSerializer(ScopedSerializer):
    class Meta:
        model = PlanAction
        fields = ["id", "plan", "level", "title", "department", "hours", "order"]
        extra_kwargs = {"order": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["plan"].read_only = True  # an action stays in its plan; add a new one to another plan
        return fields


class PlanActionInPlanSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", default="", read_only=True)
    # Blank on a warning row (its colour is `warning_level`): a plain string, so the schema admits "".
    level = serializers.CharField(read_only=True, help_text="事件响应的启动级别 IV/III/II/I；预警响应措施为空")
    warning_level = serializers.CharField(
        read_only=True, help_text="预警响应的预警级别 blue/yellow/orange/red；否则为空"
    )

    class Meta:
        model = PlanAction
        fields = [
            *("id", "trigger", "level", "warning_event", "warning_level", "assignee_kind", "title"),
            *("department", "department_name", "team", "audience", "hours", "order"),
        ]
        read_only_fields = fields


class PlanSerializer(ScopedSerializer):
    kinds = serializers.SlugRelatedField(
        slug_field="name", many=True, queryset=IncidentKind.objects.all(), help_text="适用事件类型名称"
    )
    actions = PlanActionInPlanSerializer(many=True, read_only=True, help_text="响应措施（按启动级别与顺序）")

    class Meta:
        model = Plan
        # The life-cycle facts are read here and written on the plan pages (services_lifecycle), which apply
        # the Art. 21 review rule and the owner checks.
        lifecycle = ["kind", "department", "enterprise", "review_mode", "reviewed_on", "published_on"]
        lifecycle += ["evaluation_years", "last_evaluated_on"]
        fields = ["id", "name", "kinds", "region", "active", "notes", "actions", "synthetic", *lifecycle]
        read_only_fields = ["synthetic", *lifecycle]


class PlanViewSet(ScopedModelViewSet):
    """应急预案：适用事件类型、编制单位区划，及各响应级别启动的措施。县级角色编制和修改；乡镇可查看本级、上级预案。"""

    queryset = Plan.objects.all()
    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    selector = staticmethod(lambda qs: selectors.plans(qs).prefetch_related("actions__department"))

    def perform_create(self, serializer):
        serializer.instance = services.plan_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.plan_update(
            actor=self.request.user, plan=serializer.instance, **serializer.validated_data
        )


class PlanActionViewSet(ScopedModelViewSet):
    """预案措施：某一响应级别（及更高级别）启动时下达的任务、责任部门和完成时限。"""

    queryset = PlanAction.objects.all()
    serializer_class = PlanActionSerializer
    filterset_class = PlanActionFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    selector = staticmethod(selectors.actions)

    def perform_create(self, serializer):
        serializer.instance = services.action_add(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("plan", None)
        serializer.instance = services.action_update(actor=self.request.user, action=serializer.instance, **data)


router.register("incident-kinds", IncidentKindViewSet, basename="incidentkind")
router.register("plans", PlanViewSet, basename="plan")
router.register("plan-actions", PlanActionViewSet, basename="planaction")
