"""The published traffic figures, read from the statistics tables only (never the crossings themselves): year to
date, the same period of the year before, growth, monthly series, peaks, time in the zone, refusals, overstays.

"Crossings" are admitted crossings (person-times) that no reversal cancelled; "people" are distinct travellers.
Zone-wide figures add the checkpoints' own local days. Growth is in percent with one decimal, None when the year
before has nothing to compare with.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Min, QuerySet, Sum

from crossings.choices import Direction, NationalityGroup, Outcome
from crossings.models import (
    Checkpoint,
    DailyCrossingCount,
    DailyRefusalCount,
    DailyVisitCount,
    HourlyCrossingCount,
    StatisticsFillState,
    YearlyTravellerSeen,
)
from crossings.selectors import statistics
from crossings.selectors.reference import VERSION_KEY as REFERENCE_VERSION_KEY
from horgos.extensions import statistics_panels
from horgos.versioned_cache import kept_under_versions, version_rename

T = TypeVar("T")

TENTH = Decimal("0.1")


def same_day_a_year_before(day: date) -> date:
    """The same calendar day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def growth_percent(current: int, previous: int) -> Decimal | None:
    if not previous:
        return None
    return (Decimal(current - previous) * 100 / previous).quantize(TENTH, rounding=ROUND_HALF_UP)


def _admitted(checkpoint: Checkpoint | None = None, group: str = "", direction: str = "") -> QuerySet:
    rows = DailyCrossingCount.objects.filter(outcome=Outcome.ADMITTED)
    if checkpoint is not None:
        rows = rows.filter(checkpoint=checkpoint)
    if group:
        rows = rows.filter(nationality_group=group)
    if direction:
        rows = rows.filter(direction=direction)
    return rows


def crossings_between(
    first: date, last: date, *, checkpoint: Checkpoint | None = None, group: str = "", direction: str = ""
) -> int:
    """Admitted crossings of the local days from `first` to `last` (each checkpoint's own days)."""
    rows = _admitted(checkpoint, group, direction).filter(local_date__gte=first, local_date__lte=last)
    return rows.aggregate(n=Sum("crossings"))["n"] or 0


def has_statistics(first: date, last: date, *, checkpoint: Checkpoint | None = None) -> bool:
    """Whether the statistics hold any crossing (admitted or refused) of the local days from `first` to `last`."""
    rows = DailyCrossingCount.objects.filter(local_date__gte=first, local_date__lte=last)
    if checkpoint is not None:
        rows = rows.filter(checkpoint=checkpoint)
    return rows.exists()


def last_filled_day_of(checkpoint: Checkpoint) -> date | None:
    """The latest local day the statistics of `checkpoint` hold; None before its first run."""
    return StatisticsFillState.objects.filter(checkpoint=checkpoint).values_list("last_filled", flat=True).first()


def people_of_year_until(as_of: date, *, checkpoint: Checkpoint | None = None, group: str = "") -> int:
    """Distinct travellers who crossed in `as_of`'s year up to that day (zone-wide: each person once)."""
    seen = YearlyTravellerSeen.objects.filter(year=as_of.year, first_local_date__lte=as_of)
    if checkpoint is not None:
        seen = seen.filter(checkpoint=checkpoint)
    if group:
        seen = seen.filter(nationality_group=group)
    return seen.aggregate(people=Count("traveller_id", distinct=True))["people"]


# Distinct travellers zone-wide, by checkpoint, by nationality group and by both, in one reading of the year's rows:
# a page of figures shows all of them, and a count of distinct travellers reads every row of the year (over a
# million at ten million crossings), each time.
PEOPLE_OF_YEAR_SQL = """
    SELECT checkpoint_id, nationality_group, COUNT(DISTINCT traveller_id)
    FROM crossings_yearlytravellerseen
    WHERE year = %s AND first_local_date <= %s
    GROUP BY GROUPING SETS ((), (checkpoint_id), (nationality_group), (checkpoint_id, nationality_group))
"""


def people_of_year_until_by(as_of: date) -> dict[tuple[int | None, str], int]:
    """`people_of_year_until` for the zone and every checkpoint, nationality group and both at once, keyed by
    (checkpoint id or None for the zone, group or "" for every group); a key missing counts no one."""
    with connection.cursor() as cursor:
        cursor.execute(PEOPLE_OF_YEAR_SQL, [as_of.year, as_of])
        # A column left out of a grouping set reads NULL; neither column holds NULL otherwise.
        return {(checkpoint_id, group or ""): people for checkpoint_id, group, people in cursor.fetchall()}


