"""Pages of a process's registers: 因灾死亡失踪人员 and 倒损住房户 (list, add, edit, delete, Excel import and
the national-layout export), the photo gallery, the quick report export and the registers' hub.

Rows come from `Model.objects.restrict(user, action)` within a process the user can see (another
township's rows are absent, another county's process is 404); writes go through registers.py (audited).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core import excel
from anlan.core.audit import audit_record, snapshot
from anlan.core.errors import shown_on
from anlan.core.kit import display_value
from anlan.core.roles import role_allows
from anlan.core.uploads import serve_upload
from anlan.core.views import xlsx_response
from anlan.sites.models import Household

from . import completeness, exports, registers
from .charts import process_charts
from .forms_registers import HouseForm, PhotoForm, VictimForm
from .models import DamagedHouse, DisasterPhoto, DisasterProcess, Victim


@dataclass(frozen=True)
class Register:
    kind: str  # "victims" | "houses": the import key and the URL part
    model: type
    form: type
    columns: tuple[str, ...]
    title: str
    export: object  # exports.victims_workbook | exports.houses_workbook

    @property
    def noun(self) -> str:
        return str(self.model._meta.verbose_name)

    def labels(self) -> list[str]:
        return [str(self.model._meta.get_field(name).verbose_name) for name in self.columns]


VICTIMS = Register(
    "victims",
    Victim,
    VictimForm,
    ("region", "name", "sex", "age", "id_number", "outcome", "occurred_on", "place", "cause"),
    "因灾死亡失踪人员",
    exports.victims_workbook,
)
HOUSES = Register(
    "houses",
    DamagedHouse,
    HouseForm,
    ("region", "head_name", "head_id_number", "phone", "address", "members", "degree", "rooms", "structure"),
    "因灾倒损住房户",
    exports.houses_workbook,
)
REGISTERS = {r.kind: r for r in (VICTIMS, HOUSES)}


def _process(request, pk) -> DisasterProcess:
    return get_object_or_404(DisasterProcess.objects.restrict(request.user, "view").select_related("region"), pk=pk)


def _require(user, action: str, model) -> None:
    if not role_allows(user, action, model):
        raise PermissionDenied("您的角色无权执行此操作")


def _rows(register: Register, user, process, action: str = "view"):
    qs = (
        register.model.objects.restrict(user, action)
        .filter(process=process)
        .select_related("region")
        .defer("region__boundary")
    )
    return qs.order_by("region_id", "pk")


def _export_name(process, title: str) -> str:
    return f"{process.name}_{title}_{timezone.localtime():%Y%m%d%H%M}.xlsx"


@login_required
def hub(request, pk):
    """The registers of one process: counts, what the 核报 still lacks, the charts and the exports."""
    process = _process(request, pk)
    may_read = role_allows(request.user, "view", Victim)
    context = {
        "process": process,
        "may_read_registers": may_read,
        "victims": _rows(VICTIMS, request.user, process).count() if may_read else None,
        "houses": _rows(HOUSES, request.user, process).count() if may_read else None,
        "photos": DisasterPhoto.objects.restrict(request.user).filter(process=process).count(),
        "charts": process_charts(process),
    }
    return render(request, "disasters/registers/hub.html", context)


@login_required
def register_list(request, pk, kind):
    register = REGISTERS[kind]
    process = _process(request, pk)
    _require(request.user, "view", register.model)
    rows = list(_rows(register, request.user, process))
    if request.GET.get("export") == "xlsx":
        audit_record(action="export", model=register.model, after={"process": process.pk, "rows": len(rows)})
        data = register.export(process, rows, request.user)
        return xlsx_response(data, _export_name(process, register.title))
    table = [
        (
            reverse("disasters:register_edit", kwargs={"pk": process.pk, "kind": kind, "item": row.pk}),
            [row.pk, *[display_value(row, name, request.user) for name in register.columns]],
        )
        for row in rows
    ]
    context = {
        "process": process,
        "register": register,
        "headers": ["ID", *register.labels()],  # the Excel import updates a row by this ID
        "table": table,
        "can_add": role_allows(request.user, "add", register.model),
        "can_change": role_allows(request.user, "change", register.model),
    }
    return render(request, "disasters/registers/list.html", context)


def _household_initial(request, process) -> dict:
    """?household=ID on the add page of a damaged house: the roster's head, phone, address and size."""
    raw = request.GET.get("household", "")
    if not raw.isdigit():
        return {}
    household = Household.objects.restrict(request.user, "view").filter(pk=int(raw)).first()
    if household is None:
        messages.error(request, "受威胁户不存在或不在您的管辖范围内")
        return {}
    return registers.house_initial_from_household(household)


