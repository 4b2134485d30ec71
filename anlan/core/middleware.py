"""Request-scoped actor for the audit trail, and the audit of full ID numbers shown during the request."""

from django.http import Http404, HttpResponseBadRequest

from .audit import current_actor
from .masking import discard_full_id_views, flush_full_id_views, start_full_id_views


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = current_actor.set(user if user is not None and user.is_authenticated else None)
        views = start_full_id_views()
        try:
            response = self.get_response(request)
        except BaseException:
            discard_full_id_views(views)
            raise
        else:
            # Token-authenticated API users are known only after the view ran (DRF authenticates there).
            actor = getattr(request, "user", None)
            flush_full_id_views(views, actor=actor if actor is not None and actor.is_authenticated else None)
            return response
        finally:
            current_actor.reset(token)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (settings.ANLAN_CSP).

    Django's SecurityMiddleware sets HSTS, nosniff, the referrer and opener policies; X-Frame-Options comes
    from its clickjacking middleware. A view that needs a different policy sets the header itself."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.csp = "; ".join(f"{name} {' '.join(values)}" for name, values in settings.ANLAN_CSP.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        # Phone pages locate the user (patrols, field orders, hazard reports); nothing else is needed.
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=()")
        return response


class NulByteMiddleware:
    """A NUL byte (%00) in the address is never a valid id or code: PostgreSQL refuses it in any text
    lookup (DataError, a 500) where SQLite merely finds nothing. Refused here, once, for every route:
    in the path as not found, in the query string as a bad request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404
        if any("\x00" in item for key, values in request.GET.lists() for item in (key, *values)):
            return HttpResponseBadRequest("请求参数含有非法字符")
        return self.get_response(request)