@dataclass(frozen=True)
class PeopleOfYear:
    """The distinct travellers of a day's year up to it and of the same period a year before, every breakdown read
    at once (`people_of_year_until_by`) for the pages that show several."""

    now: dict[tuple[int | None, str], int]
    before: dict[tuple[int | None, str], int]

    @classmethod
    def read(cls, as_of: date) -> "PeopleOfYear":
        return cls(now=people_of_year_until_by(as_of), before=people_of_year_until_by(same_day_a_year_before(as_of)))

    def of(self, checkpoint: Checkpoint | None, group: str) -> tuple[int, int]:
        key = (checkpoint.pk if checkpoint is not None else None, group)
        return self.now.get(key, 0), self.before.get(key, 0)


@dataclass(frozen=True)
class YearToDate:
    """So far this year against the same period of the year before."""

    as_of: date
    crossings: int
    people: int
    previous_as_of: date
    previous_crossings: int
    previous_people: int

    @property
    def crossings_growth(self) -> Decimal | None:
        return growth_percent(self.crossings, self.previous_crossings)

    @property
    def people_growth(self) -> Decimal | None:
        return growth_percent(self.people, self.previous_people)


def crossings_of_year_until(
    as_of: date, *, checkpoint: Checkpoint | None = None, group: str = "", direction: str = ""
) -> int:
    """Admitted crossings of `as_of`'s year up to that day (in one direction or both). Months before go-live come
    from the imported monthly totals (recorded data wins where both exist): whole months before `as_of`'s month, and
    for that month the share of its days up to `as_of`. The imported history has no nationality groups: a group's
    figure is recorded only."""
    first = date(as_of.year, 1, 1)
    if group:
        return crossings_between(first, as_of, checkpoint=checkpoint, group=group, direction=direction)
    months = statistics.monthly_crossings(
        year=as_of.year, checkpoint=checkpoint.code if checkpoint else None, direction=direction or None
    )
    total = sum(month["crossings"] for month in months[: as_of.month - 1])
    days_in_month = calendar.monthrange(as_of.year, as_of.month)[1]
    month_start = date(as_of.year, as_of.month, 1)
    for code, figure in months[as_of.month - 1]["by_checkpoint"].items():
        if figure["source"] == statistics.IMPORTED:
            total += round(figure["crossings"] * as_of.day / days_in_month)
        else:
            total += crossings_between(
                month_start, as_of, checkpoint=Checkpoint.objects.get(code=code), direction=direction
            )
    return total


def year_to_date(
    as_of: date, *, checkpoint: Checkpoint | None = None, group: str = "", people: PeopleOfYear | None = None
) -> YearToDate:
    """The year to date of the zone or `checkpoint` (of one nationality group or all); its people from `people` when
    given (read for `as_of`), else counted."""
    previous = same_day_a_year_before(as_of)
    if people is not None:
        people_now, people_before = people.of(checkpoint, group)
    else:
        people_now = people_of_year_until(as_of, checkpoint=checkpoint, group=group)
        people_before = people_of_year_until(previous, checkpoint=checkpoint, group=group)
    return YearToDate(
        as_of=as_of,
        crossings=crossings_of_year_until(as_of, checkpoint=checkpoint, group=group),
        people=people_now,
        previous_as_of=previous,
        previous_crossings=crossings_of_year_until(previous, checkpoint=checkpoint, group=group),
        previous_people=people_before,
    )


def crossings_of_year_by_direction(as_of: date, *, checkpoint: Checkpoint | None = None) -> dict[str, int]:
    """Admitted crossings of `as_of`'s year up to that day by direction (every direction), imported months included."""
    return {
        direction: crossings_of_year_until(as_of, checkpoint=checkpoint, direction=direction)
        for direction in Direction.values
    }


def year_to_date_by(as_of: date, *, people: PeopleOfYear | None = None) -> dict[str, dict]:
    """The year-to-date figures by checkpoint and by nationality group."""
    people = people or PeopleOfYear.read(as_of)
    checkpoints = Checkpoint.objects.order_by("code")
    return {
        "checkpoints": {
            checkpoint: year_to_date(as_of, checkpoint=checkpoint, people=people) for checkpoint in checkpoints
        },
        "groups": {group: year_to_date(as_of, group=group, people=people) for group in NationalityGroup},
    }


def monthly_crossings(year: int, *, checkpoint: Checkpoint | None = None) -> list[int]:
    """Admitted crossings per month of `year` (12 numbers): recorded statistics, else the imported history."""
    months = statistics.monthly_crossings(year=year, checkpoint=checkpoint.code if checkpoint else None)
    return [month["crossings"] for month in months]


def _days_of_year(rows: QuerySet, year: int, until: date | None) -> QuerySet:
    """The rows of `year`'s local days, up to `until` when given: figures "as of" a day never count a later day that
    one checkpoint's nightly run filled before the other's."""
    rows = rows.filter(local_date__gte=date(year, 1, 1), local_date__lte=date(year, 12, 31))
    return rows.filter(local_date__lte=until) if until else rows


