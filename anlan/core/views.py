"""Generic registry views (list, detail, edit, delete, import, template, export), home and audit log.

Every view takes its ModelConfig; every queryset comes from config.queryset(user, action), i.e. the
one scoping function. Out-of-scope objects are 404; actions the role may not take are 403.
"""

import django_filters
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from . import excel, imports, search, services
from .apischema import api_schema
from .audit import audit_record, snapshot
from .errors import shown_on
from .fields import EncryptedCharField, encrypted_fields
from .filters import RegionSubtreeFilter, ScopedFilterSet
from .kit import (
    ModelConfig,
    all_configs,
    display_value,
    links_offered,
    modelform_for,
    region_cells,
)
from .labels import region_full_names, snapshot_rows
from .models import AuditEntry, ImportJob
from .roles import role_allows
from .uploads import UploadRejected

PAGE_SIZE = 50


def filterset_for(config: ModelConfig) -> type[django_filters.FilterSet]:
    """The model's FilterSet, or one built from its choice, boolean and relation list columns."""
    if config.filterset_class:
        return config.filterset_class
    fields = []
    extra = {}
    for name in config.list_columns:
        if name in config.extra_labels:
            continue
        f = config.model._meta.get_field(name)
        if name == "region" or (isinstance(f, models.ForeignKey) and f.related_model._meta.model_name == "region"):
            extra[name] = RegionSubtreeFilter(field_name=name)
        elif f.choices or isinstance(f, models.BooleanField | models.ForeignKey):
            fields.append(name)
    meta = type("Meta", (), {"model": config.model, "fields": fields})
    return type(f"{config.model.__name__}FilterSet", (ScopedFilterSet,), {"Meta": meta, **extra})


def _require(user, action: str, model) -> None:
    if not role_allows(user, action, model):
        raise PermissionDenied("您的角色无权执行此操作")


def _filtered(config: ModelConfig, request):
    qs = config.queryset(request.user, "view")
    filterset = filterset_for(config)(request.GET or None, queryset=qs, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, qs.none()
    qs = filterset.qs
    term = request.GET.get("q", "").strip()
    if term:
        # The header search's matcher (names, codes, a region's subtree, a full phone number for roles that
        # see phones): a search group's 查看全部 lists exactly the rows it counted.
        query = search.match_q(config, request.user, term[: search.MAX_LENGTH])
        if query is not None:
            qs = qs.filter(query)
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") in config.sortable_columns():
        qs = qs.order_by(sort, "pk")
    return filterset, qs


def without_related_payload(qs):
    """The queryset with the JSON and encrypted columns of its joined rows (`select_related`) deferred.

    A list row shows a related row by its name; its JSON columns are never read there, and a region's
    boundary (GeoJSON, up to hundreds of kB) decoded for every row of a page cost a fifth of the CPU of the
    county administrator's menu pages (2.3 of 11.1 s for 119 pages). Nor are its encrypted columns: a
    ranger's person had its phone and ID number decrypted for a name (no `__str__` reads an encrypted
    column: tests/core/test_names_only.py)."""
    tree = qs.query.select_related
    if not isinstance(tree, dict):  # False (no joins) or True (every foreign key): left as they are
        return qs
    deferred = []

    def walk(model, branch, prefix):
        for name, sub in branch.items():
            related = model._meta.get_field(name).related_model
            deferred.extend(
                f"{prefix}{name}__{field.name}"
                for field in related._meta.concrete_fields
                if isinstance(field, models.JSONField | EncryptedCharField)
            )
            walk(related, sub, f"{prefix}{name}__")

    walk(qs.model, tree, "")
    return qs.defer(*deferred) if deferred else qs


class ConfigView(LoginRequiredMixin, View):
    config: ModelConfig = None
    writes = False  # views that change rows: absent for read-only registries

    def dispatch(self, request, *args, **kwargs):
        if self.writes and self.config.read_only:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, pk, action: str):
        _require(self.request.user, action, self.config.model)
        return get_object_or_404(self.config.queryset(self.request.user, action), pk=pk)


