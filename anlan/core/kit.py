"""The registry kit: one registration gives a model its list, detail, create, edit, delete,
Excel template/import/export pages and its menu entry, all scoped and audited.

    register(ModelConfig(
        model=Person,
        list_columns=["name", "region", "duty_roles", "phone"],
        form_fields=["name", "region", "department", "duty_roles", "phone", "id_number"],
        filterset_class=PersonFilterSet,
        menu_group="人员与部门",
    ))

Apps register in their views.py (imported by AppConfig.ready); core.urls builds the URLs.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.forms.models import apply_limit_choices_to_to_formfield

from .fields import EncryptedCharField, names_only
from .labels import region_full_names
from .masking import note_full_id_view, visible_field_value
from .regioncodes import region_prefix
from .regions import name_region_choices, region_model
from .roles import Role, role_allows
from .scoping import scope_possible
from .validators import location_errors
from .widgets import DateOnly

__all__ = [
    "MenuLink",
    "ModelConfig",
    "all_configs",
    "all_links",
    "choice_rows",
    "config_for",
    "display_value",
    "is_region_field",
    "links_for",
    "links_offered",
    "modelform_for",
    "offered_to",
    "region_cells",
    "register",
    "register_home_notice",
    "register_link",
    "registrations",
    "role_may",
]


@dataclass
class ModelConfig:
    model: type[models.Model]
    list_columns: Sequence[str]
    form_fields: Sequence[str]
    menu_group: str
    filterset_class: type | None = None
    search_fields: Sequence[str] = ()
    detail_fields: Sequence[str] | None = None
    # Detail fields that belong to a later stage of the record, shown only then (a tip's 核查结论 once it is
    # verified, a reward's 发放 rows once it is paid): {field: statuses} — the record's `status_field` among them —
    # or {field: f(obj) -> bool}. Fields not named are always shown; lists and exports keep every column.
    fields_by_status: dict = field(default_factory=dict)
    status_field: str = "status"
    import_fields: Sequence[str] | None = None
    # Columns of the Excel export (default: the import columns, or the detail fields of read-only rows).
    export_fields: Sequence[str] | None = None
    # How a related row is named in Excel: {RelatedModel: "field"} (default: its primary key).
    natural_keys: dict = field(default_factory=dict)
    # Choices of a related field beyond `restrict(user, "view")` of its model, for forms and Excel imports:
    # {field name: f(user) -> queryset} (a household's 包保责任人 is a user that township staff may name
    # though they may not open the user registry).
    related_choices: dict = field(default_factory=dict)
    # Adds select_related/prefetch_related so lists and exports make a fixed number of queries.
    selector: Callable | None = None
    sortable: Sequence[str] | None = None
    # Labels of list/detail columns that are not model fields (properties or annotations).
    extra_labels: dict = field(default_factory=dict)
    # Extra pages of an object, shown as buttons on its detail page: [(label, url name taking pk)], or
    # (label, url name, offered) where offered(user, obj) says whether the page applies now — a step of
    # the record's workflow (`FLOW.offers("acknowledge")`) or a right (`role_may("add", "incidents.Incident")`).
    detail_links: Sequence[tuple] = ()
    # Tables of related rows under the detail: f(obj, user) -> [(title, headers, rows)].
    related_tables: Callable | None = None
    # Charts above the list, drawn from the list's own filtered rows: f(queryset, user) -> [(title, chart)]
    # with `chart` from core.charts (aggregated in SQL, so the chart and the list agree).
    list_charts: Callable | None = None
    # A ScopedModelForm subclass when the generic one is not enough (e.g. users with passwords).
    form_class: type | None = None
    importable: bool = True
    # Added to the refusal when other records still refer to a row being deleted (what to do instead).
    protected_hint: str = ""
    # URL name of the page that creates a row when that is not the generic form (a report form, an
    # intake, a map editor): the list's 新增 button leads there.
    add_url: str | None = None
    menu_label: str | None = None
    menu_order: int = 100
    icon: str = "▤"

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def label(self) -> str:
        return self.menu_label or str(self.model._meta.verbose_name_plural)

    def url_name(self, action: str) -> str:
        return f"{self.app_label}:{self.model_name}_{action}"

    def reverse(self, action: str, pk=None) -> str:
        from django.urls import reverse

        return reverse(self.url_name(action), kwargs={"pk": pk} if pk is not None else None)

    @property
    def read_only(self) -> bool:
        """Rows written only by services (stock, ledgers, workflows): no add/edit/import pages offered."""
        return not self.form_fields or getattr(self.model, "write_roles", None) == frozenset()

    def urls(self) -> dict[str, str]:
        if self.read_only:
            actions = ("list",)
        else:
            actions = ("list", "add", "import", "template") if self.importable else ("list", "add")
        urls = {action: self.reverse(action) for action in actions}
        if self.add_url:
            from django.urls import reverse

            urls["add"] = reverse(self.add_url)
        return urls

    def columns_for_import(self) -> list[str]:
        return list(self.import_fields or self.form_fields)

    def columns_for_export(self) -> list[str]:
        if self.export_fields is not None:
            return list(self.export_fields)
        if self.form_fields:
            return self.columns_for_import()
        concrete = {f.name for f in self.model._meta.concrete_fields}
        return [name for name in self.columns_for_detail() if name in concrete]

    def columns_for_detail(self) -> list[str]:
        return list(self.detail_fields or self.form_fields)

    def detail_columns_of(self, obj) -> list[str]:
        """The detail fields of `obj` at its stage (`fields_by_status`)."""
        return [name for name in self.columns_for_detail() if self.shows(obj, name)]

    def shows(self, obj, name: str) -> bool:
        when = self.fields_by_status.get(name)
        if when is None:
            return True
        if callable(when):
            return bool(when(obj))
        return getattr(obj, self.status_field) in when

    def sortable_columns(self) -> list[str]:
        if self.sortable is not None:
            return list(self.sortable)
        concrete = {f.name for f in self.model._meta.concrete_fields}
        return [c for c in self.list_columns if c in concrete]

    def queryset(self, user, action: str = "view"):
        qs = self.model.objects.restrict(user, action)
        return ensure_ordered(self.selector(qs) if self.selector else qs)

    def field(self, name: str):
        return self.model._meta.get_field(name)

    def column_label(self, name: str) -> str:
        if name in self.extra_labels:
            return self.extra_labels[name]
        return str(self.field(name).verbose_name)


def links_offered(config: "ModelConfig", user, obj) -> list[tuple[str, str]]:
    """The detail links of `obj` that apply to `user` now, as (label, url)."""
    from django.urls import reverse

    shown = []
    for label, url_name, *offered in config.detail_links:
        if not offered or offered[0](user, obj):
            shown.append((label, reverse(url_name, kwargs={"pk": obj.pk})))
    return shown


def role_may(action: str, model_label: str) -> Callable[[object, object], bool]:
    """A detail-link predicate: the user's role may take `action` on the model named "app_label.Model"
    (named by label because the page it leads to may belong to a higher layer, as its URL name does)."""
    from django.apps import apps

    return lambda user, obj: role_allows(user, action, apps.get_model(model_label))


def ensure_ordered(queryset):
    """Pages need a stable order; aggregating selectors (GROUP BY) drop Meta.ordering, so restore it."""
    if queryset.ordered:
        return queryset
    return queryset.order_by(*(queryset.model._meta.ordering or ["pk"]))


@dataclass(frozen=True)
class MenuLink:
    """A menu entry for a page that is not a registry list (forms, reports), shown when the user's
    role may take `action` on `model`."""

    group: str
    label: str
    url_name: str
    model: type
    action: str = "view"
    order: int = 100
    # An analysis of an area (by township, sector…): offered to users whose scope is an area, not to an
    # enterprise user, whose scope is one enterprise.
    regional: bool = False
    # Roles the page is meant for, when a role that may read the model has no use for it (None: all).
    roles: frozenset | None = None


_LINKS: list[MenuLink] = []
# Changes with every registration (pages and links): what is kept from the registrations (the menu per kind
# of user, core.context_processors) is kept under it.
_generation = 0


def registrations() -> int:
    return _generation


def register_link(link: MenuLink) -> MenuLink:
    global _generation
    _LINKS.append(link)
    _generation += 1
    return link


def offered_to(user, model, action: str = "view") -> bool:
    """Whether the menu (and the home page) offers `model`'s pages to `user`: the role may take `action`,
    the user's scope can hold rows of it, and for an enterprise user the rows are an enterprise's own
    (its registers, hazards, risk points, stock): county reference tables and the region tree stay
    readable where a form needs them, but are not an enterprise's work to browse."""
    if not role_allows(user, action, model) or not scope_possible(model, user):
        return False
    if getattr(user, "role", "") == Role.ENTERPRISE_USER and not user.is_superuser:
        spec = getattr(model, "scope_spec", None)
        return bool(spec and spec.enterprise)
    return True


