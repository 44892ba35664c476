"""How the crossings pages show a traveller's stay and documents, the same as the tables do (crossings.tables).

{% load crossings_display %}
{{ stay_status|stay_badge }}          Inside the zone / Overstaying / Left the zone, in its one colour
{{ document.number|masked_number }}   ••••4567
"""

from django import template

from crossings import tables
from crossings.choices import StayStatus
from crossings.selectors.lists import mask_document_number

register = template.Library()


@register.filter
def stay_badge(status: StayStatus | None) -> str:
    return tables.stay_badge(status)


@register.filter
def masked_number(number: str) -> str:
    return mask_document_number(number)
