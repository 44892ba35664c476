"""The lane desk's writes: a scan records the crossing the lane's direction calls for; an unknown
traveller is registered and crossed in one transaction."""

from datetime import date

from django.db import transaction

from crossings.models import Crossing, Lane, TravelDocument
from crossings.services.crossings import crossing_record_entry, crossing_record_exit
from crossings.services.travellers import traveller_register
from horgos.models import User


def crossing_record_at_lane(*, document: TravelDocument, lane: Lane, acting_user: User) -> Crossing:
    """An entry on an entry lane, an exit on an exit lane: the direction follows the lane."""
    record = crossing_record_entry if lane.is_entry else crossing_record_exit
    return record(document=document, lane=lane, acting_user=acting_user)


@transaction.atomic
def traveller_register_and_cross(
    *,
    lane: Lane,
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
    acting_user: User,
) -> Crossing:
    """Register a traveller met at the lane with their document, then record their crossing, all or nothing."""
    traveller = traveller_register(
        family_name=family_name,
        given_names=given_names,
        family_name_native=family_name_native,
        given_names_native=given_names_native,
        nationality=nationality,
        birth_date=birth_date,
        sex=sex,
        document_type=document_type,
        document_number=document_number,
        document_issuing_country=document_issuing_country,
        document_valid_until=document_valid_until,
        acting_user=acting_user,
    )
    return crossing_record_at_lane(document=traveller.documents.get(), lane=lane, acting_user=acting_user)