class ObjectListView(ConfigView):
    def get(self, request):
        config = self.config
        _require(request.user, "view", config.model)
        filterset, qs = _filtered(config, request)
        if request.GET.get("export") == "xlsx":
            audit_record(action="export", model=config.model, after={"query": request.GET.urlencode()})
            data = excel.export_workbook(config, qs, request.user)
            stamp = timezone.localtime().strftime("%Y%m%d%H%M")
            return xlsx_response(data, f"{config.verbose_name}_{stamp}.xlsx")
        # A row's own encrypted columns that are not list columns are not read either (a hazard's reporter
        # phone: a decryption per row for a value the list does not show).
        unshown = [f.name for f in encrypted_fields(config.model) if f.name not in config.list_columns]
        listed = without_related_payload(qs.defer(*unshown) if unshown else qs)
        page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
        columns = [(name, config.column_label(name)) for name in config.list_columns]
        regions = region_cells(config, page, config.list_columns)
        rows = [
            (
                config.reverse("detail", obj.pk),
                [display_value(obj, name, request.user, regions) for name, _ in columns],
            )
            for obj in page
        ]
        query = request.GET.copy()
        query.pop("page", None)
        # Rows made inside a drill (shown only with 含演练) carry the 演练 badge.
        drill_rows = {config.reverse("detail", obj.pk) for obj in page if getattr(obj, "exercise_id", None)}
        return render(
            request,
            "core/object_list.html",
            {
                "config": config,
                "drill_rows": drill_rows,
                "urls": config.urls(),
                "filterset": filterset,
                "columns": columns,
                "sortable": config.sortable_columns(),
                "rows": rows,
                "page": page,
                "querystring": query.urlencode(),
                "can_add": role_allows(request.user, "add", config.model),
                "charts": config.list_charts(qs, request.user) if config.list_charts else [],
            },
        )


class ObjectDetailView(ConfigView):
    def get(self, request, pk):
        obj = self.get_object(pk, "view")
        names = self.config.detail_columns_of(obj)
        regions = region_cells(self.config, [obj], names)
        fields = [(self.config.column_label(name), display_value(obj, name, request.user, regions)) for name in names]
        history = []
        if role_allows(request.user, "view", AuditEntry):
            meta = obj._meta
            history = AuditEntry.objects.restrict(request.user).filter(
                object_type=f"{meta.app_label}.{meta.model_name}", object_id=str(obj.pk)
            )[:20]
        return render(
            request,
            "core/object_detail.html",
            {
                "config": self.config,
                "urls": self.config.urls(),
                "object": obj,
                "edit_url": self.config.reverse("edit", obj.pk),
                "links": links_offered(self.config, request.user, obj),
                "delete_url": self.config.reverse("delete", obj.pk),
                "fields": fields,
                "history": history,
                "related_tables": self.config.related_tables(obj, request.user) if self.config.related_tables else [],
                # Rows written only by services (workflows, ledgers) offer no edit or delete.
                "can_change": not self.config.read_only and role_allows(request.user, "change", self.config.model),
                "can_delete": not self.config.read_only and role_allows(request.user, "delete", self.config.model),
            },
        )


class ObjectEditView(ConfigView):
    writes = True

    def _form(self, request, instance):
        form_class = modelform_for(self.config)
        data = request.POST if request.method == "POST" else None
        return form_class(data, instance=instance, user=request.user)

    def _instance(self, pk):
        if pk is None:
            _require(self.request.user, "add", self.config.model)
            return None
        return self.get_object(pk, "change")

    def get(self, request, pk=None):
        instance = self._instance(pk)
        return self._render(request, self._form(request, instance), instance)

    def post(self, request, pk=None):
        instance = self._instance(pk)
        before = snapshot(instance, with_m2m=True) if instance is not None else None
        form = self._form(request, instance)
        if form.is_valid():
            obj = form.save(commit=False)
            try:
                with shown_on(form):
                    if instance is None:
                        services.object_create(actor=request.user, instance=obj, after_save=form.save_m2m)
                    else:
                        services.object_update(
                            actor=request.user, instance=obj, before=before, after_save=form.save_m2m
                        )
            except ValidationError as exc:
                form.add_error(None, exc)
            if not form.errors:
                messages.success(request, f"{self.config.verbose_name}“{obj}”已保存")
                return redirect(self.config.url_name("detail"), pk=obj.pk)
        return self._render(request, form, instance, status=400)

    def _render(self, request, form, instance, status=200):
        context = {"config": self.config, "urls": self.config.urls(), "form": form, "object": instance}
        return render(request, "core/object_edit.html", context, status=status)


