"""Reads of the crossings app: lookups, the zone's state now, histories and today's counts, and the rows the
API lists.

Page-specific reads live beside this module: `dashboard` (the lane desk and its live panel), `lists`
(lists, charts and the traveller page), `operations` (the administrators' pages).
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crossings.choices import Direction, Outcome
from crossings.models import (
    Alert,
    Checkpoint,
    Crossing,
    Lane,
    StayPolicy,
    TravelDocument,
    Traveller,
    Visit,
    WatchlistEntry,
)
from crossings.models.travellers import document_number_index, person_index, same_names
from crossings.selectors.reference import cached_officer_checkpoint, cached_stay_policy_on
from horgos.choices import Role
from horgos.encryption import trigram_hashes

NO_STAY_POLICY = _("No stay policy is in force on %(day)s; an administrator must add one.")


def officer_checkpoint(user) -> Checkpoint | None:
    """The checkpoint an officer is assigned to; None for anyone else or an unassigned officer."""
    if not user.is_authenticated or user.role != Role.OFFICER:
        return None
    return cached_officer_checkpoint(user.pk)


def user_may_act_on_lane(user, lane: Lane) -> bool:
    """Administrators act on every lane; an officer only on the lanes of their own checkpoint."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    checkpoint = officer_checkpoint(user)
    return checkpoint is not None and checkpoint.pk == lane.checkpoint_id


def stay_policy_on(day: date) -> StayPolicy:
    policy = cached_stay_policy_on(day)
    if policy is None:
        raise ValidationError(NO_STAY_POLICY, params={"day": day})
    return policy


def document_find(*, number: str, document_type: str | None = None, issuing_country: str | None = None):
    """Documents whose number matches ignoring spaces, dashes and case (by its blind index); narrowed by type and
    country if given."""
    documents = TravelDocument.objects.filter(number_index=document_number_index(number))
    if document_type:
        documents = documents.filter(document_type=document_type)
    if issuing_country:
        documents = documents.filter(issuing_country=issuing_country.upper())
    return documents.select_related("traveller")


def document_get(*, document_type: str, issuing_country: str, number: str) -> TravelDocument | None:
    return document_find(number=number, document_type=document_type, issuing_country=issuing_country).first()


def _names_match(wanted: str, *recorded: str) -> bool:
    return any(same_names(wanted, name) for name in recorded if name)


def travellers_search(
    *,
    document_number: str = "",
    document_type: str = "",
    issuing_country: str = "",
    family_name: str = "",
    given_names: str = "",
    birth_date: date | None = None,
    nationality: str = "",
) -> QuerySet[Traveller]:
    """Travellers by document number (normalised; narrowed by the document's type and issuing country when given),
    or by names (Latin or native script) and birth date.

    Names and birth dates are encrypted: SQL narrows by the blind indexes (number; family name with birth date;
    without a birth date, the rows holding every trigram of the names asked for), and the names are then compared
    on the decrypted values of the rows found. Returns a queryset of those travellers, by id."""
    travellers = Traveller.objects.all()
    if document_number:
        # One filter() call: type and country narrow the same document that carries the number.
        document = {"documents__number_index": document_number_index(document_number)}
        if document_type:
            document["documents__document_type"] = document_type
        if issuing_country:
            document["documents__issuing_country"] = issuing_country.upper()
        travellers = travellers.filter(**document)
    if family_name and birth_date:
        wanted = person_index(family_name, birth_date)
        travellers = travellers.filter(Q(person_index_latin=wanted) | Q(person_index_native=wanted))
    elif family_name or given_names:
        travellers = travellers.filter(name_trigrams__contains=trigram_hashes(f"{family_name} {given_names}"))
    if nationality:
        travellers = travellers.filter(nationality=nationality.upper())
    if family_name or given_names or birth_date:
        found = [
            traveller.pk
            for traveller in travellers.distinct()
            if (not family_name or _names_match(family_name, traveller.family_name, traveller.family_name_native))
            and (not given_names or _names_match(given_names, traveller.given_names, traveller.given_names_native))
            and (not birth_date or traveller.birth_date == birth_date)
        ]
        travellers = Traveller.objects.filter(pk__in=found)
    return travellers.distinct().prefetch_related("documents")


SIMILAR_CANDIDATES = 200
SIMILARITY_THRESHOLD = 0.5
# How many of the query's trigram hashes a traveller's name trigrams share (`&&` on the GIN index finds them).
SHARED_TRIGRAMS = "cardinality(ARRAY(SELECT unnest(name_trigrams) INTERSECT SELECT unnest(%s::integer[])))"


