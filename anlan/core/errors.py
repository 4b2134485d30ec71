"""One error type for every domain rule a user can break.

A service raises `DomainError(code, message)`: `code` is stable and dotted (`hazard.transition_not_allowed`,
clients may branch on it), `message` is the Chinese sentence a user reads, `status` the HTTP status it means
and `field` the input it is about (None: the request as a whole). Nothing below the service catches it:

- the API translates it once, in `core.drf.exception_handler` (`{"detail": …, "code": …}` or
  `{field: […], "code": …}`);
- pages translate it once, in `DomainErrorMiddleware` (the 403/404 pages, else a page with the message
  and status), or, where the view re-renders a form or returns to a page, with `shown_on(form or request)`.

docs/api-errors.md lists the codes.
"""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest
from django.shortcuts import render


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


class Outcome:
    """What `shown_on` saw: `refused` is the DomainError it showed, or None when the block succeeded."""

    refused: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.refused is None


@contextmanager
def shown_on(target, field: str | None = None, *, whole_form: bool = False):
    """Show a DomainError raised inside the block to the user and carry on rendering: on a form (its own
    field if the form has it, else `field`, else the form as a whole) so the page keeps what was typed,
    or, given the request, with django messages; given None, the view shows `outcome.refused` itself.
    `whole_form` puts every message on the form as a whole (for pages that draw their fields by hand).
    403 and 404 still go to DomainErrorMiddleware.

        with shown_on(form, "photo") as outcome, transaction.atomic():
            ...
        if outcome.ok: ...
    """
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        outcome.refused = exc
        if target is None:
            return  # the view shows outcome.refused itself
        if isinstance(target, HttpRequest):
            messages.error(target, exc.message)
        else:
            own = exc.field if exc.field in target.fields and not whole_form else None
            target.add_error(own or field, exc.message)
    except ValidationError as exc:
        # A model's own rules (full_clean in the service: a location outside the county, a count beyond
        # its total, a deadline already past) are refusals like any other: shown on the field they name.
        by_field = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        outcome.refused = DomainError("invalid", "；".join(exc.messages), field=next(iter(by_field)))
        if target is None:
            return
        if isinstance(target, HttpRequest):
            messages.error(target, outcome.refused.message)
            return
        for name, texts in by_field.items():
            own = name if name in target.fields and not whole_form else None
            for text in texts:
                target.add_error(own or field, text)


class DomainErrorMiddleware:
    """Pages: a DomainError that leaves a view becomes the 403 or 404 page carrying its message, or a page
    with the message and its status (views that re-render a form or go back to a page use `shown_on`)."""

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
        return render(request, "core/error.html", {"message": exc.message, "code": exc.code}, status=exc.status)
