"""One error type for every domain rule a user can break.

A service raises `DomainError(code, message)`: `code` is stable and dotted (`hazard.transition_not_allowed`,
clients may branch on it), `message` is the Chinese sentence a user reads, `status` the HTTP status it means
and `field` the input it is about (None: the request as a whole). Nothing below the service catches it:

- the API translates it once, in `core.drf.exception_handler` (`{"detail": …, "code": …}` or
  `{field: […], "code": …}`);
- pages translate it once, in `DomainErrorMiddleware` (403/404 pages; otherwise the message shown with
  django messages on the page the user came from), or on a form they re-render with `shown_on(form)`.

docs/api-errors.md lists the codes.
"""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404
from django.shortcuts import redirect, render


class DomainError(Exception):
    """A rule of the domain refused the request; see the module docstring."""

    status = 400

    def __init__(self, code: str, message: str, status: int | None = None, field: str | None = None):
        super().__init__(message)
        self.code, self.message, self.field = code, message, field
        if status is not None:
            self.status = status

    def __repr__(self):
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, status={self.status})"


class NotAllowed(DomainError):
    """The actor's role (or relation to the object) does not permit the step."""

    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The request is fine but the object's current state refuses it (e.g. already done)."""

    status = 409


@contextmanager
def shown_on(form, field: str | None = None):
    """Show a DomainError raised inside the block on `form` (its own field if the form has it, else
    `field`, else the form as a whole) so the view re-renders the form with what was typed. 403 and 404
    still go to DomainErrorMiddleware. Use `form.errors` after the block to know whether it failed."""
    try:
        yield
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        target = exc.field if exc.field in form.fields else field
        form.add_error(target, exc.message)


class DomainErrorMiddleware:
    """Pages: a DomainError that leaves a view becomes the 403 or 404 page carrying its message, or, for
    a refused step (400/409), the message shown with django messages on the page that posted it (the same
    URL, fetched again) — or, without a page to return to, an error page with the message and status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if not isinstance(exc, DomainError):
            return None
        if exc.status == 403:
            return response_for_exception(request, PermissionDenied(exc.message))
        if exc.status == 404:
            return response_for_exception(request, Http404(exc.message))
        if request.method == "POST":
            messages.error(request, exc.message)
            return redirect(request.get_full_path())
        return render(request, "core/error.html", {"message": exc.message, "code": exc.code}, status=exc.status)
