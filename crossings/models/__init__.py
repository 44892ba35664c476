"""The crossings app's models, by subject."""

from crossings.models.crossings import Alert, Crossing, Visit
from crossings.models.reference import (
    AcceptedDocument,
    Checkpoint,
    Closure,
    Lane,
    OfficerAssignment,
    OpeningHours,
    StayPolicy,
    validate_time_zone,
)
from crossings.models.travellers import TravelDocument, Traveller, WatchlistEntry, normalise_document_number

__all__ = [
    "AcceptedDocument",
    "Alert",
    "Checkpoint",
    "Closure",
    "Crossing",
    "Lane",
    "OfficerAssignment",
    "OpeningHours",
    "StayPolicy",
    "TravelDocument",
    "Traveller",
    "Visit",
    "WatchlistEntry",
    "normalise_document_number",
    "validate_time_zone",
]
