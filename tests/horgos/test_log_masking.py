"""No log line carries a document number or a query string: the filter on every handler, gunicorn's and Celery's."""

import io
import logging
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.conf import settings
from gunicorn.config import Config
from hypothesis import given
from hypothesis import strategies as st

from horgos.celery import use_the_projects_logging
from horgos.log_masking import GunicornLogger, PersonalDataFilter, mask_personal_data


@pytest.mark.parametrize(
    ("line", "logged"),
    [
        ("Scan N1234567 at lane E-F01", "Scan ••••4567 at lane E-F01"),
        ("chinese passport e12345678.", "chinese passport ••••5678."),
        ("ID card 012345678", "ID card ••••5678"),
        ("birth certificate I-AB 123456", "birth certificate I-••••3456"),
        ('"GET /crossings/?document=N1234567&q=Abenova HTTP/1.1" 200', '"GET /crossings/?[filtered] HTTP/1.1" 200'),
        ("Failing row contains (22, passport, P0000001, KZ)", "Failing row contains (22, passport, ••••0001, KZ)"),
    ],
)
def test_numbers_and_query_strings_are_masked(line, logged):
    assert mask_personal_data(line) == logged


@pytest.mark.parametrize(
    "line",
    [
        "2026-11-29 18:00:51,123 INFO django.server GET /crossings/travellers/123/ 200 5120",
        "Booting worker with pid: 12345 (gunicorn 27.0.1)",
        "Traveller #123 · lane E-F01 · HTTP/1.1 · Is it open? yes",
        "already masked ••••4567",
    ],
)
def test_ordinary_log_lines_pass_unchanged(line):
    assert mask_personal_data(line) == line


def test_every_handler_in_settings_has_the_filter():
    handlers = settings.LOGGING["handlers"]
    assert handlers
    for name, handler in handlers.items():
        assert "personal_data" in handler.get("filters", []), name
    assert settings.LOGGING["filters"]["personal_data"]["()"] == "horgos.log_masking.PersonalDataFilter"
    # No logger keeps a handler of its own that could bypass the root's console
    for name, logger in settings.LOGGING["loggers"].items():
        assert set(logger.get("handlers", [])) <= set(handlers), name


@contextmanager
def console_output():
    """What the root logger's console handler writes, as configured from settings LOGGING."""
    console = next(h for h in logging.getLogger().handlers if any(isinstance(f, PersonalDataFilter) for f in h.filters))
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        yield stream
    finally:
        console.setStream(previous)


@pytest.mark.parametrize("logger", ["django.request", "django.server", "celery.app.trace", "horgos", "crossings"])
def test_a_record_with_a_number_comes_out_masked(logger):
    with console_output() as output:
        logging.getLogger(logger).warning("Not Found: %s for %s", "/api/v1/travellers/?document_number=N1", "N1234567")
    line = output.getvalue()
    assert "Not Found: /api/v1/travellers/?[filtered] for ••••4567" in line
    assert "N1234567" not in line and "document_number" not in line


def test_a_traceback_is_masked_too():
    with console_output() as output:
        try:
            raise ValueError("duplicate key (number_normalised)=(N1234567) already exists")
        except ValueError:
            logging.getLogger("django.request").exception("Internal Server Error: /crossings/desk/scan/")
    text = output.getvalue()
    assert "Traceback" in text and "(••••4567) already exists" in text
    assert "N1234567" not in text


def test_a_record_passing_two_handlers_is_masked_once_and_keeps_reading_well():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "scan %s at %s", ("N1234567", "E-F01"), None)
    for _ in range(2):
        assert PersonalDataFilter().filter(record) is True
    assert record.getMessage() == "scan ••••4567 at E-F01"


def test_gunicorn_logs_go_through_the_filter_and_drop_the_query_atom():
    config = Config()
    config.set("accesslog", "-")
    logger = GunicornLogger(config)
    for log in (logger.error_log, logger.access_log):
        assert log.handlers
        assert all(any(isinstance(f, PersonalDataFilter) for f in h.filters) for h in log.handlers)
    access = logger.access_log.handlers[0]
    stream = io.StringIO()
    access.setStream(stream)
    logger.access_log.info('"%(r)s" %(s)s "%(f)s"', {
        "r": "GET /crossings/travellers/?document_number=N1234567 HTTP/1.1",
        "s": "200",
        "f": "https://horgos.example/crossings/?q=N1234567",
    })  # fmt: skip
    assert (
        stream.getvalue().strip()
        == '"GET /crossings/travellers/?[filtered] HTTP/1.1" 200 "https://horgos.example/crossings/?[filtered]"'
    )


def test_gunicorn_never_logs_the_query_string_atom():
    class Response:
        status, sent, headers = "200 OK", 0, []

    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/x?document_number=N1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/x",
        "QUERY_STRING": "document_number=N1",
    }
    atoms = GunicornLogger(Config()).atoms(Response(), {}, environ, timedelta(0))
    assert (atoms["q"], atoms["U"]) == ("[filtered]", "/x")


def test_celery_workers_log_through_the_projects_logging():
    root = logging.getLogger()
    use_the_projects_logging()
    assert any(isinstance(f, PersonalDataFilter) for h in root.handlers for f in h.filters)


@given(
    number=st.from_regex(r"[A-Z]{1,2}[0-9]{6,9}", fullmatch=True) | st.from_regex(r"[0-9]{9,12}", fullmatch=True),
    before=st.sampled_from(["", "scan ", "(22, passport, ", "number=", '"']),
    after=st.sampled_from(["", " at lane E-F01", ", KZ)", '"', "."]),
)
def test_any_document_number_in_a_line_comes_out_masked(number, before, after):
    assert mask_personal_data(f"{before}{number}{after}") == f"{before}••••{number[-4:]}{after}"
