"""Bulk inserts of the large profile: one audit entry per batch instead of one per row.

The small demo county audits each record it creates (`objects_bulk_create`). The large profile creates a
hundred thousand hidden hazards and ten thousand enterprises; there each batch is audited as one step,
as the loader audits the duty roles it assigns (`assign_duty_roles`): the entry names the model, how many
rows, and the first and last id, so the rows of the batch can be found from the audit trail. Field-level
encryption (phones, ID numbers) happens in the insert itself, as for any bulk_create.
"""

from anlan.core.audit import AuditItem, append

BATCH = 5000


def bulk_create_summarised(*, actor, county, model, instances: list, label: str, batch: int = BATCH) -> list:
    """Insert `instances` in batches, each batch audited as one `demo_bulk_create` entry."""
    created, items = [], []
    object_type = model._meta.label_lower
    total = len(instances)
    for start in range(0, total, batch):
        rows = model.objects.bulk_create(instances[start : start + batch], batch_size=1000)
        if any(obj.pk is None for obj in rows):
            raise RuntimeError("bulk_create did not return primary keys; the audit trail needs them")
        first, last = rows[0].pk, rows[-1].pk
        text = f"演示{label} {len(rows)} 条（第 {start + 1}–{start + len(rows)} 条，共 {total} 条）"
        after = {"count": len(rows), "first_id": first, "last_id": last}
        items.append(AuditItem("demo_bulk_create", object_type, "", text, county.code, None, after))
        created += rows
    if items:
        append(items, actor=actor)
    return created
