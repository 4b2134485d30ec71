"""The bureau the platform serves, as pages name it: ANLAN_BUREAU_NAME, or "<county>应急管理局".

Public pages (the tip form, public warnings, the risk card) must say whose they are, and staff pages say it
in their header and title. A deployment sets the exact name (e.g. "巫山县应急管理局" or a district's
"…区应急管理局"); without it the name is derived from the county loaded on this server, the first by code
when there are several.
"""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .regions import region_model

DEFAULT_SUFFIX = "应急管理局"


def bureau_name() -> str:
    configured = (getattr(settings, "ANLAN_BUREAU_NAME", "") or "").strip()
    if configured:
        return configured
    county = region_model().objects.filter(level="county").order_by("code").values_list("name", flat=True).first() or ""
    return f"{county}{DEFAULT_SUFFIX}"


def context(request):
    """Template context processor: `bureau_name`, looked up only by a page that shows it, and once."""
    return {"bureau_name": SimpleLazyObject(bureau_name)}
