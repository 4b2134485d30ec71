"""Generic audited writes used by the registry kit (views, API, imports).

Domain apps write through their own services for workflow steps; plain registry CRUD comes through
here so that each create, update and delete is atomic and audited in the same transaction.
`after_save` lets a caller set many-to-many relations (ModelForm.save_m2m) before the audit snapshot.
"""

from collections.abc import Callable

from django.db import transaction

from .audit import audit_bulk_create, audit_changes, audit_record, snapshot
from .errors import DomainError
from .validators import validate_instance_location


def _check_visible(actor, instance) -> None:
    if actor is None or not hasattr(type(instance).objects, "restrict"):
        return
    if not type(instance).objects.restrict(actor, "view").filter(pk=instance.pk).exists():
        # The written row would fall outside the writer's scope: the transaction is rolled back.
        raise DomainError("scope.outside_after_save", "保存后的记录不在您的管辖范围内，已撤销")


@transaction.atomic
def object_create(*, actor, instance, after_save: Callable | None = None):
    validate_instance_location(instance)
    instance.full_clean()
    instance.save()
    if after_save:
        after_save()
    _check_visible(actor, instance)
    audit_record(action="create", obj=instance, actor=actor, after=snapshot(instance, with_m2m=True))
    return instance


@transaction.atomic
def object_update(*, actor, instance, before: dict, after_save: Callable | None = None):
    validate_instance_location(instance)
    instance.full_clean()
    instance.save()
    if after_save:
        after_save()
    _check_visible(actor, instance)
    audit_changes(action="update", obj=instance, actor=actor, before=before, after=snapshot(instance, with_m2m=True))
    return instance


@transaction.atomic
def object_delete(*, actor, instance):
    pk = instance.pk
    audit_record(action="delete", obj=instance, actor=actor, before=snapshot(instance, with_m2m=True))
    instance.delete()
    instance.pk = pk
    return instance


@transaction.atomic
def objects_bulk_create(*, actor, model, instances, batch_size: int = 1000):
    """Insert many rows and audit each in one more bulk insert (no per-row queries)."""
    created = model.objects.bulk_create(instances, batch_size=batch_size)
    if any(obj.pk is None for obj in created):
        raise RuntimeError("bulk_create did not return primary keys; the audit trail needs them")
    audit_bulk_create(created, actor=actor)
    return created