class ObjectDeleteView(ConfigView):
    writes = True

    def get(self, request, pk):
        obj = self.get_object(pk, "delete")
        context = {"config": self.config, "object": obj, "detail_url": self.config.reverse("detail", obj.pk)}
        return render(request, "core/object_delete.html", context)

    def post(self, request, pk):
        obj = self.get_object(pk, "delete")
        try:
            services.object_delete(actor=request.user, instance=obj)
        except ProtectedError:
            hint = f"；{self.config.protected_hint}" if self.config.protected_hint else ""
            messages.error(request, f"“{obj}”仍被其他记录引用，不能删除{hint}")
            return redirect(self.config.url_name("detail"), pk=obj.pk)
        messages.success(request, f"{self.config.verbose_name}“{obj}”已删除")
        return redirect(self.config.url_name("list"))


class ObjectImportView(ConfigView):
    writes = True

    def dispatch(self, request, *args, **kwargs):
        if not self.config.importable:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        _require(request.user, "add", self.config.model)
        return render(request, "core/object_import.html", self._context(request))

    def _context(self, request, **extra):
        jobs = ImportJob.objects.restrict(request.user).filter(model_label=self.config.model._meta.label_lower)[:5]
        url_name = self.config.url_name("import_job")
        return {
            "config": self.config,
            "urls": self.config.urls(),
            "jobs": [(job, reverse(url_name, kwargs={"job_id": job.pk})) for job in jobs],
            "max_rows": settings.ANLAN_IMPORT_MAX_ROWS,
            "background_rows": settings.ANLAN_IMPORT_BACKGROUND_ROWS,
            **extra,
        }

    def post(self, request):
        _require(request.user, "add", self.config.model)
        upload = request.FILES.get("file")
        if upload is None:
            return self._failed(request, [excel.RowError(0, "文件", "请选择要导入的 Excel 文件")])
        try:
            excel.check_upload(upload)
            if excel.has_more_rows_than(upload, settings.ANLAN_IMPORT_BACKGROUND_ROWS):
                # Big files run in the background; the page follows the job's progress.
                job = imports.submit(self.config, upload, request.user)
                return redirect(self.config.url_name("import_job"), job_id=job.pk)
        except excel.ImportRejected as rejected:
            return self._failed(request, rejected.errors)
        except UploadRejected as rejected:
            return self._failed(request, [excel.RowError(0, "文件", str(rejected))])
        result = excel.import_workbook(self.config, upload, request.user)
        if result.ok:
            messages.success(request, f"导入成功：新增 {result.created} 条，修改 {result.updated} 条")
            return redirect(self.config.url_name("list"))
        return self._failed(request, result.errors)

    def _failed(self, request, errors):
        context = self._context(request, result=excel.ImportResult(errors=errors))
        return render(request, "core/object_import.html", context, status=400)


class ImportJobView(ConfigView):
    """A background import's progress (polled by htmx every 2 s until it ends) and, when it failed, the
    row-by-row error report. Only the user who uploaded sees it."""

    def get(self, request, job_id):
        job = get_object_or_404(
            ImportJob.objects.restrict(request.user), pk=job_id, model_label=self.config.model._meta.label_lower
        )
        errors = [excel.RowError(*e) for e in job.errors]
        context = {"config": self.config, "urls": self.config.urls(), "job": job, "errors": errors}
        context["poll_url"] = reverse(self.config.url_name("import_job"), kwargs={"job_id": job.pk})
        template = "core/import_job_status.html" if request.headers.get("HX-Request") else "core/import_job.html"
        return render(request, template, context)


class ObjectTemplateView(ObjectImportView):
    def get(self, request):
        _require(request.user, "view", self.config.model)
        return xlsx_response(excel.template_workbook(self.config), f"{self.config.verbose_name}_导入模板.xlsx")


def year_param(request, *, ahead: int = 1, first: int = 2019) -> int:
    """The `?year=` of a yearly page (plans, drills, tasks): this year when absent, not a number, or outside
    `first` … this year + `ahead` (a typed address never asks for year 0 or 99999)."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        return today.year
    return year if first <= year <= today.year + ahead else today.year


def attachment_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download with a Chinese file name (RFC 5987 encoding, understood by every current browser)."""
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    return attachment_response(data, filename, excel.XLSX_CONTENT_TYPE)