def peak_day(year: int, *, checkpoint: Checkpoint | None = None, until: date | None = None) -> tuple[date, int] | None:
    """The local day of `year` (up to `until`) with the most admitted crossings."""
    row = (
        _days_of_year(_admitted(checkpoint), year, until)
        .values("local_date")
        .annotate(crossings=Sum("crossings"))
        .order_by("-crossings", "local_date")
        .first()
    )
    return (row["local_date"], row["crossings"]) if row else None


def peak_hour(year: int, *, checkpoint: Checkpoint | None = None, until: date | None = None) -> tuple[int, int] | None:
    """The local hour of the day (0-23) with the most admitted crossings over `year` (up to `until`)."""
    rows = _days_of_year(HourlyCrossingCount.objects.all(), year, until)
    if checkpoint is not None:
        rows = rows.filter(checkpoint=checkpoint)
    row = rows.values("hour").annotate(crossings=Sum("crossings")).order_by("-crossings", "hour").first()
    return (row["hour"], row["crossings"]) if row else None


def average_hours_in_zone(first: date, last: date, *, checkpoint: Checkpoint | None = None) -> Decimal | None:
    """The average time in the zone of the visits closed between `first` and `last`, in hours (one decimal)."""
    rows = DailyVisitCount.objects.filter(local_date__gte=first, local_date__lte=last)
    if checkpoint is not None:
        rows = rows.filter(checkpoint=checkpoint)
    totals = rows.aggregate(visits=Sum("visits_closed"), seconds=Sum("seconds_in_zone"))
    if not totals["visits"]:
        return None
    return (Decimal(totals["seconds"]) / totals["visits"] / 3600).quantize(TENTH, rounding=ROUND_HALF_UP)


def refusals_by_reason(first: date, last: date, *, checkpoint: Checkpoint | None = None) -> list[dict]:
    rows = DailyRefusalCount.objects.filter(local_date__gte=first, local_date__lte=last)
    if checkpoint is not None:
        rows = rows.filter(checkpoint=checkpoint)
    return list(rows.values("reason").annotate(refusals=Sum("refusals")).order_by("-refusals", "reason"))


def overstays_open_on(day: date, *, checkpoint: Checkpoint | None = None) -> int:
    """Visits overstaying at the end of `day` (each checkpoint's own day)."""
    rows = DailyVisitCount.objects.filter(local_date=day)
    if checkpoint is not None:
        rows = rows.filter(checkpoint=checkpoint)
    return rows.aggregate(n=Sum("overstays_open"))["n"] or 0


def last_filled_day() -> date | None:
    """The latest local day the statistics hold for every checkpoint (figures are "as of" it); None before the
    first run."""
    if StatisticsFillState.objects.count() < Checkpoint.objects.count():
        return None
    return StatisticsFillState.objects.aggregate(last=Min("last_filled"))["last"]


# The crossing figures change only when the statistics do: whatever writes them (a filled day, a rebuild, an import
# of historical totals) renames this version on commit (`statistics_changed`), and the pages' figures are kept under
# it and the reference data's version (they name checkpoints). Computing them counts distinct travellers over every
# row of two years: seconds per page at ten million crossings.
STATISTICS_VERSION_KEY = "crossings:statistics-version"
FIGURES_SECONDS = 26 * 60 * 60


def statistics_changed() -> None:
    """The crossing statistics changed (and committed): figures kept before are no longer read."""
    version_rename(STATISTICS_VERSION_KEY)


def kept_until_statistics_change(key: str, compute: Callable[[], T]) -> T:
    """What `compute()` returns, from the cache while neither the statistics nor the reference data have changed."""
    return kept_under_versions([STATISTICS_VERSION_KEY, REFERENCE_VERSION_KEY], key, compute, seconds=FIGURES_SECONDS)


def scope_key(checkpoint: Checkpoint | None) -> str:
    """The part of a cache key that says whose figures: a checkpoint's, or the zone's."""
    return checkpoint.code if checkpoint is not None else "zone"


def statistics_overview(*, as_of: date, checkpoint: Checkpoint | None = None) -> dict:
    """Everything the statistics page shows for the year of `as_of` up to that day (one checkpoint, or the zone)."""
    overview = kept_until_statistics_change(
        f"crossings:overview:{scope_key(checkpoint)}:{as_of.isoformat()}",
        lambda: _crossings_overview(as_of=as_of, checkpoint=checkpoint),
    )
    # What later apps add (trade: the duty-free sales), without crossings importing them; kept by those apps.
    return {**overview, "panels": statistics_panels(as_of=as_of, checkpoint=checkpoint)}


