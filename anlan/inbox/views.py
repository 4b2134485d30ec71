from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from . import services
from .models import Notification


@login_required
def inbox(request):
    if request.method == "POST":
        ids = request.POST.getlist("id")
        services.mark_read(request.user, [int(i) for i in ids if i.isdigit()] if ids else None)
        return redirect("inbox:list")
    qs = Notification.objects.restrict(request.user)
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "unread": services.unread_count(request.user), "querystring": query.urlencode()}
    return render(request, "inbox/list.html", context)
