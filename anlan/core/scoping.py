"""The one scoping function: which rows a user may see or act on.

Every queryset in UI views, API viewsets, map layers and exports goes through
`Model.objects.restrict(user, action)` (after NetBox's RestrictedQuerySet). A model says where its
owner region is (and, if it has them, its department and enterprise) with a `ScopeSpec`:

    class Person(AnlanModel):
        scope_spec = ScopeSpec(region="region", department="department")

Rules:
- the user's region subtree (code prefix) bounds every row;
- a department operator sees only their department's rows on models that have a department;
- an enterprise user sees only their enterprise's rows on models that have an enterprise, and
  nothing of models that have none (unless the model is shared with everyone, like the region tree);
- a role that may not take the action at all gets an empty queryset here and a 403 in views/API.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from .regioncodes import ancestor_codes, region_prefix
from .roles import Role, role_allows


@dataclass(frozen=True)
class ScopeSpec:
    # Path to the owning region's code (FK to Region, whose pk is the code); None for county-wide
    # reference data (catalogues, norms) that every role may read.
    region: str | None = "region"
    department: str | None = None
    enterprise: str | None = None
    # Readable by every role inside the region subtree, enterprise users included (e.g. the map tree).
    shared: bool = False
    # Ancestors of the user's region are readable too (a township user sees its county outline).
    ancestors_visible: bool = False
    # Path to a user the row is addressed to (a dispatch order to a village worker): that user reads the row
    # whatever its region — an order for a township's incident still reaches the village worker sent.
    person: str | None = None


def column_path(model, path: str) -> str:
    """A lookup path that compares the stored code: a ForeignKey `region` becomes `region__pk`.

    Related fields accept no `startswith`, but `region__pk__startswith` does, and because the
    foreign key targets Region's primary key Django trims the join: the prefix test runs on the
    local column, no JOIN.
    """
    parts = path.split("__")
    current = model
    for part in parts[:-1]:
        current = current._meta.get_field(part).related_model
    field = current._meta.get_field(parts[-1])
    if field.is_relation and field.concrete and (field.many_to_one or field.one_to_one):
        return f"{path}__pk"
    return path


def scope_possible(model, user) -> bool:
    """Whether `user`'s scope can hold rows of `model` at all (scope_q is not None), without building the
    filter: the menu asks it for every registered model on every page."""
    spec: ScopeSpec = getattr(model, "scope_spec", ScopeSpec())
    if user.is_superuser or spec.region is None:
        return True
    if not getattr(user, "region_id", None):
        return False
    role = user.role
    if role == Role.DEPARTMENT_OPERATOR and spec.department and not user.department_id:
        return False
    # An enterprise user reads only an enterprise's rows (or what is shared with everyone).
    return role != Role.ENTERPRISE_USER or spec.shared or bool(spec.enterprise and user.enterprise_id)


def scope_q(model, user, action: str) -> Q | None:
    """The filter for `user` on `model`; None means "nothing" (scope_possible says when)."""
    spec: ScopeSpec = getattr(model, "scope_spec", ScopeSpec())
    if not scope_possible(model, user):
        return None
    if user.is_superuser or spec.region is None:
        return Q()
    region_code = user.region_id
    field = column_path(model, spec.region)
    q = Q(**{f"{field}__startswith": region_prefix(region_code)})
    if spec.ancestors_visible and action == "view":
        q |= Q(**{f"{field}__in": ancestor_codes(region_code)})

    role = user.role
    if role == Role.DEPARTMENT_OPERATOR and spec.department:
        q &= Q(**{column_path(model, spec.department): user.department_id})
    if role == Role.ENTERPRISE_USER and not spec.shared:
        q &= Q(**{column_path(model, spec.enterprise): user.enterprise_id})
    if spec.person and action == "view":
        q |= Q(**{spec.person: user.pk})
    return q


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Rows of this queryset that `user` may take `action` on."""
        if not role_allows(user, action, self.model):
            return self.none()
        q = scope_q(self.model, user, action)
        if q is None:
            return self.none()
        return self.filter(q)

    def real(self):
        """Rows not made inside a drill (演练模式: `exercise` set, core.Exercise, on the row or on the record it
        belongs to — a response task's incident): what statistics, counts, maps and public pages read. Models
        without that marker are returned unchanged."""
        path = exercise_path(self.model)
        return self if path is None else self.filter(**{f"{path}__isnull": True})

    def of_exercise(self, exercise):
        """Rows made inside this drill's sandbox."""
        path = exercise_path(self.model)
        return self.none() if path is None else self.filter(**{path: exercise})


def exercise_path(model) -> str | None:
    """The lookup to the row's sandbox marker: "exercise" for a model that carries it, or the model's declared
    `exercise_path` (e.g. "incident__exercise" for a response task); None when a drill never writes it."""
    if exercise_field(model) is not None:
        return "exercise"
    return getattr(model, "exercise_path", None)


def exercise_field(model):
    """The model's `exercise` foreign key to core.Exercise (the sandbox marker), or None."""
    from django.core.exceptions import FieldDoesNotExist

    try:
        field = model._meta.get_field("exercise")
    except FieldDoesNotExist:
        return None
    related = getattr(field, "related_model", None)
    if field.many_to_one and related is not None and related._meta.label == "core.Exercise":
        return field
    return None


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def region_in_scope(user, region_code: str, action: str = "add") -> bool:
    """May `user` own a record in `region_code`? Used to validate the region a write names."""
    if user.is_superuser:
        return True
    if not region_code or not getattr(user, "region_id", None):
        return False
    return region_code.startswith(region_prefix(user.region_id))
