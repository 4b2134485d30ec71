from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from anlan.core.api import router
from anlan.core.drf import StandardPagination

from . import services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "category", "title", "body", "link", "created_at", "read_at"]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """我的站内消息（只含发给本人的）；`POST read/` 标记已读（可给 ids，缺省为全部）。"""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = StandardPagination
    queryset = Notification.objects.all()

    def get_queryset(self):
        qs = Notification.objects.restrict(self.request.user)
        if self.request.query_params.get("unread") == "1":
            qs = qs.filter(read_at__isnull=True)
        return qs

    @extend_schema(
        request=inline_serializer(
            "MarkRead", {"ids": serializers.ListField(child=serializers.IntegerField(), required=False)}
        ),
        responses=inline_serializer("MarkReadResult", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"])
    def read(self, request):
        ids = request.data.get("ids") if isinstance(request.data, dict) else None
        if ids is not None and not (isinstance(ids, list) and all(isinstance(i, int) for i in ids)):
            return Response({"ids": ["应为整数列表"]}, status=400)
        return Response({"marked": services.mark_read(request.user, ids)})


router.register("inbox", NotificationViewSet, basename="notification")
