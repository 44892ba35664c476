"""Errors as users and API clients see them: a constraint's refusal as a clear message, the database
being out of reach as a 503, and every error under /api/ in the API's JSON shape."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus

from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy

from horgos.api.exceptions import error_body

SERVICE_UNAVAILABLE = gettext_lazy("The service is temporarily unavailable. Please try again in a few minutes.")
SERVER_ERROR = gettext_lazy("Something went wrong on our side. The error has been logged.")
REQUEST_TOO_LARGE = gettext_lazy("The request is larger than %(megabytes)s MB. Send a smaller file.")
# Under /api/, the answers Django gives when no API view did (unknown path, wrong method, a crash).
API_ERRORS = {
    400: ("bad_request", gettext_lazy("Bad request.")),
    403: ("permission_denied", gettext_lazy("Permission denied.")),
    404: ("not_found", gettext_lazy("Not found.")),
    405: ("method_not_allowed", gettext_lazy("Method not allowed.")),
    500: ("server_error", SERVER_ERROR),
    503: ("service_unavailable", SERVICE_UNAVAILABLE),
}


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the PostgreSQL constraint behind an IntegrityError, when the driver tells it."""
    diagnostics = getattr(error.__cause__, "diag", None)
    return getattr(diagnostics, "constraint_name", None)


@contextmanager
def constraint_messages(messages: Mapping[str, object]) -> Iterator[None]:
    """Re-raise an IntegrityError from one of the named constraints as ValidationError(message).

    The message may be a string or a {field: message} dict, or a function returning one, called after the
    failure (a message naming the row that won the race; wrap the write in a savepoint so it may query).
    Use it around the write, inside the service's transaction: the race the constraint settles reaches
    the user as a clear error.
    """
    try:
        yield
    except IntegrityError as error:
        name = violated_constraint(error)
        if name in messages:
            message = messages[name]
            raise ValidationError(message() if callable(message) else message) from error
        raise


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def database_unavailable(error: BaseException | None) -> bool:
    """The database could not be reached or refused the connection ("too many clients", "connection
    refused", a server gone mid-request): an outage to wait out, not a bug in the request."""
    return isinstance(error, OperationalError | InterfaceError)


def api_error(status: int) -> JsonResponse:
    """The API's error body for a status that no API view answered (Django's own 404, 405, 500, ...)."""
    if status in API_ERRORS:
        code, message = API_ERRORS[status]
    else:
        try:
            message = HTTPStatus(status).phrase
        except ValueError:
            message = "Error"
        code = message.lower().replace(" ", "_").replace("-", "_")
    return JsonResponse(error_body(code=code, message=str(message)), status=status)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The database is out of reach: a plain answer that needs neither the database nor a template."""
    if is_api(request):
        return api_error(503)
    return HttpResponse(str(SERVICE_UNAVAILABLE), status=503, content_type="text/plain; charset=utf-8")


def request_too_large(request: HttpRequest, limit_bytes: int) -> HttpResponse:
    """A 413 for a request body over the limit, in the language the request asks for: said before it is read."""
    with translation.override(translation.get_language_from_request(request)):
        message = str(REQUEST_TOO_LARGE % {"megabytes": _megabytes(limit_bytes)})
    if is_api(request):
        return JsonResponse(error_body(code="request_too_large", message=message), status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


def _megabytes(size_bytes: int) -> str:
    megabytes = size_bytes / (1024 * 1024)
    return f"{megabytes:g}" if megabytes.is_integer() else f"{megabytes:.1f}"
