"""The rules of the zone (DESIGN.md section 4) as checks that name the refusal reason, or None.

`entry_refusal` and `exit_refusal` apply them in the order the officer should hear them. They
only read; crossings.services records the outcome. Every number comes from policy rows.
"""

from datetime import datetime

from django.db.models import Q

from crossings.choices import Direction, DocumentType, LaneGroup, RefusalReason, WatchlistMatch
from crossings.models import (
    AcceptedDocument,
    Checkpoint,
    Lane,
    TravelDocument,
    Traveller,
    Visit,
    WatchlistEntry,
)
from crossings.models.travellers import same_names
from crossings.selectors.reference import cached_accepted_documents, cached_closure_in_force, cached_opening_hours


def checkpoint_is_open(checkpoint: Checkpoint, at: datetime) -> bool:
    """Open by the weekday's hours in the checkpoint's own zone, and not inside a closure [start, end)."""
    local = checkpoint.local(at)
    hours = cached_opening_hours(checkpoint.pk, local.weekday())
    if hours is None or not hours.is_open_at(local.time()):
        return False
    return not cached_closure_in_force(checkpoint.pk, at)


def accepted_document_rules(checkpoint: Checkpoint, document: TravelDocument) -> list[AcceptedDocument]:
    return [rule for rule in cached_accepted_documents(checkpoint.pk) if rule.matches(document)]


def traveller_group_at(checkpoint: Checkpoint, traveller: Traveller) -> LaneGroup:
    """Own citizens are the checkpoint country's nationals; everyone else is another national."""
    return LaneGroup.OWN_CITIZENS if traveller.nationality == checkpoint.country else LaneGroup.OTHER_NATIONALS


def lane_serves(lane: Lane, traveller: Traveller, document: TravelDocument) -> bool:
    if lane.group == LaneGroup.E_GATE:
        return any(rule.e_gate for rule in accepted_document_rules(lane.checkpoint, document))
    return lane.group == traveller_group_at(lane.checkpoint, traveller)


def watchlist_match(traveller: Traveller, document: TravelDocument, at: datetime) -> WatchlistEntry | None:
    """The active watchlist entry naming this document or this person (Latin names, any case), if any.

    Found by the blind indexes (number; family name and birth date); an entry's given names, when it has any, are
    compared on the decrypted values of the few entries found."""
    by_document = Q(
        match=WatchlistMatch.DOCUMENT,
        document_type=document.document_type,
        document_issuing_country=document.issuing_country,
        document_index=document.number_index,
    )
    wanted = by_document
    if traveller.person_index_latin:
        wanted |= Q(match=WatchlistMatch.PERSON, person_index=traveller.person_index_latin)
    for entry in WatchlistEntry.objects.active_at(at).filter(wanted).order_by("active_from", "id"):
        if entry.is_by_document or not entry.given_names or same_names(entry.given_names, traveller.given_names):
            return entry
    return None


def lane_refusal(lane: Lane, direction: Direction, traveller: Traveller, document: TravelDocument, at: datetime):
    """Rule 1 of entry and the lane part of exit: checkpoint hours, lane open, direction, group."""
    if not checkpoint_is_open(lane.checkpoint, at):
        return RefusalReason.CHECKPOINT_CLOSED
    if not lane.is_open:
        return RefusalReason.LANE_CLOSED
    if lane.direction != direction:
        return RefusalReason.WRONG_LANE_DIRECTION
    if not lane_serves(lane, traveller, document):
        return RefusalReason.WRONG_LANE_GROUP
    return None


def guardian_is_present(child: Traveller) -> bool:
    """A guardian counts when inside the zone; one entering with the child is recorded first, so is inside too."""
    return Visit.objects.open().filter(traveller__in=child.guardians.all()).exists()


def entry_refusal(
    *,
    lane: Lane,
    traveller: Traveller,
    document: TravelDocument,
    at: datetime,
    open_visit: Visit | None,
    watchlist_entry: WatchlistEntry | None,
) -> RefusalReason | None:
    """The first entry rule that fails, in the order of DESIGN.md section 4."""
    reason = lane_refusal(lane, Direction.ENTRY, traveller, document, at)
    if reason:
        return reason
    if not document.is_valid_on(lane.checkpoint.local_date(at)):
        return RefusalReason.DOCUMENT_EXPIRED
    if not accepted_document_rules(lane.checkpoint, document):
        return RefusalReason.DOCUMENT_NOT_ACCEPTED
    if watchlist_entry is not None:
        return RefusalReason.WATCHLIST
    if open_visit is not None:
        return RefusalReason.ALREADY_INSIDE
    if document.document_type == DocumentType.BIRTH_CERTIFICATE and not guardian_is_present(traveller):
        return RefusalReason.CHILD_WITHOUT_GUARDIAN
    return None


def exit_refusal(
    *, lane: Lane, traveller: Traveller, document: TravelDocument, at: datetime, open_visit: Visit | None
) -> RefusalReason | None:
    """The first exit rule that fails: an open visit, the same checkpoint, then the lane itself."""
    if open_visit is None:
        return RefusalReason.NOT_INSIDE
    if open_visit.checkpoint_id != lane.checkpoint_id:
        return RefusalReason.WRONG_CHECKPOINT
    return lane_refusal(lane, Direction.EXIT, traveller, document, at)
