"""Reads of the 会商 pages shared with the 工作台."""

from .models import Consultation


def consultations(user):
    return Consultation.objects.restrict(user)


def consultations_open(user):
    """Sessions sitting now (the 工作台's 会商中 counts these and opens the list filtered the same way)."""
    return consultations(user).filter(status=Consultation.Status.OPEN)
