"""The annual crossing report's figures: a year (or the part of it the statistics hold) against the same period of
the year before, from the statistics tables only, through the figures selectors.

A year that has not begun, or of which the statistics hold nothing, has no report: `annual_report_as_of` says so
with a ValidationError on "year", which the service and the pages show as it is.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crossings.choices import Direction, NationalityGroup
from crossings.models import AnnualReport, Checkpoint
from crossings.selectors import figures

YEAR_NOT_BEGUN = _("%(year)s has not begun yet: choose %(this_year)s or an earlier year.")
YEAR_WITHOUT_STATISTICS = _("The statistics hold no crossing in %(year)s: choose a year with recorded crossings.")


def annual_report_as_of(year: int, *, checkpoint: Checkpoint | None = None, today: date | None = None) -> date:
    """The last day the report of `year` runs to: 31 December, or for a year still under way the last day the
    statistics are filled (of the checkpoint, or of every checkpoint for the zone). Refuses a year that has not
    begun and a year of which the statistics hold nothing."""
    today = today or timezone.localdate()
    if year > today.year:
        raise ValidationError({"year": ValidationError(YEAR_NOT_BEGUN, params={"year": year, "this_year": today.year})})
    last_filled = figures.last_filled_day() if checkpoint is None else figures.last_filled_day_of(checkpoint)
    first = date(year, 1, 1)
    as_of = min(date(year, 12, 31), last_filled) if last_filled else None
    if as_of is None or as_of < first or not figures.has_statistics(first, as_of, checkpoint=checkpoint):
        raise ValidationError({"year": ValidationError(YEAR_WITHOUT_STATISTICS, params={"year": year})})
    return as_of


@dataclass(frozen=True)
class DirectionRow:
    direction: str
    crossings: int
    previous_crossings: int

    @property
    def growth(self) -> Decimal | None:
        return figures.growth_percent(self.crossings, self.previous_crossings)


@dataclass(frozen=True)
class AnnualReportFigures:
    """Everything the annual report shows. `total` and the breakdowns are the year up to `as_of` against the same
    period of the year before; `months` are (month, the year before, this year) with the year before whole, and
    None for the months of a year under way still to come."""

    year: int
    as_of: date
    checkpoint: Checkpoint | None
    total: figures.YearToDate
    months: list[tuple[int, int, int | None]]
    by_checkpoint: list[tuple[Checkpoint, figures.YearToDate]]
    by_direction: list[DirectionRow]
    by_group: list[tuple[str, figures.YearToDate]]
    refusals: list[dict]
    hours_in_zone: Decimal | None
    previous_hours_in_zone: Decimal | None
    peak_day: tuple[date, int] | None
    peak_hour: tuple[int, int] | None
    overstays: int

    @property
    def is_whole_year(self) -> bool:
        return self.as_of == date(self.year, 12, 31)

    @property
    def refusals_total(self) -> int:
        return sum(row["refusals"] for row in self.refusals)


def _months_until(as_of: date, *, checkpoint: Checkpoint | None) -> list[int | None]:
    """Admitted crossings per month of `as_of`'s year up to `as_of`: `figures.monthly_crossings` for a whole year;
    for a year under way no day after `as_of` (one checkpoint may be filled a day further than the other), and None
    for the months still to come."""
    if as_of == date(as_of.year, 12, 31):
        return figures.monthly_crossings(as_of.year, checkpoint=checkpoint)
    months = []
    for month in range(1, 13):
        first = date(as_of.year, month, 1)
        last = min(date(as_of.year, month, calendar.monthrange(as_of.year, month)[1]), as_of)
        months.append(figures.crossings_between(first, last, checkpoint=checkpoint) if first <= as_of else None)
    return months


def annual_report(year: int, *, checkpoint: Checkpoint | None = None, today: date | None = None) -> AnnualReportFigures:
    """The report of `year` up to its last day filled for every checkpoint, zone-wide or of one checkpoint, read from
    the statistics tables only (from the cache while they have not changed)."""
    as_of = annual_report_as_of(year, checkpoint=checkpoint, today=today)
    return figures.kept_until_statistics_change(
        f"crossings:annual-report:{figures.scope_key(checkpoint)}:{as_of.isoformat()}",
        lambda: _annual_report(as_of, checkpoint=checkpoint),
    )


def _annual_report(as_of: date, *, checkpoint: Checkpoint | None) -> AnnualReportFigures:
    year = as_of.year
    first = date(year, 1, 1)
    people = figures.PeopleOfYear.read(as_of)
    total = figures.year_to_date(as_of, checkpoint=checkpoint, people=people)
    previous_first, previous_as_of = date(year - 1, 1, 1), total.previous_as_of
    this_year = _months_until(as_of, checkpoint=checkpoint)
    last_year = figures.monthly_crossings(year - 1, checkpoint=checkpoint)
    directions = figures.crossings_of_year_by_direction(as_of, checkpoint=checkpoint)
    previous_directions = figures.crossings_of_year_by_direction(previous_as_of, checkpoint=checkpoint)
    return AnnualReportFigures(
        year=year,
        as_of=as_of,
        checkpoint=checkpoint,
        total=total,
        months=[(month, last_year[month - 1], this_year[month - 1]) for month in range(1, 13)],
        by_checkpoint=(
            list(figures.year_to_date_by(as_of, people=people)["checkpoints"].items()) if checkpoint is None else []
        ),
        by_direction=[
            DirectionRow(direction, directions[direction], previous_directions[direction])
            for direction in Direction.values
        ],
        by_group=[
            (group, figures.year_to_date(as_of, checkpoint=checkpoint, group=group, people=people))
            for group in NationalityGroup
        ],
        refusals=figures.refusals_by_reason(first, as_of, checkpoint=checkpoint),
        hours_in_zone=figures.average_hours_in_zone(first, as_of, checkpoint=checkpoint),
        previous_hours_in_zone=figures.average_hours_in_zone(previous_first, previous_as_of, checkpoint=checkpoint),
        peak_day=figures.peak_day(year, checkpoint=checkpoint, until=as_of),
        peak_hour=figures.peak_hour(year, checkpoint=checkpoint, until=as_of),
        overstays=figures.overstays_open_on(as_of, checkpoint=checkpoint),
    )


def annual_reports_of(user) -> QuerySet[AnnualReport]:
    """The reports `user` may see and download, newest first: every one for administrators, an officer's own
    checkpoint's."""
    return AnnualReport.objects.visible_to(user).select_related("checkpoint", "requested_by")
