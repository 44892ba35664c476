"""Nationalities: every country, plus the ICAO codes of people who have none (DESIGN.md section 4).

ICAO Doc 9303-3 gives stateless persons and refugees the nationality codes XXA, XXB, XXC and XXX. They are
stored as ISO 3166 user-assigned alpha-2 codes (no country will ever get them), with the ICAO code as their
alpha-3, so the MRZ's three letters, the API's two and the forms all name the same code. They are
nationalities only: a document is still issued by a state, and goods and merchants come from countries, so
only the traveller's nationality field uses this list; every other country field keeps django-countries' own.
"""

from django.utils.translation import gettext_lazy as _
from django_countries import Countries

STATELESS = "XA"
REFUGEE = "XB"
REFUGEE_OTHER = "XC"
UNSPECIFIED = "XX"
WITHOUT_NATIONALITY = {
    STATELESS: {"name": _("Stateless person"), "alpha3": "XXA"},
    REFUGEE: {"name": _("Refugee (1951 Convention)"), "alpha3": "XXB"},
    REFUGEE_OTHER: {"name": _("Refugee (other)"), "alpha3": "XXC"},
    UNSPECIFIED: {"name": _("Unspecified nationality"), "alpha3": "XXX"},
}


class Nationalities(Countries):
    """The countries and the four ICAO categories of people without a nationality, by name in the active language.

    The model field, the forms, the filters and the API serializers of a traveller's nationality use it; it is
    referenced by the migrations, so it keeps its name and module.
    """

    override = WITHOUT_NATIONALITY


nationalities = Nationalities()
