"""An audit row's target as pages show it.

    {% load audit_log %}
    {{ entry|audit_target }}

A target that names a person is stored by type and id only (`horgos.audit.audit_target_repr`); the page shows the
type in the reader's language with the id ("Traveller #123", "Путешественник #123"), linked to its page where there
is one. Any other target shows the text stored with the row.
"""

from django import template
from django.apps import apps
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from horgos.audit import names_a_person
from horgos.models import AuditEntry

register = template.Library()

# The page of a target that names a person, by target type (officers' and administrators' pages).
TARGET_PAGES = {
    "crossings.traveller": "crossings:traveller",
    "crossings.watchlistentry": "crossings:operations-watchlist-entry",
}


@register.filter
def audit_target(entry: AuditEntry) -> str:
    try:
        model = apps.get_model(entry.target_type)
    except (LookupError, ValueError):
        return entry.target_repr
    if not names_a_person(model):
        return entry.target_repr
    text = f"{capfirst(model._meta.verbose_name)} #{entry.target_id}"
    page = TARGET_PAGES.get(entry.target_type)
    if page is None:
        return text
    return format_html('<a href="{}">{}</a>', reverse(page, args=[entry.target_id]), text)