def links_for(user) -> list[MenuLink]:
    """The menu links `user` is offered (see offered_to; area analyses not to enterprise users)."""
    enterprise = getattr(user, "role", "") == Role.ENTERPRISE_USER and not user.is_superuser
    return [
        link
        for link in all_links()
        if offered_to(user, link.model, link.action)
        and not (link.regional and enterprise)
        and (link.roles is None or user.is_superuser or getattr(user, "role", "") in link.roles)
    ]


def all_links() -> list[MenuLink]:
    return sorted(_LINKS, key=lambda link: link.order)


# Notices on the 工作台 from apps above core (the county desk's overdue daily reports …):
# f(user) -> [(text, url)], each already limited to what the user may see.
_HOME_NOTICES: list[Callable] = []


def register_home_notice(func: Callable) -> None:
    if func not in _HOME_NOTICES:
        _HOME_NOTICES.append(func)


def home_notices(user) -> list[tuple[str, str]]:
    return [notice for func in _HOME_NOTICES for notice in func(user)]


# Cards on the 工作台 drawn by apps above core (the duty desk's who-is-on-duty card): template names, each
# rendering from the page's context (context processors included) and drawing nothing when not relevant.
_HOME_CARDS: list[str] = []


def register_home_card(template_name: str) -> None:
    if template_name not in _HOME_CARDS:
        _HOME_CARDS.append(template_name)


