from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.views import View

from anlan.core.feed import recent_changes
from anlan.core.kit import home_cards, home_notices

from .items import workbench


class WorkbenchView(LoginRequiredMixin, View):
    """The home page: what needs this user now (their role's items in their scope, red first), the notices
    and cards other apps register (the duty desk: who is on duty, a missing daily report), and below them
    the recent changes in the user's area."""

    def get(self, request):
        shown = workbench(request.user)
        context = {
            "todo": [item for item in shown if item.count],
            "calm": [item for item in shown if not item.count],
            "notices": home_notices(request.user),
            "cards": home_cards(),
            "changes": recent_changes(request.user),
        }
        return render(request, "overview/workbench.html", context)
