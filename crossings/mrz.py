"""Reading the machine readable zone (ICAO 9303) that passport and ID card readers type into the desk.

TD3 (passports): 2 lines of 44 characters; TD1 (ID cards and permits): 3 lines of 30. Every check
digit is verified by the `mrz` package; a wrong one means the reader misread the page: rescan. Which
country codes are known is decided here, not by that package: the nationality may be one of the ICAO
codes of stateless persons and refugees (crossings.nationalities), the issuing state only a state.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _
from django_countries import countries
from mrz.checker.td1 import TD1CodeChecker
from mrz.checker.td3 import TD3CodeChecker

from crossings.choices import DocumentType, Sex
from crossings.nationalities import WITHOUT_NATIONALITY, nationalities

TD3_LENGTH = 2 * 44
TD1_LENGTH = 3 * 30
RESCAN = _("The document could not be read correctly (a check digit does not match). Please scan it again.")
UNKNOWN_COUNTRY = _("The document's country code %(code)s is not known. Enter the traveller by hand.")
NOT_AN_ISSUING_STATE = _(
    "%(code)s is the code of a holder without a nationality, not of a state: it cannot be the issuing state. "
    "Check the document and enter the traveller by hand."
)
# ICAO codes that are not ISO 3166 alpha-3 codes: Germany, and the classes of British nationality (Doc 9303-3).
ICAO_COUNTRY_CODES = {"D": "DE", "GBD": "GB", "GBN": "GB", "GBO": "GB", "GBP": "GB", "GBS": "GB"}
WITHOUT_NATIONALITY_ICAO = {names["alpha3"] for names in WITHOUT_NATIONALITY.values()}
# The `mrz` package also checks both country codes against its own list, which lacks XXC; those two checks
# are left to _nationality and _issuing_state, and only its others (check digits, dates, sex...) count.
COUNTRY_CODE_CHECKS = {"valid country code", "valid nationality code"}


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


def compact_zone(text: str) -> str:
    """The zone as one run of characters: a reader's line breaks and any stray whitespace dropped."""
    return re.sub(r"\s+", "", text.upper())


def looks_like_mrz(text: str) -> bool:
    """A reader's output: filler characters and the length of a TD3 or TD1 zone (line breaks ignored)."""
    compact = compact_zone(text)
    return "<" in compact and len(compact) in (TD3_LENGTH, TD1_LENGTH)


def _nationality(code: str) -> str:
    """A country, or one of the codes of stateless persons and refugees (XXA -> XA)."""
    code = code.strip("<")
    alpha2 = ICAO_COUNTRY_CODES.get(code) or nationalities.alpha2(code)
    if not alpha2:
        raise MrzError(UNKNOWN_COUNTRY % {"code": code})
    return alpha2


def _issuing_state(code: str) -> str:
    """A state only: XXA..XXX describe a holder, and a travel document is always issued by a state."""
    code = code.strip("<")
    if code in WITHOUT_NATIONALITY_ICAO:
        raise MrzError(NOT_AN_ISSUING_STATE % {"code": code})
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
    compact = compact_zone(text)
    try:
        if len(compact) == TD3_LENGTH:
            checker = TD3CodeChecker(f"{compact[:44]}\n{compact[44:]}")
        elif len(compact) == TD1_LENGTH:
            checker = TD1CodeChecker(f"{compact[:30]}\n{compact[30:60]}\n{compact[60:]}")
        else:
            raise MrzError(RESCAN)
    except (ValueError, IndexError) as error:
        raise MrzError(RESCAN) from error
    # The checker ran every check when it was built; its report lists the failed ones.
    if any(check not in COUNTRY_CODE_CHECKS for check, _passed in checker.report.falses):
        raise MrzError(RESCAN)
    fields = checker.fields()
    sex = {"M": Sex.MALE, "F": Sex.FEMALE}.get(fields.sex, Sex.UNSPECIFIED)
    return MachineReadableZone(
        document_type=_document_type(fields.document_type),
        issuing_country=_issuing_state(fields.country),
        number=fields.document_number.strip("<"),
        family_name=_name(fields.surname),
        given_names=_name(fields.name),
        nationality=_nationality(fields.nationality),
        birth_date=_date(fields.birth_date, today=today, past=True),
        sex=sex,
        valid_until=_date(fields.expiry_date, today=today, past=False),
    )