def home_cards() -> list[str]:
    return list(_HOME_CARDS)


_REGISTRY: dict[type, ModelConfig] = {}


def register(config: ModelConfig) -> ModelConfig:
    global _generation
    unknown = set(config.fields_by_status) - set(config.columns_for_detail())
    if unknown:
        raise ImproperlyConfigured(
            f"{config.model.__name__}: fields_by_status names fields not on the detail: {unknown}"
        )
    if any(not callable(when) for when in config.fields_by_status.values()):
        config.field(config.status_field)  # a stage needs the status field it is read from
    _REGISTRY[config.model] = config
    _generation += 1
    return config


def all_configs() -> list[ModelConfig]:
    return sorted(_REGISTRY.values(), key=lambda c: (c.menu_order, c.app_label, c.model_name))


def config_for(model) -> ModelConfig:
    return _REGISTRY[model]


def _is_m2m(f) -> bool:
    return isinstance(f, models.ManyToManyField)


def display_value(obj, name: str, user, regions: Mapping[str, str] | None = None) -> str:
    """A field's value as this user may see it, in Chinese.

    `regions`: region code → name shown (`region_cells`), read for region columns instead of the row's
    region (a list names a village with its township without a join per column)."""
    try:
        f = obj._meta.get_field(name)
    except FieldDoesNotExist:  # a property or an annotation
        value = getattr(obj, name)
        return "" if value is None else str(value)
    if regions is not None and is_region_field(f):
        code = getattr(obj, f.attname)
        return "" if code is None else regions.get(code, code)
    if isinstance(f, EncryptedCharField):
        return visible_field_value(user, obj, f)
    if _is_m2m(f):
        return "；".join(str(x) for x in getattr(obj, name).all())
    if f.choices:
        return getattr(obj, f"get_{name}_display")()
    value = getattr(obj, name)
    if value is None or value == "":
        return ""
    if isinstance(f, models.BooleanField):
        return "是" if value else "否"
    if isinstance(f, models.DateTimeField):
        from django.utils import timezone

        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def is_region_field(f) -> bool:
    return isinstance(f, models.ForeignKey) and f.related_model is region_model()


