"""Access to travel documents' full numbers, which pages otherwise show masked."""

from django.db import transaction

from crossings.models import TravelDocument
from horgos.audit import audit_record
from horgos.choices import AuditAction, Role
from horgos.models import User
from horgos.roles import require_role


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
