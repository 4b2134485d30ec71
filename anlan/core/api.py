"""API base: role permission, pagination, scoped viewsets and the one router every app registers with.

The authorization-matrix test walks `router.registry`, so any viewset an app registers here is
covered by it without the test being edited.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from . import fastlist, search, services
from .audit import snapshot
from .drf import RolePermission, StandardPagination, view_action
from .fields import EncryptedCharField
from .kit import ensure_ordered, regions_writable_by
from .masking import visible_field_value
from .regions import region_model

router = DefaultRouter(trailing_slash=True)

__all__ = [
    "RolePermission",
    "ScopedModelViewSet",
    "ScopedSerializer",
    "StandardPagination",
    "router",
    "view_action",
]


class ScopedSerializer(serializers.ModelSerializer):
    """Masks sensitive fields for roles without need, and limits related choices to the user's scope."""

    def get_fields(self):
        fields = super().get_fields()
        _allow_blank_choices(self.Meta.model, fields)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return fields
        Region = region_model()

        for field in fields.values():
            # A many-valued field (many=True) checks each value with its child: scope the child, or a
            # list of codes could name rows (e.g. warning regions) outside the user's scope.
            relation = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
            related = getattr(relation, "queryset", None)
            if related is None:
                continue
            model = related.model
            if model is Region:
                relation.queryset = regions_writable_by(user)
            elif hasattr(model.objects, "restrict"):
                relation.queryset = model.objects.restrict(user, "view")
            # Each related field names the value its own way (pk_value for ids, value for codes).
            placeholder = "{value}" if isinstance(relation, serializers.SlugRelatedField) else "{pk_value}"
            relation.error_messages["does_not_exist"] = f"“{placeholder}”不存在或不在您的管辖范围内"
        return fields

    def to_internal_value(self, data):
        _refuse_nul_in_lookups(data, self.fields)
        return super().to_internal_value(data)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in instance._meta.concrete_fields:
            if isinstance(field, EncryptedCharField) and field.name in data:
                data[field.name] = visible_field_value(user, instance, field)
        return data


# Its related-choice scoping concerns writes, and compiled lists mask encrypted fields themselves.
fastlist.allow_plain_methods(ScopedSerializer.get_fields, ScopedSerializer.to_representation)


def _refuse_nul_in_lookups(data, fields) -> None:
    """A related value is looked up before any validator runs, and PostgreSQL refuses a NUL character in
    a query (DataError, a 500 schemathesis found). DRF's text fields already refuse NUL; refuse it here
    for the lookups too, naming the field."""
    if not hasattr(data, "get"):
        return
    errors = {}
    for name, field in fields.items():
        if field.read_only or not isinstance(field, serializers.RelatedField | serializers.ManyRelatedField):
            continue
        raw = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        values = raw if isinstance(raw, list) else [raw]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            errors[name] = ["不能包含空字符（\\0）"]
    if errors:
        raise serializers.ValidationError(errors)


def _allow_blank_choices(model, fields) -> None:
    """A choice field that may be blank holds "" until it is set (an incident not yet graded, a risk point
    not yet assessed). DRF drops allow_blank from read-only fields, so the published schema listed only
    the choices and every such response was off-schema (issue 12, finding 14): put it back."""
    for name, field in fields.items():
        if not (isinstance(field, serializers.ChoiceField) and field.read_only):
            continue
        try:
            model_field = model._meta.get_field(field.source or name)
        except FieldDoesNotExist:  # a source that is not a model field (a property, a path)
            continue
        if getattr(model_field, "blank", False) and model_field.choices and not model_field.null:
            field.allow_blank = True


class ScopedModelViewSet(viewsets.ModelViewSet):
    """CRUD over `restrict(user, action)` querysets; writes go through the audited services."""

    selector = None  # optional callable(queryset) adding select_related/prefetch_related

    def get_queryset(self):
        action = view_action(self.request, self)
        qs = self.queryset.model.objects.restrict(self.request.user, action)
        return ensure_ordered(self.selector(qs) if self.selector else qs)

    def perform_create(self, serializer):
        with transaction.atomic():
            model = serializer.Meta.model
            instance = model(**_plain(model, serializer.validated_data))
            services.object_create(
                actor=self.request.user,
                instance=instance,
                after_save=lambda: _set_m2m(instance, serializer.validated_data),
            )
            serializer.instance = instance

    def perform_update(self, serializer):
        instance = serializer.instance
        before = snapshot(instance, with_m2m=True)
        for key, value in _plain(type(instance), serializer.validated_data).items():
            setattr(instance, key, value)
        services.object_update(
            actor=self.request.user,
            instance=instance,
            before=before,
            after_save=lambda: _set_m2m(instance, serializer.validated_data),
        )

    def perform_destroy(self, instance):
        services.object_delete(actor=self.request.user, instance=instance)


def _m2m_names(model) -> set[str]:
    return {f.name for f in model._meta.many_to_many}


def _plain(model, data: dict) -> dict:
    names = _m2m_names(model)
    return {k: v for k, v in data.items() if k not in names}


def _set_m2m(instance, data: dict) -> None:
    for key in _m2m_names(type(instance)) & set(data):
        getattr(instance, key).set(data[key])


class SearchHitSerializer(serializers.Serializer):
    id = serializers.CharField(source="pk")
    name = serializers.CharField()
    url = serializers.CharField(help_text="详情页地址")
    region = serializers.CharField(source="region_code", help_text="所属区划代码（无则为空）")
    region_name = serializers.CharField()


class SearchGroupSerializer(serializers.Serializer):
    registry = serializers.CharField(help_text="台账：app_label.model_name")
    label = serializers.CharField(help_text="台账名称")
    count = serializers.IntegerField(help_text="命中总条数")
    list_url = serializers.CharField(source="more_url", help_text="按同一关键字筛选的列表页")
    results = SearchHitSerializer(many=True, source="hits")


class SearchResultsSerializer(serializers.Serializer):
    q = serializers.CharField(source="term")
    message = serializers.CharField(help_text="关键字如何被理解（如按完整电话号码查找）；无则为空")
    total = serializers.IntegerField()
    groups = SearchGroupSerializer(many=True)


class SearchView(APIView):
    """全局搜索：在调用者有权查看的全部台账中查找名称、编码、统一社会信用代码、区划代码（6/9/12 位，含下辖），
    以及完整电话号码（仅限能看到完整电话的角色）。按台账分组，每组给出总条数和前 `per_group` 条（默认 5，最多 20）。
    关键字为空、少于 2 个字或多于 50 个字时返回 400。与页面 /search/ 相同（core.search）。"""

    serializer_class = SearchResultsSerializer

    @extend_schema(
        responses=SearchResultsSerializer,
        parameters=[
            OpenApiParameter("q", str, required=True, description="关键字，2–50 个字"),
            OpenApiParameter("per_group", int, description="每组列出的条数，1–20，默认 5"),
        ],
    )
    def get(self, request):
        term, message = search.clean_term(request.query_params.get("q", ""))
        if not term:
            raise ValidationError({"q": [message]})
        raw = request.query_params.get("per_group", str(search.PER_GROUP))
        if not raw.isdigit() or not 1 <= int(raw) <= 20:
            raise ValidationError({"per_group": ["应为 1 到 20 的整数"]})
        results = search.search(request.user, term, per_group=int(raw))
        return Response(SearchResultsSerializer(results).data)
