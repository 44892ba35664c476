"""Request bodies over REQUEST_BODY_MAX_BYTES are answered 413, with a clear message, before anything reads them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from horgos.errors import REQUEST_TOO_LARGE
from horgos.middleware import RequestBodyLimitMiddleware
from merchants.models import ListingImport
from tests.merchants.conftest import market  # noqa: F401
from tests.merchants.test_imports import csv_upload, row

pytestmark = pytest.mark.django_db


def test_an_upload_over_the_limit_is_413_with_the_limit_in_words_and_nothing_is_written(signed_in, market, settings):  # noqa: F811
    # Given a limit of 1 MB on request bodies
    settings.REQUEST_BODY_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("listings.csv", b"shop\n" + b"x" * (1024 * 1024), content_type="text/csv")
    # When a merchant sends a larger file
    response = signed_in(market.owner_a).post(reverse("merchants:listing-import"), {"file": big})
    # Then the answer is 413 saying the limit, and no import was made
    assert response.status_code == 413
    assert response.content.decode() == REQUEST_TOO_LARGE % {"megabytes": "1"}
    assert ListingImport.objects.count() == 0


def test_an_upload_under_the_limit_goes_through(signed_in, market, settings):  # noqa: F811
    settings.REQUEST_BODY_MAX_BYTES = 1024 * 1024
    response = signed_in(market.owner_a).post(
        reverse("merchants:listing-import"), {"file": csv_upload([row(market.shop_a.unit_code)])}
    )
    assert response.status_code == 302
    assert ListingImport.objects.count() == 1


def test_the_api_answers_413_in_its_json_shape_in_the_asked_language(settings):
    settings.REQUEST_BODY_MAX_BYTES = 512 * 1024
    response = Client().post(
        "/api/v1/auth/token/", {"username": "x" * 600_000}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 413
    assert response.json() == {
        "error": {"code": "request_too_large", "message": REQUEST_TOO_LARGE % {"megabytes": "0.5"}, "fields": {}}
    }


def test_the_body_is_never_read(rf, settings):
    # Given a request saying it carries 10 MB, whose body may not be touched
    settings.REQUEST_BODY_MAX_BYTES = 6 * 1024 * 1024
    request = rf.post("/accounts/login/", data=b"", content_type="application/octet-stream")
    request.META["CONTENT_LENGTH"] = str(10 * 1024 * 1024)

    class Untouchable:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    request._stream = Untouchable()
    # When the middleware sees it, then it answers 413 without the view
    response = RequestBodyLimitMiddleware(lambda request: pytest.fail("the view ran"))(request)
    assert response.status_code == 413


def test_django_bounds_form_fields_in_memory_too(settings):
    from django.conf import settings as live

    assert 0 < live.DATA_UPLOAD_MAX_MEMORY_SIZE <= live.REQUEST_BODY_MAX_BYTES
    assert 0 < live.FILE_UPLOAD_MAX_MEMORY_SIZE <= live.REQUEST_BODY_MAX_BYTES
