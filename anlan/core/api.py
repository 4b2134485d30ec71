"""API base: role permission, pagination, scoped viewsets and the one router every app registers with.

The authorization-matrix test walks `router.registry`, so any viewset an app registers here is
covered by it without the test being edited.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from rest_framework import serializers, viewsets
from rest_framework.routers import DefaultRouter

from . import services
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
