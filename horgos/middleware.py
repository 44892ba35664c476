"""Answers that must not depend on DEBUG: the database being out of reach, and errors under /api/.

Django turns an exception into a response wherever it happens (a view, a template, a middleware such
as the session's save after the view) and, with DEBUG on, that response is its HTML debug page. So
a middleware outside all those that may touch the database looks at what came back instead: a 500
caused by the database being out of reach becomes the 503 answer, and an error under /api/ that no
API view shaped becomes the API's JSON error. The traceback stays in the log (django.request), never
in the answer."""

import sys

from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from rest_framework.response import Response

from horgos.errors import api_error, database_unavailable, is_api, service_unavailable

DATABASE_UNAVAILABLE_ATTRIBUTE = "_horgos_database_unavailable"


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
