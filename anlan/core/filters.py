"""Filters shared by list pages and the API (one FilterSet per model serves both)."""

import weakref

import django_filters
from django import forms
from django.conf import settings
from django.utils import translation
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension

from .fields import names_only
from .regioncodes import region_prefix
from .regions import region_model
from .validators import validate_region_code


class RegionSubtreeFilter(django_filters.CharFilter):
    """`?region=CODE` keeps records owned anywhere in that region's subtree."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "所属区划")
        kwargs.setdefault("validators", [validate_region_code])
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        from .scoping import column_path

        return qs.filter(**{f"{column_path(qs.model, self.field_name)}__startswith": region_prefix(value)})


class StrictFilterForm(forms.Form):
    """A yes/no filter with a value it cannot read (`?active=maybe`) silently matched everything; now it is
    an error, so the API answers 400 naming the parameter (DjangoFilterBackend raises on form errors)
    and a list page shows the message on the filter."""

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            raw = self.data.get(self.add_prefix(name))
            if isinstance(field, forms.NullBooleanField) and raw not in (None, "") and data.get(name) is None:
                self.add_error(name, f"应为 true 或 false，而不是“{raw}”")
        return data


# Records made inside a drill (演练模式, `exercise` set) are left out of every list, and so of every count
# made with a list's FilterSet (the 工作台, the situation API, list charts), unless asked for.
DRILLS_FILTER = "drills"
DRILLS_CHOICES = [("include", "含演练"), ("only", "仅演练")]


# FilterSet class → its form class (weak: a FilterSet class made per request, e.g. from filterset_fields, goes).
_FORM_CLASSES: "weakref.WeakKeyDictionary[type, type]" = weakref.WeakKeyDictionary()


def _region_choices(regions):
    def choices():
        return [("", "全部"), *regions.values_list("code", "name")]

    return choices


class ScopedFilterSet(django_filters.FilterSet):
    """Base FilterSet: offers the user's own regions as choices for region filters in the UI; strict about
    values it cannot read (StrictFilterForm). For models a drill can write (an `exercise` marker) it adds
    `?drills=include|only` and otherwise shows real records only (`hides_drills`; the API's detail
    actions turn it off, see StrictFilterBackend)."""

    hides_drills = True

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        model = cls._meta.model
        if model is not None and DRILLS_FILTER not in filters and _marks_drills(model):
            filters[DRILLS_FILTER] = django_filters.ChoiceFilter(
                label="演练记录", choices=DRILLS_CHOICES, empty_label="不含演练", method="filter_drills"
            )
        return filters

    def filter_drills(self, queryset, name, value):
        from .scoping import exercise_path

        path = exercise_path(queryset.model)
        return queryset.filter(**{f"{path}__isnull": False}) if value == "only" else queryset

    @property
    def qs(self):
        queryset = super().qs
        if not self.is_bound and self.hides_drills and DRILLS_FILTER in self.filters:
            # A list opened without parameters (a page's first view) leaves drill records out too.
            queryset = _real(queryset)
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if DRILLS_FILTER in self.filters and self.hides_drills and not self.form.cleaned_data.get(DRILLS_FILTER):
            queryset = _real(queryset)
        return queryset

    def get_form_class(self):
        """The form class is the same for every instance of a FilterSet class: made once (django-filter makes
        its fields and a class on every request, ~0.5 ms of an API list's CPU, issue 21). The form instance
        still gets its own copies of the fields, which `__init__` scopes to the user. A filter whose queryset
        is a callable (it may depend on the request) keeps the class being made each time."""
        cls = type(self)
        form = _FORM_CLASSES.get(cls)
        if form is None:
            form = super().get_form_class()
            if not issubclass(form, StrictFilterForm):
                form = type(form.__name__, (StrictFilterForm, form), {})
            if not any(callable(getattr(f, "queryset", None)) for f in self.filters.values()):
                _FORM_CLASSES[cls] = form
        return form

    def __init__(self, *args, request=None, drawn=True, **kwargs):
        """`drawn=False` (the API's backend): the form is only read, never drawn, so only the choices of the
        parameters actually sent are scoped (an absent one is never looked up) and the region drop-down is not
        made — each of these cost a scoped queryset per API request (issue 21)."""
        super().__init__(*args, request=request, **kwargs)
        self._speak_chinese()
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        Region = region_model()

        for name, flt in self.filters.items():
            if not drawn and name not in self.data:
                continue
            form_field = self.form.fields.get(name)
            model = getattr(getattr(form_field, "queryset", None), "model", None)
            if model is not None and hasattr(model.objects, "restrict"):
                # Choices in filter drop-downs obey the scope too (no names from other townships), and an
                # option shows a name: its row's phones and ID numbers are not read (nor decrypted).
                form_field.queryset = names_only(model.objects.restrict(user))
            if isinstance(flt, RegionSubtreeFilter):
                # County users pick among townships; township users among their villages too.
                levels = ["county", "township"] + (["village"] if user.region_id[6:] != "000000" else [])
                regions = Region.objects.restrict(user).filter(level__in=levels)
                # Read when a page renders the drop-down, not on every API request (a query and ~30 rows
                # per list call, issue 21): a callable's choices are evaluated when iterated.
                self.form.fields[name].widget = forms.Select(choices=_region_choices(regions))

    def _speak_chinese(self) -> None:
        """Labels and empty choices in Chinese whatever the request's language: a filter without a label of
        its own is named by its model field's verbose name (django-filter falls back to the field's English
        name, "Live status", where it cannot find one), an empty choice reads 全部 (not "---------")."""
        model = self._meta.model
        for name, form_field in self.form.fields.items():
            if name == DRILLS_FILTER:
                continue  # its empty choice means 不含演练, not 全部
            if not _has_chinese(str(form_field.label or "")):
                verbose = _verbose_name(model, self.filters[name].field_name)
                if verbose:
                    form_field.label = verbose
            if isinstance(form_field, forms.NullBooleanField):
                form_field.widget = YesNoSelect()
            elif getattr(form_field, "empty_label", None) is not None:
                form_field.empty_label = "全部"  # read when the choices are drawn (no query here)


class YesNoSelect(forms.NullBooleanSelect):
    """Django's yes/no select (the same values read the same way) offering 全部/是/否 in any language."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", "全部"), ("true", "是"), ("false", "否")]


def _marks_drills(model) -> bool:
    from .scoping import exercise_path

    return exercise_path(model) is not None


def _real(queryset):
    """The queryset without drill rows (core.scoping.ScopedQuerySet.real, for any queryset)."""
    from .scoping import exercise_path

    path = exercise_path(queryset.model)
    return queryset if path is None else queryset.filter(**{f"{path}__isnull": True})


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def _verbose_name(model, path: str) -> str:
    """The verbose name of the field a filter's path ends at ("sensor__region" → the sensor's region)."""
    from django.core.exceptions import FieldDoesNotExist

    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return ""
        model = getattr(field, "related_model", None) or model
    # Django's own models' names are translated (User.is_active); the platform reads Chinese first.
    with translation.override(settings.LANGUAGE_CODE):
        return str(getattr(field, "verbose_name", "") or "")


class StrictFilterBackend(DjangoFilterBackend):
    """The API's filter backend (settings DEFAULT_FILTER_BACKENDS): FilterSets it builds from a viewset's
    `filterset_fields` are ScopedFilterSets too, so every API filter is scoped and strict (a value it
    cannot read is a 400, not a silently unfiltered list)."""

    filterset_base = ScopedFilterSet

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "drawn": False}

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None and getattr(view, "action", "list") not in (None, "list"):
            # One record by its id (detail, its actions): a drill's warning is still found, as its page is.
            filterset.hides_drills = False
        if filterset is not None:
            _refuse_empty_choices(filterset, request.query_params)
        return filterset


def _refuse_empty_choices(filterset, params) -> None:
    """An API parameter with a fixed set of values (an enum, yes/no) sent empty is a 400: the schema lists the
    values, and an empty one would silently mean "unfiltered". (Pages send "" for 全部 and keep doing so: this
    runs for the API's backend only.)"""
    from rest_framework.exceptions import ValidationError

    empty = {
        name: ["不能为空：请填写可选值之一，或不传该参数"]
        for name, form_field in filterset.form.fields.items()
        if name in params
        and params.get(name, "").strip() == ""
        and isinstance(form_field, (forms.ChoiceField, forms.NullBooleanField))
        and not isinstance(form_field, forms.ModelChoiceField)
    }
    if empty:
        raise ValidationError(empty)


class StrictFilterSchema(DjangoFilterExtension):
    """drf-spectacular documents django-filter's own backend only; ours takes the same parameters."""

    target_class = "anlan.core.filters.StrictFilterBackend"
