"""Training API (read-only): `GET /api/v1/training/trainees/`, `/training/sessions/`, `/training/certificates/`
(and `/ID/`) — the caller's scope only (a township its own, a department its own, an enterprise its staff),
phones masked for roles without need. Writes go through the pages and their services."""

from rest_framework import serializers

from anlan.core.api import ScopedModelViewSet, ScopedSerializer, router

from .models import Certificate, Trainee, TrainingSession


class TraineeSerializer(ScopedSerializer):
    class Meta:
        model = Trainee
        fields = [
            *("id", "name", "category", "unit_kind", "region", "department", "enterprise", "team", "position"),
            *("phone", "active"),
        ]
        read_only_fields = fields


class TrainingSessionSerializer(ScopedSerializer):
    attended = serializers.IntegerField(read_only=True, help_text="到课人数")

    class Meta:
        model = TrainingSession
        fields = [
            *("id", "course", "title", "region", "department", "enterprise", "starts_on", "ends_on", "place"),
            *("trainer", "capacity", "hours", "attended"),
        ]
        read_only_fields = fields


class CertificateSerializer(ScopedSerializer):
    class Meta:
        model = Certificate
        fields = ["id", "trainee", "kind", "number", "issuer", "issued_on", "expires_on", "exam"]
        read_only_fields = fields


class TraineeViewSet(ScopedModelViewSet):
    """参训人员（只读）：人员类别、所属单位、在岗状态；手机号码按角色打码。"""

    queryset = Trainee.objects.all()
    serializer_class = TraineeSerializer
    http_method_names = ["get", "head", "options"]
    selector = staticmethod(lambda qs: qs.order_by("region_id", "name", "id"))


class TrainingSessionViewSet(ScopedModelViewSet):
    """培训班（只读）：课程、组织单位、日期、学时和到课人数。"""

    queryset = TrainingSession.objects.all()
    serializer_class = TrainingSessionSerializer
    http_method_names = ["get", "head", "options"]

    @staticmethod
    def selector(qs):
        from django.db.models import Count, Q

        return qs.annotate(attended=Count("attendances", filter=Q(attendances__attended=True))).order_by(
            "-starts_on", "-id"
        )


class CertificateViewSet(ScopedModelViewSet):
    """证书（只读）：持证人、类别、编号、发证日期和有效期。"""

    queryset = Certificate.objects.all()
    serializer_class = CertificateSerializer
    http_method_names = ["get", "head", "options"]
    selector = staticmethod(lambda qs: qs.order_by("expires_on", "id"))


router.register("training/trainees", TraineeViewSet, basename="training-trainee")
router.register("training/sessions", TrainingSessionViewSet, basename="training-session")
router.register("training/certificates", CertificateViewSet, basename="training-certificate")