def docx_response(data: bytes, filename: str) -> HttpResponse:
    from anlan.core.documents import DOCX_CONTENT_TYPE

    return attachment_response(data, filename, DOCX_CONTENT_TYPE)


def kit_urlpatterns(app_label: str):
    """The registry-kit URLs of every model that app registered (include them in the app's urls.py)."""
    return [p for config in all_configs() if config.app_label == app_label for p in model_urlpatterns(config)]


def model_urlpatterns(config: ModelConfig):
    from django.urls import path

    from . import converters

    name = config.model_name
    kwargs = {"config": config}
    pk = f"<{converters.pk_converter(config.model)}:pk>"
    return [
        path(f"{name}/", ObjectListView.as_view(**kwargs), name=f"{name}_list"),
        path(f"{name}/add/", ObjectEditView.as_view(**kwargs), name=f"{name}_add"),
        path(f"{name}/import/", ObjectImportView.as_view(**kwargs), name=f"{name}_import"),
        path(f"{name}/import/jobs/<rowid:job_id>/", ImportJobView.as_view(**kwargs), name=f"{name}_import_job"),
        path(f"{name}/template.xlsx", ObjectTemplateView.as_view(**kwargs), name=f"{name}_template"),
        path(f"{name}/{pk}/", ObjectDetailView.as_view(**kwargs), name=f"{name}_detail"),
        path(f"{name}/{pk}/edit/", ObjectEditView.as_view(**kwargs), name=f"{name}_edit"),
        path(f"{name}/{pk}/delete/", ObjectDeleteView.as_view(**kwargs), name=f"{name}_delete"),
    ]


class SearchView(LoginRequiredMixin, View):
    """/search/?q=: the header search over every registry the user is offered (core.search)."""

    def get(self, request):
        results = search.search(request.user, request.GET.get("q", ""))
        return render(request, "core/search.html", {"results": results, "q": request.GET.get("q", "")})


class AuditListView(LoginRequiredMixin, View):
    """The audit trail for county administrators, filterable by object, actor and action."""

    def get(self, request):
        _require(request.user, "view", AuditEntry)
        qs = AuditEntry.objects.restrict(request.user)
        for param, lookup in (("object_type", "object_type"), ("object_id", "object_id"), ("action", "action")):
            if request.GET.get(param):
                qs = qs.filter(**{lookup: request.GET[param]})
        if request.GET.get("actor"):
            qs = qs.filter(actor_name__icontains=request.GET["actor"])
        page = Paginator(qs.order_by("-id"), PAGE_SIZE).get_page(request.GET.get("page"))
        names = region_full_names({e.region_code for e in page})
        for e in page:
            # By name (a village with its township); the code only for a region no longer in the tree.
            e.region_display = names.get(e.region_code, e.region_code)
        query = request.GET.copy()
        query.pop("page", None)
        return render(request, "core/audit_list.html", {"page": page, "querystring": query.urlencode()})


class AuditDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        _require(request.user, "view", AuditEntry)
        entry = AuditEntry.objects.restrict(request.user).filter(pk=pk).first()
        if entry is None:
            raise Http404
        changes = snapshot_rows(entry.object_type, entry.before, entry.after)
        return render(request, "core/audit_detail.html", {"entry": entry, "changes": changes})


class ApiDocsView(LoginRequiredMixin, View):
    """API reference rendered on the server from the OpenAPI document (no Swagger UI from a CDN)."""

    def get(self, request):
        schema = api_schema()  # built once per process (core.apischema)
        operations = []
        for path_name, methods in schema.get("paths", {}).items():
            for method, op in methods.items():
                params = [(p.get("name"), p.get("in"), p.get("description", "")) for p in op.get("parameters", [])]
                operations.append(
                    {
                        "path": path_name,
                        "method": method.upper(),
                        "summary": (op.get("description") or op.get("summary") or "").strip(),
                        "params": params,
                    }
                )
        return render(request, "core/api_docs.html", {"operations": operations, "info": schema.get("info", {})})