def travellers_similar(*, name: str, birth_date: date | None = None, limit: int = 50) -> list[Traveller]:
    """Travellers whose names look like `name` (a typo, a missing letter), most alike first: fuzzy search over
    encrypted names through the blind trigram index (docs/architecture.md, "Personal data at rest").

    SQL ranks by the count of trigram hashes shared with the query and keeps SIMILAR_CANDIDATES; those are
    decrypted, filtered by the birth date when given, and kept when they hold at least SIMILARITY_THRESHOLD of the
    query's trigrams."""
    wanted = trigram_hashes(name)
    if not wanted:
        return []
    candidates = (
        Traveller.objects.filter(name_trigrams__overlap=wanted)
        .annotate(shared=RawSQL(SHARED_TRIGRAMS, [wanted]))
        .filter(shared__gte=len(wanted) * SIMILARITY_THRESHOLD)
        .order_by("-shared", "id")[:SIMILAR_CANDIDATES]
    )
    found = [traveller for traveller in candidates if birth_date is None or traveller.birth_date == birth_date]
    return found[:limit]


def travellers_with_documents() -> QuerySet[Traveller]:
    """Travellers with their documents and guardians, as the API shows each one."""
    return Traveller.objects.prefetch_related("documents", "guardians")


def lanes_list() -> QuerySet[Lane]:
    """Lanes by checkpoint, direction and code, with their checkpoint."""
    return Lane.objects.select_related("checkpoint").order_by("checkpoint__code", "direction", "code")


def visits_list() -> QuerySet[Visit]:
    return Visit.objects.select_related("traveller", "checkpoint")


def alerts_list() -> QuerySet[Alert]:
    """Alerts with their entry, crossing (lane, checkpoint, traveller, document) and who acknowledged them."""
    return Alert.objects.select_related(
        "watchlist_entry",
        "acknowledged_by",
        "crossing__lane__checkpoint",
        "crossing__traveller",
        "crossing__document",
    )


def watchlist_list() -> QuerySet[WatchlistEntry]:
    return WatchlistEntry.objects.select_related("added_by").prefetch_related("alerts")


def traveller_open_visit(traveller: Traveller) -> Visit | None:
    return Visit.objects.open().filter(traveller=traveller).select_related("checkpoint").first()


def visits_inside(*, now: datetime | None = None) -> QuerySet[Visit]:
    """Open visits: the people inside the zone now, with their `days_left`, earliest deadline first."""
    now = now or timezone.now()
    visits = Visit.objects.open().with_days_left(now).select_related("traveller", "checkpoint")
    return visits.order_by("must_leave_by", "id")


def visits_overstaying(*, now: datetime | None = None) -> QuerySet[Visit]:
    """Open visits past their must_leave_by, earliest deadline first."""
    now = now or timezone.now()
    return visits_inside(now=now).overstaying_at(now)


def traveller_history(traveller: Traveller) -> dict[str, QuerySet]:
    """Everything recorded about a traveller, newest first."""
    return {
        "visits": traveller.visits.select_related("checkpoint", "entry_crossing__lane", "exit_crossing__lane"),
        "crossings": crossings_list().filter(traveller=traveller),
    }


def crossings_list() -> QuerySet[Crossing]:
    """Crossings with everything their API and page rows show, in one query."""
    return Crossing.objects.select_related(
        "traveller",
        "document",
        "lane__checkpoint",
        "officer",
        "opened_visit__checkpoint",
        "closed_visit__checkpoint",
        "alert",
    )


def crossing_totals_today(*, checkpoint: Checkpoint, now: datetime | None = None) -> dict[str, dict[str, int]]:
    """Today's counted crossings at the checkpoint as {direction: {outcome: count}}, every direction and outcome
    present (0 when none)."""
    totals = {direction: dict.fromkeys(Outcome.values, 0) for direction in Direction.values}
    for row in crossing_counts_today(checkpoint=checkpoint, now=now):
        totals[row["direction"]][row["outcome"]] += row["count"]
    return totals


def crossing_counts_today(*, checkpoint: Checkpoint, now: datetime | None = None) -> list[dict]:
    """Today's crossings (local day of the checkpoint) by lane, direction and outcome, as every figure counts them:
    a reversed record and its reversal count nowhere, whichever day the reversal was made."""
    today = checkpoint.local_date(now or timezone.now())
    rows = (
        Crossing.objects.counted()
        .filter(lane__checkpoint=checkpoint, local_date=today)
        .values("lane__code", "direction", "outcome")
        .annotate(count=Count("id"))
        .order_by("lane__code", "direction", "outcome")
    )
    return [
        {"lane": row["lane__code"], "direction": row["direction"], "outcome": row["outcome"], "count": row["count"]}
        for row in rows
    ]
