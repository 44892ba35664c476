"""Log lines keep no document numbers and no query strings (ASVS V8.3.5, V7.1.1).

`PersonalDataFilter` sits on every handler of settings LOGGING (and, through `GunicornLogger`, on gunicorn's error
and access handlers; Celery's workers use settings LOGGING too, see horgos/celery.py). It formats each record's
message once, masks it and keeps the result, so that neither the message, nor its arguments, nor a traceback's
text (a database error quotes the row it refused) reaches a stream with a number in it.

What is masked is what could be a document number, by the pages' one rule (`mask_document_number`, the last 4
characters kept): 1 to 3 letters followed by at least 5 digits ('N1234567', 'E12345678'), or by a space or dash
and at least 6 digits ('AB 123456'), and a run of 7 digits or more (ID card numbers). A number logged as typed with
dashes inside its digits ('e 1234-567') is not recognised: the application logs numbers only as stored (normalised),
in database errors. A URL's query string, where a number typed in a search would sit,
is dropped whole: '/path?document_number=N1' becomes '/path?[filtered]'. Dates, times, ids of a few digits, status
codes and sizes under ten megabytes pass unchanged.
"""

import logging
import re

from gunicorn.glogging import Logger

from horgos.masking import mask_document_number

QUERY_STRING = re.compile(r"(?<=[\w/])\?[^\s\"'<>]+")
QUERY_REMOVED = "?[filtered]"
NUMBER_LIKE = re.compile(r"(?<![\w•])(?:[A-Za-z]{1,3}(?:\d{5,}|[ -]\d{6,})[A-Za-z0-9]*|\d{7,})(?!\w)")


def mask_personal_data(text: str) -> str:
    """`text` without query strings, and with every document-number-like token masked."""
    text = QUERY_STRING.sub(QUERY_REMOVED, text)
    return NUMBER_LIKE.sub(lambda match: mask_document_number(match.group()), text)


class PersonalDataFilter(logging.Filter):
    """Masks a record's message (with its arguments), traceback and stack; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: logging reports it when the handler formats the record
            return True
        record.msg, record.args = mask_personal_data(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True


def filter_handlers(*loggers: logging.Logger) -> None:
    """Put a PersonalDataFilter on every handler of `loggers` that has none yet."""
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(existing, PersonalDataFilter) for existing in handler.filters):
                handler.addFilter(PersonalDataFilter())


class GunicornLogger(Logger):
    """gunicorn's logger with the filter on its error and access handlers (`--logger-class
    horgos.log_masking.GunicornLogger`): gunicorn keeps those loggers apart from the root logger."""

    def setup(self, cfg):
        super().setup(cfg)
        filter_handlers(self.error_log, self.access_log)

    def atoms(self, resp, req, environ, request_time):
        """The access log's fields; the query string (`%(q)s`) never, whatever access_log_format asks for."""
        atoms = super().atoms(resp, req, environ, request_time)
        if atoms.get("q"):
            atoms["q"] = QUERY_REMOVED[1:]
        return atoms
