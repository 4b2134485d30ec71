"""The OpenAPI document, built once per process.

drf-spectacular builds the document at every request of `/api/v1/schema/` (and the API reference page
built it again): about 0.6 s of CPU to walk ~480 operations, and as much again to write it as YAML. What it
describes is the code — the URL patterns, views and serializers — which changes only with a new process,
so the document is kept per process and language (its labels are translated), and each rendering of it
(YAML, JSON) is kept beside it. The served document is public (SERVE_PUBLIC): the same for every user.
"""

import threading

from django.conf import settings
from django.http import HttpResponse
from django.urls import get_urlconf
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.settings import api_settings

__all__ = ["SchemaView", "api_schema", "forget"]

_lock = threading.Lock()
_schemas: dict[tuple, dict] = {}
_rendered: dict[tuple, bytes] = {}


def _key(version=None) -> tuple:
    # The URLconf in force (a test may swap it) and the language the labels are written in.
    return (get_urlconf() or settings.ROOT_URLCONF, translation.get_language(), version)


def _keepable(version) -> bool:
    """Only what a request cannot vary without bound is kept: a language of settings.LANGUAGES (an unknown
    `?lang=` is built and served, not kept) and no version or an allowed one (`?version=` takes any text when
    the API names no versions)."""
    languages = {code for code, _ in settings.LANGUAGES}
    allowed = api_settings.ALLOWED_VERSIONS or ()
    return translation.get_language() in languages and (version is None or version in allowed)


def api_schema(version=None, generator_class=SchemaGenerator) -> dict:
    """The public OpenAPI document of this process's code, in the active language. Read it, never change it:
    every later request is served the same object."""
    if not _keepable(version):
        return generator_class(api_version=version).get_schema(request=None, public=True)
    key = _key(version)
    schema = _schemas.get(key)
    if schema is None:
        with _lock:
            schema = _schemas.get(key)
            if schema is None:
                schema = generator_class(api_version=version).get_schema(request=None, public=True)
                _schemas[key] = schema
    return schema


def forget() -> None:
    """Drop what is kept (tests that change what the document describes)."""
    with _lock:
        _schemas.clear()
        _rendered.clear()


class SchemaView(SpectacularAPIView):
    """`/api/v1/schema/`: drf-spectacular's view (content negotiation, ?lang=, ?version=, login required)
    serving the kept document and its kept rendering."""

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        renderer, media_type = request.accepted_renderer, request.accepted_media_type
        # A rendering is kept for the renderer's own media type only: an Accept header's parameters
        # (`; indent=2`) are the client's to vary without bound.
        keep = _keepable(version) and media_type == renderer.media_type
        key = (*_key(version), type(renderer))
        content = _rendered.get(key) if keep else None
        if content is None:
            schema = api_schema(version, self.generator_class)
            content = renderer.render(schema, media_type, self.get_renderer_context())
            if keep:
                _rendered[key] = content
        content_type = f"{media_type}; charset={renderer.charset}" if renderer.charset else media_type
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{self._get_filename(request, version)}"'
        return response
