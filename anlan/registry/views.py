from anlan.core.flags import FLAGS_FIELD, annotate_flags
from anlan.core.kit import ModelConfig, register

from .filters import EnterpriseFilterSet, PersonFilterSet
from .models import Department, DutyRole, Enterprise, Person

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

ENTERPRISE_FIELDS = [
    *("name", "credit_code", "region", "department", "industry", "scale", "employees", "address", "lon", "lat"),
    *("principal", "principal_phone", "safety_manager", "safety_manager_phone", "standard_grade"),
    *Enterprise.RISK_FLAGS,
]

register(
    ModelConfig(
        model=Enterprise,
        list_columns=[
            *("name", "credit_code", "region", "industry", "scale", "standard_grade", "has_major_hazard"),
            FLAGS_FIELD,
        ],
        form_fields=ENTERPRISE_FIELDS,
        detail_fields=[*ENTERPRISE_FIELDS[:5], "section", FLAGS_FIELD, *ENTERPRISE_FIELDS[5:]],
        extra_labels={"section": "行业门类", FLAGS_FIELD: "信用标记"},
        filterset_class=EnterpriseFilterSet,
        search_fields=["name", "credit_code", "address", "principal"],
        natural_keys={Department: "code"},
        # Flags decided above the registry (严重失信, core.flags) come in the rows' own query.
        selector=lambda qs: annotate_flags(qs.select_related("region", "department")),
        sortable=["name", "region", "industry", "scale", "standard_grade"],
        menu_group="企业与风险",
        menu_order=30,
    )
)


register(
    ModelConfig(
        model=Department,
        list_columns=["code", "name", "kind", "region", "duty_phone"],
        form_fields=["code", "name", "kind", "region", "duty_phone", "responsibilities"],
        search_fields=["name", "code"],
        natural_keys={},
        selector=lambda qs: qs.select_related("region"),
        menu_group="人员与部门",
        menu_order=20,
    )
)
