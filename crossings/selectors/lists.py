"""Reads of the officers' list pages: who is inside the zone, overstays, a traveller's page, today's
crossings at a checkpoint and the hourly charts.

Every figure that depends on a day uses the local day of the checkpoint concerned: the entry
checkpoint's zone for a visit's days left, the crossing's checkpoint zone for its hour.
"""

from datetime import date, datetime, timedelta

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, When
from django.db.models.functions import ExtractHour
from django.utils import timezone

from crossings.choices import CheckpointCode, Direction, Outcome, VisitState
from crossings.models import (
    Alert,
    Checkpoint,
    Crossing,
    HourlyCrossingCount,
    StatisticsFillState,
    TravelDocument,
    Traveller,
    Visit,
)
from crossings.selectors import (
    crossing_totals_today,
    crossings_list,
    officer_checkpoint,
    traveller_history,
    travellers_search,
    travellers_similar,
    visits_overstaying,
)
from horgos.choices import Role
from horgos.masking import mask_document_number  # also imported from here by pages, tables and trade

HOURS_OF_DAY = list(range(24))


def overstay_visits(*, now: datetime | None = None) -> QuerySet[Visit]:
    """Open visits past must_leave_by, with `days_over` (local days after the last allowed day), longest first.

    Longest first is earliest deadline first: every deadline ends a local day of its checkpoint, so the earlier it
    is, the more local days have ended since, whichever the zone (a test holds the two orders equal). Ordered by the
    deadline itself, the page is read from the index of open visits by deadline; ordered by `days_over`, computed
    in each checkpoint's zone, every overstay was read and sorted first (92 ms at 5,000 overstays)."""
    return visits_overstaying(now=now).annotate(days_over=-F("days_left")).order_by("must_leave_by", "id")


def latest_visits(traveller_ids) -> dict[int, Visit]:
    """Each traveller's latest visit that an entry reversal did not cancel (open or closed), by traveller id: what
    their stay status (`Visit.stay_status_at`) comes from. Travellers who never entered have none."""
    visits = (
        Visit.objects.filter(traveller_id__in=traveller_ids)
        .exclude(state=VisitState.CANCELLED)
        .select_related("checkpoint")
        .order_by("traveller_id", "-entered_at")
        .distinct("traveller_id")
    )
    return {visit.traveller_id: visit for visit in visits}


def traveller_page(traveller: Traveller, *, now: datetime | None = None, today: date | None = None) -> dict:
    """What the traveller page shows: where they stand now, documents (masked numbers), visits, crossings and alerts,
    newest first."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    history = traveller_history(traveller)
    latest_visit = latest_visits([traveller.pk]).get(traveller.pk)
    documents = [
        {
            "document": document,
            "masked_number": mask_document_number(document.number),
            "is_valid": document.is_valid_on(today),
        }
        for document in traveller.documents.order_by("-valid_until", "id")
    ]
    return {
        "native_name": traveller.native_name,
        "age": traveller.age_on(today),
        "documents": documents,
        "latest_visit": latest_visit,
        "stay_status": latest_visit.stay_status_at(now) if latest_visit else None,
        "visits": history["visits"],
        # A record's reversal is a reverse one-to-one: join it, so that marking reversed rows costs no query each.
        "crossings": history["crossings"].select_related("reversal", "corrects"),
        "alerts": Alert.objects.filter(crossing__traveller=traveller)
        .select_related("watchlist_entry", "crossing__lane__checkpoint", "acknowledged_by")
        .order_by("-raised_at"),
    }


SEARCH_RESULTS = 50


def traveller_search_results(*, now: datetime | None = None, **criteria) -> dict:
    """Travellers found by `travellers_search` (document number; or names, Latin or native script, and birth date)
    for the search page: at most SEARCH_RESULTS rows, each with its documents' masked numbers and the traveller's
    stay status now; `more` says when others matched too, `similar` that the names are only similar (see
    `travellers_found`). Reads only: nothing is recorded or audited."""
    now = now or timezone.now()
    travellers, more, similar = travellers_found(**criteria)
    visits = latest_visits([traveller.pk for traveller in travellers])
    rows = []
    for traveller in travellers:
        visit = visits.get(traveller.pk)
        rows.append(
            {
                "traveller": traveller,
                "documents": [
                    {"document": document, "masked_number": mask_document_number(document.number)}
                    for document in traveller.documents.all()
                ],
                "stay_status": visit.stay_status_at(now) if visit else None,
            }
        )
    return {"rows": rows, "more": more, "similar": similar}


def travellers_found(**criteria) -> tuple[list[Traveller], bool, bool]:
    """The first SEARCH_RESULTS travellers `travellers_search` finds by `criteria`, by name; whether others matched
    too; and whether they are travellers with similar names, offered when a name search finds nobody exactly. The
    search page and the API's search alike.

    Names are encrypted, so the rows are sorted here, on the decrypted values of the travellers found."""
    found = sorted(
        travellers_search(**criteria).prefetch_related("guardians"), key=lambda traveller: traveller.sort_key
    )
    similar = False
    if not found and criteria.get("family_name"):
        name = f"{criteria['family_name']} {criteria.get('given_names') or ''}"
        found = travellers_similar(name=name, birth_date=criteria.get("birth_date"), limit=SEARCH_RESULTS + 1)
        similar = bool(found)
    return found[:SEARCH_RESULTS], len(found) > SEARCH_RESULTS, similar


def traveller_document(*, traveller_id: int, document_id: int) -> TravelDocument | None:
    """The traveller's own document (None when the document belongs to someone else or does not exist)."""
    return TravelDocument.objects.select_related("traveller").filter(pk=document_id, traveller_id=traveller_id).first()