def region_cells(config: ModelConfig, rows, names: Sequence[str]) -> dict[str, str]:
    """The regions named in these rows' region columns by their shown names, in one query: a village with
    its township ("龙河镇 新华村", `geo.Region.full_name`), since a county's list mixes every township's
    villages and village names repeat."""
    attnames = []
    for name in names:
        try:
            f = config.model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if is_region_field(f):
            attnames.append(f.attname)
    if not attnames:
        return {}
    return region_full_names({getattr(row, a) for row in rows for a in attnames})


def choice_rows(related_choices: Mapping, name: str, related, user):
    """The rows `user` may pick for the related field `name` (forms and Excel imports alike): the config's
    `related_choices` for the fields it names, regions the user may own records in, else the related rows the
    user may view — without their encrypted columns, since choices show names. The model field's
    `limit_choices_to` is applied by the caller."""
    if name in related_choices:
        return related_choices[name](user)
    if related is region_model():
        return regions_writable_by(user)
    if hasattr(related.objects, "restrict"):
        return names_only(related.objects.restrict(user, "view"))
    return related.objects.all()


def regions_writable_by(user):
    """The regions a user may own records in: their subtree (ancestors are view-only)."""
    Region = region_model()

    qs = Region.objects.all()
    if user.is_superuser:
        return qs
    if not user.region_id:
        return qs.none()
    return qs.filter(code__startswith=region_prefix(user.region_id))


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose related-object choices are limited to what the user may use: the config's
    `related_choices` for the fields it names, otherwise the rows of the related model the user may view
    (regions: those the user may own records in) — always within the model field's `limit_choices_to`."""

    # {field name: f(user) -> queryset}, the config's `related_choices` (set by `modelform_for`).
    related_choices: dict = {}

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        Region = region_model()
        if self.instance.pk is not None and not self.is_bound:
            _note_id_numbers_in_form(self.instance, self.fields)

        for name, form_field in self.fields.items():
            if isinstance(form_field, forms.DateField) and not isinstance(form_field, forms.DateTimeField):
                form_field.widget = DateOnly()
            if isinstance(form_field, forms.ModelMultipleChoiceField):
                form_field.widget = forms.CheckboxSelectMultiple(choices=form_field.widget.choices)
            if not isinstance(form_field, forms.ModelChoiceField):
                continue
            related = form_field.queryset.model
            if not (name in self.related_choices or related is Region or hasattr(related.objects, "restrict")):
                continue  # a code table every user may pick from: Django's own choices and message
            form_field.queryset = choice_rows(self.related_choices, name, related, user)
            if related is Region:
                name_region_choices(form_field)
            # Django applied the field's limit_choices_to to the queryset just replaced.
            apply_limit_choices_to_to_formfield(form_field)
            form_field.error_messages["invalid_choice"] = (
                "区划不存在或不在您的管辖范围内" if related is Region else "所选项不存在或不在您的管辖范围内"
            )

    def clean(self):
        data = super().clean()
        if {"lon", "lat"} <= set(self.fields) and not {"lon", "lat"} & set(self.errors):
            for field, message in location_errors(data.get("lon"), data.get("lat")).items():
                self.add_error(field, message)
        return data


def _note_id_numbers_in_form(instance, fields) -> None:
    """An edit form shows the stored ID number in full in its input: that is a view to audit too."""
    for f in instance._meta.concrete_fields:
        shown = isinstance(f, EncryptedCharField) and f.sensitive_kind == "id_number" and f.name in fields
        if shown and getattr(instance, f.name):
            note_full_id_view(instance, f.name)


def modelform_for(config: ModelConfig) -> type[ScopedModelForm]:
    """The config's `form_class`, or a ScopedModelForm of its `form_fields`; with its `related_choices`."""
    form = config.form_class or forms.modelform_factory(
        config.model, form=ScopedModelForm, fields=list(config.form_fields)
    )
    if config.related_choices and form.related_choices is not config.related_choices:
        form = type(form.__name__, (form,), {"related_choices": config.related_choices})
    return form
