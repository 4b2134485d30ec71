"""Early-warning API (CONTRACT.md): draft, issue, cancel, the CAP document, the delivery summary."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router
from anlan.geo.models import Region
from anlan.geo.polygons import check_polygon

from . import cap, selectors, services, tasks
from .filters import WarningFilterSet
from .models import Resident, Warning, WarningTask

SUMMARY = inline_serializer(
    "DeliverySummary",
    {k: serializers.IntegerField() for k in ("targeted", "queued", "sent", "failed", "acknowledged")},
)


class WarningSerializer(ScopedSerializer):
    regions = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Region.objects.all())
    polygon = serializers.JSONField(required=False, allow_null=True, help_text="GeoJSON Polygon（WGS84）")

    class Meta:
        model = Warning
        fields = [
            *("id", "identifier", "msg_type", "references", "status", "event", "category", "level", "urgency"),
            *("severity", "certainty", "headline", "description", "instruction", "regions", "polygon", "onset"),
            *("expires", "sent", "author", "issuer"),
        ]
        read_only_fields = ["identifier", "msg_type", "references", "status", "sent", "author", "issuer"]

    def validate_polygon(self, value):
        try:
            return check_polygon(value)
        except DjangoValidationError as exc:
            raise ValidationError(exc.messages) from None

    def validate(self, data):
        if not data.get("regions") and not data.get("polygon"):
            raise ValidationError({"regions": ["请选择预警区域或绘制预警范围"]})
        if data.get("onset") and data.get("expires") and data["expires"] <= data["onset"]:
            raise ValidationError({"expires": ["失效时间应晚于开始时间"]})
        return data


class TaskAssigneeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["department", "region", "team"])
    code = serializers.CharField(help_text="部门编码、区划代码或救援队伍编号")
    name = serializers.CharField()


class WarningTaskSerializer(serializers.ModelSerializer):
    """预警任务：id、责任主体 assignee {kind, code, name}、任务、完成时限 due、状态（assigned 待落实、confirmed
    已落实、closed 已关闭），以及防御措施、是否超时、落实与关闭情况。"""

    # CONTRACT.md "Warning-driven response" fixes id, assignee {kind, code}, title, due, status; the rest is
    # added for the pages and apps that show a task.

    assignee = serializers.SerializerMethodField()
    due = serializers.DateTimeField(source="due_at", allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = WarningTask
        fields = [
            *("id", "assignee", "title", "due", "status", "measures", "overdue", "confirmed_at", "confirmed_by"),
            *("note", "closed_at", "close_reason"),
        ]

    @extend_schema_field(TaskAssigneeSerializer)
    def get_assignee(self, task) -> dict:
        if task.assignee_kind == "department":
            return {"kind": "department", "code": task.department.code, "name": task.department.name}
        if task.assignee_kind == "team":
            return {"kind": "team", "code": str(task.team_id), "name": task.team.name}
        return {"kind": "region", "code": task.region_id, "name": task.region.name}

    def get_overdue(self, task) -> bool:
        return (
            task.status == WarningTask.Status.ASSIGNED and task.due_at is not None and task.due_at < self.context["now"]
        )


class WarningViewSet(ScopedModelViewSet):
    """预警（CAP 1.2）：拟稿 → 提交 → 签发；更新与撤销以 CAP references 关联原预警。"""

    queryset = Warning.objects.all()
    serializer_class = WarningSerializer
    filterset_class = WarningFilterSet
    http_method_names = ["get", "post", "head", "options"]
    scope_actions = {
        "issue": "change",
        "cancel": "change",
        "submit": "change",
        "cap": "view",
        "delivery_summary": "view",
        "tasks": "view",
        "task_confirm": "view",
    }
    selector = staticmethod(selectors.warnings)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        regions = data.pop("regions", [])
        user = self.request.user
        warning = Warning(**data, region_id=user.region_id or (regions[0].code if regions else None))
        serializer.instance = services.warning_create(actor=user, warning=warning, regions=regions)

    @extend_schema(request=None, responses=inline_serializer("WarningStatus", {"status": serializers.CharField()}))
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """提交签发（拟稿人）。"""
        warning = services.warning_submit(actor=request.user, warning=self.get_object())
        return Response({"status": warning.status})

    @extend_schema(request=None, responses=inline_serializer("WarningIssued", {"status": serializers.CharField()}))
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """签发：校验 CAP 文档，确定三级责任人、居民、企业与平台用户，写入发送队列。"""
        warning = self.get_object()
        services.warning_issue(actor=request.user, warning=warning)
        return Response({"status": "issued"})

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "WarningCancelled", {"status": serializers.CharField(), "cancel_id": serializers.IntegerField()}
        ),
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """撤销：发布一条引用原预警的 CAP Cancel。"""
        warning = self.get_object()
        follower = services.warning_follow_up(actor=request.user, warning=warning, msg_type=Warning.MsgType.CANCEL)
        return Response({"status": "cancelled", "cancel_id": follower.pk})

    @extend_schema(responses={(200, "application/xml"): str})
    @action(detail=True, methods=["get"])
    def cap(self, request, pk=None, format=None):
        """CAP 1.2 XML（按 OASIS 官方 XSD 校验）。"""
        warning = self.get_object()
        xml = cap.document(warning, list(warning.regions.order_by("code")))
        return HttpResponse(xml, content_type="application/xml; charset=utf-8")

    @extend_schema(responses=SUMMARY)
    @action(detail=True, methods=["get"], url_path="delivery-summary")
    def delivery_summary(self, request, pk=None, format=None):
        """送达情况：目标、待发送、已发送、失败、已叫应。"""
        return Response(services.summary(self.get_object()))

    def _task_rows(self, request, pk):
        """The tasks of a warning this user may see. An assignee may not read the warning itself (a township
        does not see the county's warnings) yet reads its own tasks of it; a warning the user can neither read
        nor holds a task of is a 404, like any object outside the scope."""
        if not str(pk).isdigit():
            raise Http404  # /warnings/abc/tasks/: not an id, not a 500
        warning = get_object_or_404(Warning, pk=pk)
        rows = WarningTask.objects.restrict(request.user, "view").filter(warning=tasks.current_of(warning))
        if not rows.exists() and not self.get_queryset().filter(pk=warning.pk).exists():
            raise Http404
        return rows

    @extend_schema(responses=WarningTaskSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def tasks(self, request, pk=None, format=None):
        """预警任务：签发时按现行预案响应表生成，分部门、乡镇（街道）、村（社区）和救援队伍；只列本人权限范围内的任务。"""
        rows = self._task_rows(request, pk).select_related("department", "team", "region").order_by("due_at", "id")
        data = WarningTaskSerializer(rows, many=True, context={"now": timezone.now()}).data
        return Response(data)

    @extend_schema(
        request=inline_serializer("WarningTaskConfirm", {"note": serializers.CharField(required=False)}),
        responses=WarningTaskSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"tasks/(?P<task_id>\d+)/confirm",
        filter_backends=[],
        pagination_class=None,
    )
    def task_confirm(self, request, pk=None, task_id=None, format=None):
        """措施落实：责任部门、乡镇（街道）或村（社区）确认本任务已落实，可附落实情况（300 字以内）。"""
        task = get_object_or_404(self._task_rows(request, pk), pk=task_id)
        note = request.data.get("note", "")
        if not isinstance(note, str):
            raise ValidationError({"note": ["落实情况应为文字"]})
        task = tasks.task_confirm(actor=request.user, task=task, note=note)
        task = WarningTask.objects.select_related("department", "team", "region").get(pk=task.pk)
        return Response(WarningTaskSerializer(task, context={"now": timezone.now()}).data)


router.register("warnings", WarningViewSet, basename="warning")


class WarningNoSlash(WarningViewSet):
    """CONTRACT.md spells the warning actions without a trailing slash; documented once, by the router."""

    schema = None


def contract_urlpatterns():
    from django.urls import path

    actions = [
        ("issue", "post", "issue"),
        ("cancel", "post", "cancel"),
        ("submit", "post", "submit"),
        ("cap", "get", "cap"),
        ("delivery-summary", "get", "delivery_summary"),
        ("tasks", "get", "tasks"),
    ]
    return [
        path(f"warnings/<int:pk>/{name}", WarningNoSlash.as_view({method: handler}), name=f"warning-{name}-bare")
        for name, method, handler in actions
    ]


class ResidentSerializer(ScopedSerializer):
    class Meta:
        model = Resident
        fields = ["id", "name", "region", "household", "phone", "lon", "lat", "vulnerable", "synthetic"]
        read_only_fields = ["synthetic"]


class ResidentViewSet(ScopedModelViewSet):
    """居民登记（预警到户到人）：姓名、所在村、门牌、手机号码（加密存储，按角色脱敏）。"""

    queryset = Resident.objects.all()
    serializer_class = ResidentSerializer
    selector = staticmethod(lambda qs: qs.select_related("region"))


router.register("residents", ResidentViewSet, basename="resident")
