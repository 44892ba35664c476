"""The one rule by which a document number is shown masked: on pages, in API answers and in log lines.

Plain Python, importing nothing of Django's models, so that the logging configuration can use it before the
applications are loaded.
"""

MASK = "••••"
VISIBLE_DOCUMENT_CHARACTERS = 4


def mask_document_number(number: str) -> str:
    """A document number as pages show it: only the last 4 characters, e.g. '••••4567'; short numbers not at all."""
    if len(number) <= VISIBLE_DOCUMENT_CHARACTERS:
        return MASK
    return MASK + number[-VISIBLE_DOCUMENT_CHARACTERS:]
