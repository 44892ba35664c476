"""Access to full document numbers, which pages and the API otherwise show masked (`mask_document_number`): one at a
time, each access audited. Re-authentication, when required, is checked by the caller before these are called."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from crossings.models import TravelDocument, WatchlistEntry
from horgos.audit import audit_record
from horgos.choices import AuditAction, Role
from horgos.models import User
from horgos.roles import require_role

WATCHLIST_ENTRY_HAS_NO_NUMBER = _("This watchlist entry names a person, not a document: it has no number to show.")


@transaction.atomic
def document_reveal(*, document: TravelDocument, acting_user: User) -> str:
    """The document's full number, for an officer or an administrator; every reveal is audited (`document.reveal`).

    The audit row names the traveller as its target and the document by id, type and issuing country, never by
    number: the audit log cannot be rewritten, so it must not keep the number that the pages mask.
    """
    require_role(acting_user, Role.OFFICER, Role.ADMINISTRATOR)
    audit_record(
        actor=acting_user,
        action=AuditAction.DOCUMENT_REVEAL,
        target=document.traveller,
        changes={
            "document": document.pk,
            "document_type": document.document_type,
            "issuing_country": document.issuing_country.code,
        },
    )
    return document.number


@transaction.atomic
def watchlist_entry_reveal(*, entry: WatchlistEntry, acting_user: User) -> str:
    """The full number of a watchlist entry that matches a document, for an administrator (who keeps the watchlist
    and must check an entry against the order that put it there); audited (`watchlist.reveal`) like a document's."""
    require_role(acting_user, Role.ADMINISTRATOR)
    if not entry.is_by_document:
        raise ValidationError(WATCHLIST_ENTRY_HAS_NO_NUMBER)
    audit_record(
        actor=acting_user,
        action=AuditAction.WATCHLIST_REVEAL,
        target=entry,
        changes={"document_type": entry.document_type, "issuing_country": entry.document_issuing_country.code},
    )
    return entry.document_number
