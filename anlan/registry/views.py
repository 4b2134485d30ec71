from anlan.accounts.models import Department
from anlan.core.kit import ModelConfig, register

from .filters import EnterpriseFilterSet, PersonFilterSet
from .models import DutyRole, Enterprise, Person

register(
    ModelConfig(
        model=Person,
        list_columns=["name", "region", "duty_roles", "position", "phone", "department", "confirmed_on"],
        form_fields=Person.EDITABLE_FIELDS,
        filterset_class=PersonFilterSet,
        search_fields=["name", "organisation", "position"],
        natural_keys={Department: "code", DutyRole: "name"},
        selector=lambda qs: qs.select_related("region", "department", "enterprise").prefetch_related("duty_roles"),
        sortable=["name", "region", "position", "confirmed_on"],
        menu_group="人员与部门",
        menu_order=10,
    )
)

register(
    ModelConfig(
        model=Enterprise,
        list_columns=["name", "credit_code", "region", "department", "address"],
        form_fields=["name", "credit_code", "region", "department", "address", "lon", "lat"],
        filterset_class=EnterpriseFilterSet,
        search_fields=["name", "credit_code", "address"],
        natural_keys={Department: "code"},
        selector=lambda qs: qs.select_related("region", "department"),
        menu_group="企业与风险",
        menu_order=30,
    )
)