def checkpoint_for_today(user, *, requested_code: str = "") -> Checkpoint | None:
    """The checkpoint whose day a user sees: an officer's own (None when unassigned), an administrator's choice (CN
    by default)."""
    if user.role == Role.ADMINISTRATOR:
        code = requested_code if requested_code in CheckpointCode.values else CheckpointCode.CN
        return Checkpoint.objects.filter(code=code).first()
    return officer_checkpoint(user)


def crossings_of_today(*, checkpoint: Checkpoint, now: datetime | None = None) -> QuerySet[Crossing]:
    """Every crossing (records and reversals) of the checkpoint's current local day, newest first."""
    today = checkpoint.local_date(now or timezone.now())
    return (
        crossings_list()
        .select_related("reversal", "corrects")
        .filter(lane__checkpoint=checkpoint, local_date=today)
        .order_by("-occurred_at", "-id")
    )


def crossing_summary_today(*, checkpoint: Checkpoint, now: datetime | None = None) -> list[dict]:
    """Admitted and refused crossings of the checkpoint's local day, one row per direction (counted ones)."""
    return [
        {
            "direction": Direction(direction).label,
            "admitted": counts[Outcome.ADMITTED],
            "refused": counts[Outcome.REFUSED],
        }
        for direction, counts in crossing_totals_today(checkpoint=checkpoint, now=now).items()
    ]


def admitted_per_local_hour(days: dict[Checkpoint, date]) -> dict[int, list[int]]:
    """Admitted entries and exits per local hour (0–23) of one local day per checkpoint, in one grouped query.

    A reversed record and its reversal count in no hour (`Crossing.objects.counted()`, as every figure).
    Returns {checkpoint id: [count of hour 0, ..., count of hour 23]}.
    """
    counts = {checkpoint.pk: [0] * len(HOURS_OF_DAY) for checkpoint in days}
    if not days:
        return counts
    of_the_day = Q()
    for checkpoint, day in days.items():
        of_the_day |= Q(lane__checkpoint_id=checkpoint.pk, local_date=day)
    local_hour = Case(
        *(
            When(lane__checkpoint_id=checkpoint.pk, then=ExtractHour("occurred_at", tzinfo=checkpoint.zone))
            for checkpoint in days
        ),
        output_field=IntegerField(),
    )
    rows = (
        Crossing.objects.counted()
        .filter(of_the_day, outcome=Outcome.ADMITTED)
        .annotate(hour=local_hour)
        .values("lane__checkpoint_id", "hour")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["lane__checkpoint_id"]][row["hour"]] = row["count"]
    return counts


def _filled_admitted_per_local_hour(days: dict[Checkpoint, date]) -> dict[int, list[int]]:
    """As `admitted_per_local_hour`, from the hourly statistics for the days they hold (a past day the nightly run
    filled), from the crossings of the day for the others."""
    filled = {
        state.checkpoint_id: state.last_filled
        for state in StatisticsFillState.objects.filter(checkpoint__in=list(days))
    }
    from_statistics = {
        checkpoint: day for checkpoint, day in days.items() if day <= filled.get(checkpoint.pk, date.min)
    }
    counts = admitted_per_local_hour(
        {checkpoint: day for checkpoint, day in days.items() if checkpoint not in from_statistics}
    )
    for checkpoint, day in from_statistics.items():
        hours = [0] * len(HOURS_OF_DAY)
        rows = (
            HourlyCrossingCount.objects.filter(checkpoint=checkpoint, local_date=day)
            .values("hour")
            .annotate(crossings=Sum("crossings"))
        )
        for row in rows:
            hours[row["hour"]] = row["crossings"]
        counts[checkpoint.pk] = hours
    return counts


def hourly_traffic(*, now: datetime | None = None) -> list[dict]:
    """Per checkpoint, admitted crossings per local hour of its today and of the same weekday a week earlier (from
    the hourly statistics once the nightly run has filled that day), and today's total so far.

    The hours of today still to come are None, not 0: nothing has happened in them yet, and a chart must not draw
    them as a collapse of traffic (Chart.js leaves a gap for null)."""
    now = now or timezone.now()
    checkpoints = list(Checkpoint.objects.all())
    today = {checkpoint: checkpoint.local_date(now) for checkpoint in checkpoints}
    last_week = {checkpoint: day - timedelta(days=7) for checkpoint, day in today.items()}
    today_counts = admitted_per_local_hour(today)
    last_week_counts = _filled_admitted_per_local_hour(last_week)
    rows = []
    for checkpoint in checkpoints:
        hour_now = checkpoint.local(now).hour
        so_far = [count if hour <= hour_now else None for hour, count in enumerate(today_counts[checkpoint.pk])]
        rows.append(
            {
                "checkpoint": checkpoint,
                "today": today[checkpoint],
                "last_week": last_week[checkpoint],
                "today_counts": so_far,
                "today_total": sum(today_counts[checkpoint.pk]),
                "last_week_counts": last_week_counts[checkpoint.pk],
            }
        )
    return rows
