"""DRF settings hooks (permission, pagination, errors), kept apart from api.py so that DRF can import
them while it is itself being imported (api.py imports DRF's viewsets)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from rest_framework import exceptions, pagination, parsers, permissions

from . import safejson
from .errors import DomainError
from .roles import role_allows

ACTION_FOR_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def view_action(request, view) -> str:
    """The scope action a request needs; a viewset may name it per DRF action (e.g. workflow steps)."""
    overrides = getattr(view, "scope_actions", {})
    return (
        overrides.get(getattr(view, "action", None))
        or getattr(view, "required_action", None)  # e.g. calculators: a POST that writes nothing
        or ACTION_FOR_METHOD.get(request.method, "change")
    )


class RolePermission(permissions.BasePermission):
    """401 when not logged in; 403 when the role may not take the action on this model."""

    message = "您的角色无权执行此操作"

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        model = getattr(getattr(view, "queryset", None), "model", None) or getattr(view, "model", None)
        return role_allows(request.user, view_action(request, view), model)


class JSONParser(parsers.JSONParser):
    """The API's JSON parser (settings DEFAULT_PARSER_CLASSES): core.safejson, so a deeply nested or
    non-finite body is a 400 naming the reason instead of a RecursionError."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return safejson.loads(stream.read() if stream is not None else b"")
        except safejson.MalformedJSON as exc:
            raise exceptions.ParseError(str(exc)) from None


class StandardPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        """DRF silently falls back to the default for `page_size=abc`; a client that asked for something
        it did not get should hear so (a 400 naming the parameter). Above the maximum is capped."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError({self.page_size_query_param: [f"应为 1 到 {self.max_page_size} 的整数"]})
        return min(int(raw), self.max_page_size)

    def get_page_number(self, request, paginator):
        """DRF reads an empty `page=` as page 1; the schema says an integer, so an empty one is a 400 like an
        empty `page_size` (an unreadable number stays DRF's 404 "invalid page")."""
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not raw.strip():
            raise exceptions.ValidationError({self.page_query_param: ["应为正整数"]})
        return super().get_page_number(request, paginator)


def exception_handler(exc, context):
    """Every API error, translated once: DRF's body as CONTRACT.md shapes it (`{"detail": …}` or
    `{field: […]}`) plus `"code"`: a DomainError's own code, or DRF's code for its own errors
    ("invalid", "not_authenticated", "permission_denied", "not_found" …). A body whose fields already
    include one named `code` (a serializer field of that name) keeps that field's messages there."""
    from rest_framework.views import exception_handler as drf_exception_handler

    code = None
    if isinstance(exc, DomainError):
        code, exc = exc.code, _as_api_exception(exc)
    if isinstance(exc, ProtectedError):
        code, exc = "protected", exceptions.ValidationError({"detail": "仍被其他记录引用，不能删除"})
    if isinstance(exc, Http404):  # DRF would convert these itself, after our chance to name the code
        exc = exceptions.NotFound(*exc.args)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, DjangoValidationError):
        # A model's clean() speaks for the whole row (e.g. thresholds out of order): a 400 naming the fields.
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError({("detail" if k == "__all__" else k): v for k, v in detail.items()})
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        response.data.setdefault("code", code or getattr(exc, "default_code", "error"))
    return response


def _as_api_exception(exc: DomainError) -> exceptions.APIException:
    body = {exc.field: [exc.message]} if exc.field else {"detail": exc.message}
    if exc.status == 403:
        return exceptions.PermissionDenied(exc.message)
    if exc.status == 404:
        return exceptions.NotFound(exc.message)
    error = exceptions.ValidationError(body)
    error.status_code = exc.status
    return error