@login_required
def register_edit(request, pk, kind, item=None):
    register = REGISTERS[kind]
    process = _process(request, pk)
    if item is None:
        _require(request.user, "add", register.model)
        instance = register.model(process=process)
        before = None
    else:
        _require(request.user, "change", register.model)
        instance = get_object_or_404(_rows(register, request.user, process, "change"), pk=item)
        before = snapshot(instance, with_m2m=True)
    initial = _household_initial(request, process) if register is HOUSES and item is None else {}
    data = request.POST if request.method == "POST" else None
    form = register.form(data, instance=instance, initial=initial, user=request.user, process=process)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        try:
            with shown_on(form):
                registers.record_save(actor=request.user, record=record, before=before)
        except ValidationError as exc:
            form.add_error(None, exc)
        if not form.errors:
            messages.success(request, f"{register.noun}“{record}”已保存")
            return redirect("disasters:register_list", pk=process.pk, kind=kind)
    context = {"process": process, "register": register, "form": form, "object": instance if item else None}
    if register is HOUSES and item is None:
        context["households"] = form.fields["household"].queryset
    return render(request, "disasters/registers/edit.html", context, status=400 if form.errors else 200)


@login_required
def register_delete(request, pk, kind, item):
    register = REGISTERS[kind]
    process = _process(request, pk)
    _require(request.user, "delete", register.model)
    record = get_object_or_404(_rows(register, request.user, process, "delete"), pk=item)
    if request.method == "POST":
        try:
            registers.record_delete(actor=request.user, record=record)
        except ProtectedError:
            messages.error(request, f"“{record}”仍被其他记录引用（如救助对象），不能删除")
            return redirect("disasters:register_list", pk=process.pk, kind=kind)
        messages.success(request, f"{register.noun}“{record}”已删除")
        return redirect("disasters:register_list", pk=process.pk, kind=kind)
    context = {"process": process, "register": register, "object": record}
    return render(request, "disasters/registers/delete.html", context)


@login_required
def register_import(request, pk, kind):
    register = REGISTERS[kind]
    process = _process(request, pk)
    _require(request.user, "add", register.model)
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            result = excel.ImportResult(errors=[excel.RowError(0, "文件", "请选择要导入的 Excel 文件")])
        else:
            result = registers.import_register(actor=request.user, process=process, kind=kind, upload=upload)
        if result.ok:
            messages.success(request, f"导入成功：新增 {result.created} 条，修改 {result.updated} 条")
            return redirect("disasters:register_list", pk=process.pk, kind=kind)
    context = {"process": process, "register": register, "result": result}
    return render(request, "disasters/registers/import.html", context, status=400 if result else 200)


@login_required
def register_template(request, pk, kind):
    register = REGISTERS[kind]
    _process(request, pk)
    _require(request.user, "view", register.model)
    return xlsx_response(registers.import_template(kind), f"{register.title}_导入模板.xlsx")


@login_required
def quick_report(request, pk):
    """The 自然灾害损失情况统计快报表 of the current figures (everyone who reads the process reads its figures)."""
    process = _process(request, pk)
    audit_record(action="export", obj=process, after={"table": "自然灾害损失情况统计快报表"})
    return xlsx_response(exports.quick_report_workbook(process), _export_name(process, "自然灾害损失情况统计快报表"))


@login_required
def photos(request, pk):
    """The gallery of a process's photos in the user's scope, and the upload form for those who may add."""
    process = _process(request, pk)
    _require(request.user, "view", DisasterPhoto)
    may_add = role_allows(request.user, "add", DisasterPhoto)
    form = None
    if may_add:
        form = PhotoForm(request.POST or None, request.FILES or None, process=process, user=request.user)
    if request.method == "POST":
        _require(request.user, "add", DisasterPhoto)
        if form.is_valid():
            d = form.cleaned_data
            with shown_on(form, "image"):
                registers.photo_add(
                    actor=request.user,
                    process=process,
                    region=d["region"],
                    upload=d["image"],
                    caption=d["caption"],
                    taken_at=d["taken_at"],
                    lon=d["lon"],
                    lat=d["lat"],
                )
            if not form.errors:
                messages.success(request, "照片已上传")
                return redirect("disasters:photo_list", pk=process.pk)
    items = DisasterPhoto.objects.restrict(request.user).filter(process=process).select_related("region")
    context = {
        "process": process,
        "photos": items,
        "form": form,
        "can_delete": role_allows(request.user, "delete", DisasterPhoto),
        "notice": completeness.notice(process),
    }
    return render(request, "disasters/registers/photos.html", context, status=400 if form and form.errors else 200)


@login_required
def photo_file(request, pk, item):
    """A photo, served only to users whose scope holds it (uploads are not public files)."""
    photo = DisasterPhoto.objects.restrict(request.user).filter(process_id=pk, pk=item).first()
    if photo is None or not role_allows(request.user, "view", DisasterPhoto):
        raise Http404
    return serve_upload(photo.image, photo.caption)


@login_required
@require_POST
def photo_delete(request, pk, item):
    process = _process(request, pk)
    _require(request.user, "delete", DisasterPhoto)
    photo = get_object_or_404(DisasterPhoto.objects.restrict(request.user, "delete").filter(process=process), pk=item)
    registers.record_delete(actor=request.user, record=photo)
    messages.success(request, f"照片“{photo}”已删除")
    return redirect("disasters:photo_list", pk=process.pk)
