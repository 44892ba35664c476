"""Registering travellers and their documents."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crossings.choices import DocumentType
from crossings.models import TravelDocument, Traveller
from crossings.models.travellers import document_number_index
from horgos.audit import audit_record
from horgos.choices import AuditAction
from horgos.errors import constraint_messages
from horgos.models import User

DOCUMENT_TAKEN = _("This document is already registered.")
BIRTH_CERTIFICATE_NEEDS_GUARDIAN = _("A child on a birth certificate must be linked to at least one guardian.")
BIRTH_DATE_IN_FUTURE = _("The birth date lies in the future.")


@transaction.atomic
def traveller_register(
    *,
    family_name: str,
    given_names: str,
    nationality: str,
    birth_date: date,
    sex: str,
    document_type: str,
    document_number: str,
    document_issuing_country: str,
    document_valid_until: date,
    family_name_native: str = "",
    given_names_native: str = "",
    guardians: list[Traveller] | tuple = (),
    acting_user: User,
) -> Traveller:
    """Register a traveller with their first document (and guardians, for a child on a birth certificate)."""
    if birth_date > timezone.localdate():
        raise ValidationError({"birth_date": BIRTH_DATE_IN_FUTURE})
    traveller = Traveller(
        family_name=family_name.strip(),
        given_names=given_names.strip(),
        family_name_native=family_name_native.strip(),
        given_names_native=given_names_native.strip(),
        nationality=nationality.upper(),
        birth_date=birth_date,
        sex=sex,
    )
    traveller.full_clean()
    traveller.save()
    if guardians:
        traveller.guardians.set(guardians)
    traveller_add_document(
        traveller=traveller,
        document_type=document_type,
        number=document_number,
        issuing_country=document_issuing_country,
        valid_until=document_valid_until,
        acting_user=acting_user,
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.TRAVELLER_REGISTER,
        target=traveller,
        changes={"nationality": traveller.nationality.code, "guardians": [g.pk for g in guardians]},
    )
    return traveller


@transaction.atomic
def traveller_add_document(
    *,
    traveller: Traveller,
    document_type: str,
    number: str,
    issuing_country: str,
    valid_until: date,
    acting_user: User,
) -> TravelDocument:
    if document_type == DocumentType.BIRTH_CERTIFICATE and not traveller.guardians.exists():
        raise ValidationError({"guardians": BIRTH_CERTIFICATE_NEEDS_GUARDIAN})
    document = TravelDocument(
        traveller=traveller,
        document_type=document_type,
        number=number.strip().upper(),
        issuing_country=issuing_country.upper(),
        valid_until=valid_until,
    )
    document.full_clean(validate_constraints=False)
    if TravelDocument.objects.filter(
        document_type=document_type,
        issuing_country=document.issuing_country,
        number_index=document_number_index(number),
    ).exists():
        raise ValidationError({"number": DOCUMENT_TAKEN})
    with constraint_messages({"document_unique_type_country_number": {"number": DOCUMENT_TAKEN}}):
        document.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.TRAVELLER_ADD_DOCUMENT,
        target=traveller,
        # Never the number itself: pages mask it, and the audit log cannot be rewritten.
        changes={
            "document": document.pk,
            "document_type": document.document_type,
            "issuing_country": document.issuing_country.code,
            "valid_until": valid_until,
        },
    )
    return document
