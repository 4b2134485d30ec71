"""Reads of the 会商 pages shared with the 工作台."""

from .models import Consultation


def consultations(user):
    return Consultation.objects.restrict(user)


def consultations_open(user):
    """Sessions sitting now (the 工作台's 会商中 counts these and opens the list filtered the same way)."""
    return consultations(user).real().filter(status=Consultation.Status.OPEN)  # a drill's 会商 is not the county's


def open_summary(user) -> tuple[int, str]:
    """The 工作台's 会商中: how many sessions sit now and the first titles (open sessions are few: one query)."""
    titles = list(consultations_open(user).order_by("-started_at", "-pk").values_list("title", flat=True))
    return len(titles), "、".join(titles[:2]) + ("等" if len(titles) > 2 else "")
