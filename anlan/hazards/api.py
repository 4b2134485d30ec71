"""Hidden hazards API (CONTRACT.md): report, read, list with filters, and workflow transitions."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router
from anlan.core.fastlist import ValuesField, ValuesListMixin
from anlan.geo.fields import LocationField

from . import services, workflow
from .filters import HiddenHazardFilterSet
from .models import HazardEvent, HazardPhoto, HiddenHazard


class HazardEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = HazardEvent
        fields = [
            "action",
            "from_status",
            "to_status",
            "actor_name",
            "comment",
            "deadline_before",
            "deadline_after",
            "at",
        ]


class HazardPhotoSerializer(serializers.ModelSerializer):
    # Photos are not public media files: they are served, scope-checked, by hazards:photo (the storage
    # URL a FileField gives would be a 404).
    image = serializers.SerializerMethodField(help_text="照片地址（登录后按管辖范围提供）")

    class Meta:
        model = HazardPhoto
        fields = ["id", "stage", "image", "uploaded_by", "uploaded_at"]

    def get_image(self, photo) -> str:
        url = reverse("hazards:photo", args=[photo.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class HiddenHazardSerializer(ScopedSerializer):
    location = LocationField()
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = HiddenHazard
        fields = [
            *("id", "title", "description", "region", "level", "deadline", "location", "status", "overdue"),
            *("source", "enterprise", "department", "responsible", "measures", "supervising_unit"),
            *("supervising_leader", "pending_deadline", "reporter_name", "created_at", "closed_at"),
        ]
        read_only_fields = [
            "status",
            "overdue",
            "responsible",
            "measures",
            "supervising_unit",
            "supervising_leader",
            "pending_deadline",
            "reporter_name",
            "created_at",
            "closed_at",
        ]


class HiddenHazardDetailSerializer(HiddenHazardSerializer):
    events = HazardEventSerializer(many=True, read_only=True)
    photos = HazardPhotoSerializer(many=True, read_only=True)

    class Meta(HiddenHazardSerializer.Meta):
        fields = [*HiddenHazardSerializer.Meta.fields, "events", "photos"]


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(workflow.FLOW))
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    responsible = serializers.CharField(required=False, allow_blank=True)
    measures = serializers.CharField(required=False, allow_blank=True)
    deadline = serializers.DateField(required=False)
    new_deadline = serializers.DateField(required=False)
    supervising_unit = serializers.CharField(required=False, allow_blank=True)
    supervising_leader = serializers.CharField(required=False, allow_blank=True)


def _overdue(status, deadline) -> bool:
    """HiddenHazard.overdue from the row's columns (the compiled list has no instances)."""
    return status != workflow.CLOSED and deadline < timezone.localdate()


class HiddenHazardViewSet(ValuesListMixin, ScopedModelViewSet):
    """隐患：上报、查询（含是否逾期）与闭环流转（交办→提交→验收销号/退回，延期申请与审批）。"""

    values_fields = {"overdue": ValuesField(("status", "deadline"), _overdue)}
    keep_count = True  # hazards change only through the audited services (hazards/services.py, workflow)

    queryset = HiddenHazard.objects.all()
    filterset_class = HiddenHazardFilterSet
    http_method_names = ["get", "post", "head", "options"]  # changes go through /transition
    scope_actions = {"transition": "view", "photos": "view"}

    def get_serializer_class(self):
        return HiddenHazardDetailSerializer if self.action == "retrieve" else HiddenHazardSerializer

    def get_queryset(self):
        # No join to the region: the serializer gives its code, which is the row's own region_id (and a
        # joined region would bring its boundary polygon, decoded for every row of the page).
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("events", "photos")
        return qs

    def perform_create(self, serializer):
        hazard = HiddenHazard(**serializer.validated_data)
        if self.request.user.role == "enterprise_user" and not hazard.enterprise_id:
            hazard.enterprise_id = self.request.user.enterprise_id
            hazard.source = HiddenHazard.Source.SELF_CHECK
        services.hazard_report(actor=self.request.user, hazard=hazard)
        serializer.instance = hazard

    @extend_schema(request=TransitionSerializer, responses=HiddenHazardDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """流转：`{"action": …, "comment": …}`，action 为 assign、submit、verify、reject、
        request_extension、approve_extension、refuse_extension。状态不允许 400，角色不允许 403，超出管辖范围 404。"""
        hazard = self.get_object()
        step = TransitionSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        data = dict(step.validated_data)
        services.hazard_transition(actor=request.user, hazard=hazard, **data)
        fresh = self.get_queryset().prefetch_related("events", "photos").get(pk=hazard.pk)
        return Response(HiddenHazardDetailSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"stage": {"type": "string"}, "image": {"type": "string", "format": "binary"}},
            }
        },
        responses=HazardPhotoSerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request, pk=None):
        """上传整改前/后照片（stage=before|after，JPEG 或 PNG，大小受限）。"""
        hazard = self.get_object()
        if request.user.role not in workflow.HOLDERS and not request.user.is_superuser:
            raise PermissionDenied("您的角色无权上传隐患照片")
        upload = request.FILES.get("image")
        if upload is None:
            raise ValidationError({"image": ["请上传照片文件"]})
        photo = services.photo_add(
            actor=request.user, hazard=hazard, stage=request.data.get("stage", ""), upload=upload
        )
        return Response(
            HazardPhotoSerializer(photo, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )


router.register("hazards", HiddenHazardViewSet, basename="hazard")


class HazardTransitionNoSlash(HiddenHazardViewSet):
    """CONTRACT.md spells the transition URL without a trailing slash; it is documented once, by the
    router's form, so this alias stays out of the schema."""

    schema = None
