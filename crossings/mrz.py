"""Reading the machine readable zone (ICAO 9303) that passport and ID card readers type into the desk.

TD3 (passports): 2 lines of 44 characters; TD1 (ID cards and permits): 3 lines of 30. Every check
digit is verified by the `mrz` package; a wrong one means the reader misread the page: rescan.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _
from django_countries import countries
from mrz.checker.td1 import TD1CodeChecker
from mrz.checker.td3 import TD3CodeChecker

from crossings.choices import DocumentType, Sex

TD3_LENGTH = 2 * 44
TD1_LENGTH = 3 * 30
RESCAN = _("The document could not be read correctly (a check digit does not match). Please scan it again.")
UNKNOWN_COUNTRY = _("The document's country code %(code)s is not known. Enter the traveller by hand.")
# ICAO codes that are not ISO 3166 alpha-3 codes.
ICAO_COUNTRY_CODES = {"D": "DE"}


class MrzError(ValueError):
    """The text looked like an MRZ but cannot be trusted; nothing may be recorded from it."""


@dataclass(frozen=True)
class MachineReadableZone:
    document_type: str
    issuing_country: str
    number: str
    family_name: str
    given_names: str
    nationality: str
    birth_date: date
    sex: str
    valid_until: date


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text.upper())


def looks_like_mrz(text: str) -> bool:
    """A reader's output: filler characters and the length of a TD3 or TD1 zone (line breaks ignored)."""
    compact = _compact(text)
    return "<" in compact and len(compact) in (TD3_LENGTH, TD1_LENGTH)


def _country(code: str) -> str:
    code = code.strip("<")
    alpha2 = ICAO_COUNTRY_CODES.get(code) or countries.alpha2(code)
    if not alpha2:
        raise MrzError(UNKNOWN_COUNTRY % {"code": code})
    return alpha2


def _date(value: str, *, today: date, past: bool) -> date:
    """YYMMDD: birth dates lie in the past (the later century that is not in the future); expiry dates ahead."""
    year, month, day = int(value[0:2]), int(value[2:4]), int(value[4:6])
    century = 2000 if not past or 2000 + year <= today.year else 1900
    try:
        return date(century + year, month, day)
    except ValueError as error:
        raise MrzError(RESCAN) from error


def _document_type(code: str) -> str:
    if code.startswith("P"):
        return DocumentType.PASSPORT
    if code.startswith("C"):
        return DocumentType.EXIT_ENTRY_PERMIT
    return DocumentType.NATIONAL_ID


def _name(value: str) -> str:
    return " ".join(part.capitalize() for part in value.replace("<", " ").split())


def parse_mrz(text: str, *, today: date) -> MachineReadableZone:
    """The document and holder in a TD3 or TD1 zone; MrzError when any check digit fails."""
    compact = _compact(text)
    if len(compact) == TD3_LENGTH:
        checker = TD3CodeChecker(f"{compact[:44]}\n{compact[44:]}")
    elif len(compact) == TD1_LENGTH:
        checker = TD1CodeChecker(f"{compact[:30]}\n{compact[30:60]}\n{compact[60:]}")
    else:
        raise MrzError(RESCAN)
    try:
        valid = bool(checker)
    except (ValueError, IndexError) as error:
        raise MrzError(RESCAN) from error
    if not valid:
        raise MrzError(RESCAN)
    fields = checker.fields()
    sex = {"M": Sex.MALE, "F": Sex.FEMALE}.get(fields.sex, Sex.UNSPECIFIED)
    return MachineReadableZone(
        document_type=_document_type(fields.document_type),
        issuing_country=_country(fields.country),
        number=fields.document_number.strip("<"),
        family_name=_name(fields.surname),
        given_names=_name(fields.name),
        nationality=_country(fields.nationality),
        birth_date=_date(fields.birth_date, today=today, past=True),
        sex=sex,
        valid_until=_date(fields.expiry_date, today=today, past=False),
    )
