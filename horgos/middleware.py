"""Answers given before or after the view: a request body over the limit (413), and those that must not depend on
DEBUG, the database being out of reach and errors under /api/.

Django turns an exception into a response wherever it happens (a view, a template, a middleware such
as the session's save after the view) and, with DEBUG on, that response is its HTML debug page. So
a middleware outside all those that may touch the database looks at what came back instead: a 500
caused by the database being out of reach becomes the 503 answer, and an error under /api/ that no
API view shaped becomes the API's JSON error. The traceback stays in the log (django.request), never
in the answer."""

import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from rest_framework.response import Response

from horgos.errors import api_error, database_unavailable, is_api, request_too_large, service_unavailable

DATABASE_UNAVAILABLE_ATTRIBUTE = "_horgos_database_unavailable"


class RequestBodyLimitMiddleware:
    """A request whose Content-Length says its body is over REQUEST_BODY_MAX_BYTES gets a 413 with a clear message,
    before anything (CSRF, a form, the API's parsers) reads a byte of it.

    Django reads no more than Content-Length says, and nothing of a body without one, so the header is the whole
    story here; DATA_UPLOAD_MAX_MEMORY_SIZE then bounds what a form's fields may hold in memory, and the proxy
    (deploy/nginx.conf, client_max_body_size) refuses a larger body before it reaches gunicorn at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.REQUEST_BODY_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads a body of unreadable length as empty
        if length > limit:
            return request_too_large(request, limit)
        return self.get_response(request)


@receiver(got_request_exception, dispatch_uid="horgos.note_database_unavailable")
def note_database_unavailable(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """Django sends this signal while handling an uncaught exception of a request, wherever it was raised."""
    if request is not None and database_unavailable(sys.exc_info()[1]):
        setattr(request, DATABASE_UNAVAILABLE_ATTRIBUTE, True)


class ErrorResponseMiddleware:
    """Right after SecurityMiddleware, so it sees the response of every middleware that may fail and of the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 500 and getattr(request, DATABASE_UNAVAILABLE_ATTRIBUTE, False):
            return service_unavailable(request)
        if is_api(request) and response.status_code >= 400 and not self._shaped_by_the_api(response):
            return self._as_api_error(response)
        return response

    @staticmethod
    def _shaped_by_the_api(response: HttpResponse) -> bool:
        # DRF responses carry the API's error body already (horgos.api.exceptions), in the format the
        # client negotiated; so do the JSON answers of this project's error handlers.
        return isinstance(response, Response) or response.get("Content-Type", "").startswith("application/json")

    @staticmethod
    def _as_api_error(response: HttpResponse) -> HttpResponse:
        shaped = api_error(response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                shaped[header] = response[header]
        response.close()
        return shaped
