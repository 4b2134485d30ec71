"""The registers filed with a 核报 (§4.3): 因灾死亡失踪人员, 倒损住房户 and photos — written here only.

Every write goes through core.services (full_clean with the model's rules — a valid 18-digit ID number,
a region in a township the process hit —, the scope check after saving, the audit entry in the same
transaction). Registers stay open after the 核报: the figures go up first and the attachments follow
(completeness.py), so nothing here is locked by the process's status.
"""

from django.db import transaction

from anlan.core import excel, services
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.kit import ModelConfig, regions_writable_by
from anlan.core.roles import role_allows
from anlan.core.uploads import UploadRejected, check_upload
from anlan.geo.models import Region

from .models import DamagedHouse, DisasterPhoto, DisasterProcess, Victim

__all__ = [
    "HOUSE_FIELDS",
    "IMPORTS",
    "VICTIM_FIELDS",
    "house_initial_from_household",
    "import_register",
    "import_template",
    "photo_add",
    "record_delete",
    "record_save",
    "regions_for",
]

VICTIM_FIELDS = [
    "region",
    "name",
    "id_number",
    "sex",
    "age",
    "outcome",
    "occurred_on",
    "place",
    "cause",
    "resident",
    "note",
]
HOUSE_FIELDS = [
    "region",
    "head_name",
    "head_id_number",
    "phone",
    "address",
    "members",
    "degree",
    "rooms",
    "structure",
    "note",
]

# The Excel import of each register: the columns of its form; the process is the page's, never a column.
IMPORTS = {
    "victims": ModelConfig(model=Victim, list_columns=VICTIM_FIELDS, form_fields=VICTIM_FIELDS, menu_group="灾情"),
    "houses": ModelConfig(model=DamagedHouse, list_columns=HOUSE_FIELDS, form_fields=HOUSE_FIELDS, menu_group="灾情"),
}


def regions_for(process: DisasterProcess, user):
    """Where this user may place a register row of the process: their own subtree, inside the townships
    the process hit (the townships and their villages)."""
    prefixes = [code[:9] for code in process.regions.values_list("code", flat=True)]
    qs = regions_writable_by(user).filter(code__in=_subtree_codes(prefixes))
    return qs.only("code", "name").order_by("code")


def _subtree_codes(prefixes: list[str]):
    from django.db.models import Q

    query = Q(pk__in=[])
    for prefix in prefixes:
        query |= Q(code__startswith=prefix)
    return Region.objects.filter(query).values("code")


def _require(actor, action: str, model) -> None:
    if not role_allows(actor, action, model):
        raise NotAllowed("disasters.register_role", "您的角色无权修改灾情台账")


def _normalise(record) -> None:
    """ID numbers end in an upper-case X (GB 11643); names and addresses without stray spaces."""
    for name in ("id_number", "head_id_number"):
        if getattr(record, name, None):
            setattr(record, name, getattr(record, name).strip().upper())
    for name in ("name", "head_name", "address", "place"):
        if getattr(record, name, None):
            setattr(record, name, getattr(record, name).strip())


def record_save(*, actor, record, before: dict | None = None):
    """Create (before is None) or update a Victim or DamagedHouse; ValidationError/DomainError on bad input."""
    _require(actor, "add" if before is None else "change", type(record))
    _normalise(record)
    if before is None:
        return services.object_create(actor=actor, instance=record)
    return services.object_update(actor=actor, instance=record, before=before)


def record_delete(*, actor, record) -> None:
    _require(actor, "delete", type(record))
    services.object_delete(actor=actor, instance=record)
    if isinstance(record, DisasterPhoto) and record.image:
        # The file goes once the row is gone for good (a rolled-back delete keeps both).
        name, storage = record.image.name, record.image.storage
        transaction.on_commit(lambda: storage.delete(name))


def house_initial_from_household(household) -> dict:
    """The form's first values for a damaged house picked from the threatened-household roster."""
    return {
        "household": household.pk,
        "region": household.region_id,
        "head_name": household.head_name,
        "phone": household.phone,
        "address": household.address,
        "members": household.people,
    }


def photo_add(*, actor, process: DisasterProcess, region, upload, caption: str, taken_at=None, lon=None, lat=None):
    """A JPEG or PNG within the size limit, re-encoded (core.uploads), stored under a generated name."""
    _require(actor, "add", DisasterPhoto)
    try:
        checked = check_upload(upload, images_only=True)
    except UploadRejected as exc:
        raise DomainError("disasters.photo_rejected", str(exc).replace("文件", "照片"), field="image") from None
    photo = DisasterPhoto(
        process=process, region=region, caption=(caption or "").strip(), taken_at=taken_at, lon=lon, lat=lat
    )
    photo.image.save(checked.stored_name, checked.as_file(), save=False)
    name, storage = photo.image.name, photo.image.storage
    try:
        return services.object_create(actor=actor, instance=photo)
    except Exception:
        storage.delete(name)  # a refused row (region outside the process, out of scope) leaves no file
        raise


def import_template(kind: str) -> bytes:
    return excel.template_workbook(IMPORTS[kind])


def import_register(*, actor, process: DisasterProcess, kind: str, upload) -> excel.ImportResult:
    """One register's Excel file, atomically: every row valid (row-by-row errors otherwise) or nothing
    written. New rows join this process; an "ID" column updates rows of this process only."""
    config = IMPORTS[kind]
    _require(actor, "add", config.model)
    try:
        excel.check_upload(upload)
    except excel.ImportRejected as rejected:
        return excel.ImportResult(errors=rejected.errors)
    return excel.import_workbook(config, upload, actor, fixed={"process": process})
