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
    lane_group_name,
    validate_time_zone,
)
from crossings.models.reports import AnnualReport
from crossings.models.statistics import (
    DailyCrossingCount,
    DailyRefusalCount,
    DailyTravellerCount,
    DailyVisitCount,
    DailyWatchlistHitCount,
    HistoricalMonthlyTotal,
    HourlyCrossingCount,
    StatisticsDirtyDay,
    StatisticsFillState,
    YearlyTravellerSeen,
)
from crossings.models.travellers import TravelDocument, Traveller, WatchlistEntry, normalise_document_number

__all__ = [
    "AcceptedDocument",
    "Alert",
    "AnnualReport",
    "Checkpoint",
    "Closure",
    "Crossing",
    "DailyCrossingCount",
    "DailyRefusalCount",
    "DailyTravellerCount",
    "DailyVisitCount",
    "DailyWatchlistHitCount",
    "HistoricalMonthlyTotal",
    "HourlyCrossingCount",
    "Lane",
    "OfficerAssignment",
    "OpeningHours",
    "StatisticsDirtyDay",
    "StatisticsFillState",
    "StayPolicy",
    "TravelDocument",
    "Traveller",
    "Visit",
    "WatchlistEntry",
    "YearlyTravellerSeen",
    "lane_group_name",
    "normalise_document_number",
    "validate_time_zone",
]