def _crossings_overview(*, as_of: date, checkpoint: Checkpoint | None) -> dict:
    first = date(as_of.year, 1, 1)
    people = PeopleOfYear.read(as_of)
    return {
        "as_of": as_of,
        "ytd": year_to_date(as_of, checkpoint=checkpoint, people=people),
        "by_checkpoint": year_to_date_by(as_of, people=people)["checkpoints"] if checkpoint is None else {},
        "by_group": {
            group: year_to_date(as_of, checkpoint=checkpoint, group=group, people=people) for group in NationalityGroup
        },
        "monthly": {
            "this_year": monthly_crossings(as_of.year, checkpoint=checkpoint),
            "last_year": monthly_crossings(as_of.year - 1, checkpoint=checkpoint),
        },
        "refusals": refusals_by_reason(first, as_of, checkpoint=checkpoint),
        "hours_in_zone": average_hours_in_zone(first, as_of, checkpoint=checkpoint),
        "peak_day": peak_day(as_of.year, checkpoint=checkpoint, until=as_of),
        "peak_hour": peak_hour(as_of.year, checkpoint=checkpoint, until=as_of),
        "overstays": overstays_open_on(as_of, checkpoint=checkpoint),
    }


def public_figures(as_of: date) -> dict:
    """The public traffic page's numbers (counts only, never a person): this year so far, growth on the year
    before, and the months of both years."""
    ytd = year_to_date(as_of)
    return {
        "as_of": as_of.isoformat(),
        "crossings": ytd.crossings,
        "previous_crossings": ytd.previous_crossings,
        "growth": str(ytd.crossings_growth) if ytd.crossings_growth is not None else None,
        "this_year": monthly_crossings(as_of.year),
        "last_year": monthly_crossings(as_of.year - 1),
    }


def _ytd_data(ytd: YearToDate) -> dict:
    return {
        "as_of": ytd.as_of.isoformat(),
        "crossings": ytd.crossings,
        "people": ytd.people,
        "previous_as_of": ytd.previous_as_of.isoformat(),
        "previous_crossings": ytd.previous_crossings,
        "previous_people": ytd.previous_people,
        "crossings_growth": None if ytd.crossings_growth is None else str(ytd.crossings_growth),
        "people_growth": None if ytd.people_growth is None else str(ytd.people_growth),
    }


def figures_as_data(overview: dict) -> dict:
    """The statistics overview as the API gives it: plain numbers, ISO dates, decimals as strings."""
    peak_day, peak_hour = overview["peak_day"], overview["peak_hour"]
    return {
        "as_of": overview["as_of"].isoformat(),
        "year_to_date": _ytd_data(overview["ytd"]),
        "by_checkpoint": {checkpoint.code: _ytd_data(ytd) for checkpoint, ytd in overview["by_checkpoint"].items()},
        "by_nationality_group": {str(group): _ytd_data(ytd) for group, ytd in overview["by_group"].items()},
        "monthly": overview["monthly"],
        "refusals": overview["refusals"],
        "average_hours_in_zone": None if overview["hours_in_zone"] is None else str(overview["hours_in_zone"]),
        "peak_day": {"day": peak_day[0].isoformat(), "crossings": peak_day[1]} if peak_day else None,
        "peak_hour": {"hour": peak_hour[0], "crossings": peak_hour[1]} if peak_hour else None,
        "overstays_open": overview["overstays"],
        # What later apps add (trade: "trade", the duty-free sales so far this year).
        "more": {panel.name: panel.data for panel in overview["panels"]},
    }


# The public figures change when the statistics do: the nightly run (and a rebuild, and an import of historical
# totals) refreshes them at its end (`public_figures_refresh`), so a page or API request reads one cache key and
# no table. They are kept a little over a day, so a late night run never leaves a gap.
PUBLIC_FIGURES_KEY = "public-figures"
PUBLIC_FIGURES_SECONDS = 26 * 60 * 60


def public_figures_refresh() -> dict | None:
    """Compute the public figures as of the last filled day (None before the first night's statistics) and put
    them in the cache for the pages and the API to read."""
    as_of = last_filled_day()
    numbers = public_figures(as_of) if as_of is not None else None
    cache.set(PUBLIC_FIGURES_KEY, {"numbers": numbers}, PUBLIC_FIGURES_SECONDS)
    return numbers


def cached_public_figures() -> dict | None:
    """The public figures as the last statistics run left them in the cache; computed (and cached) when the cache
    has none (a cache out of reach means they are computed, never an error). None before the first night's
    statistics."""
    cached = cache.get(PUBLIC_FIGURES_KEY)
    if cached is None:
        return public_figures_refresh()
    return cached["numbers"]
