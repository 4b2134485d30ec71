"""Reads shared by the warning pages and the API: a warning shows the regions it targets and the warning it
updates or cancels, loaded in a fixed number of queries however many warnings a list shows."""

from django.db.models import QuerySet

from .models import Warning


def warnings(queryset: QuerySet[Warning]) -> QuerySet[Warning]:
    return queryset.select_related("references").prefetch_related("regions")


def warning_for(user, pk) -> QuerySet[Warning]:
    """The warnings a user may see, shaped for one warning's pages (filter by pk, then get)."""
    return warnings(Warning.objects.restrict(user)).filter(pk=pk)
