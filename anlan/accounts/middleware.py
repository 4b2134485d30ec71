"""Keeps a logged-in user on the account pages until the account meets the policy:

1. a county administrator without a second factor enrols one before anything else;
2. an initial, reset or expired password is changed.

API calls made with the session get a 403 with the same Chinese message instead of a redirect."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import twofactor
from .passwords import password_change_required

# Set in the session once the user is seen with a confirmed device, so a county admin's every request does not
# query for it again.
DEVICE_SEEN = "anlan_otp_device_seen"


def _has_device(request, user) -> bool:
    if request.session.get(DEVICE_SEEN):
        return True
    if twofactor.confirmed_device(user) is None:
        return False
    request.session[DEVICE_SEEN] = True
    return True


class AccountSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._hold(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _hold(self, request, user):
        path = request.path_info
        if path.startswith("/static/") or path == reverse("accounts:logout"):
            return None
        if twofactor.two_factor_required(user) and not _has_device(request, user):
            target, message = reverse("accounts:otp_enrol"), "县级管理员须先绑定两步验证（动态验证码）"
        elif password_change_required(user):
            target, message = reverse("accounts:password_change"), "请先修改密码"
        else:
            return None
        if path == target:
            return None
        if path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        return redirect(target)
