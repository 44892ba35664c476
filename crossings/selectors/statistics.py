"""Reads of the traffic statistics: figures per month from the statistics tables, never from the crossings.

Monthly crossings come from the recorded statistics (`DailyCrossingCount`) for a month in which a checkpoint has
any recorded day, and from the imported history (`HistoricalMonthlyTotal`) for a month before go-live: where both
exist for a month, recorded data wins, so growth figures work from the first day of operation.
"""

from datetime import date

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce, ExtractMonth

from crossings.choices import CheckpointCode, Direction, Outcome
from crossings.models import DailyCrossingCount, HistoricalMonthlyTotal

RECORDED = "recorded"
IMPORTED = "imported"
# A month of both checkpoints taken from recorded statistics at one and the imported history at the other.
MIXED = "mixed"
MONTHS = range(1, 13)


def monthly_crossings(*, year: int, checkpoint: str | None = None, direction: str | None = None) -> list[dict]:
    """The crossings of each month of `year` (12 entries, January first), of one checkpoint (its code) or both, in
    one direction or both: `{"month", "crossings", "source", "by_checkpoint": {code: {"crossings", "source"}}}`.

    Crossings are person-times admitted across the border: a refused attempt crossed nothing, and the imported
    totals from before go-live count crossings made, so both sources count the same thing. A checkpoint's month is
    "recorded" when the statistics hold any of its local days in that month (even with no admitted crossing in the
    direction asked for), else "imported" when the history holds it, else absent. `source` is the month's one
    source, "mixed" when the checkpoints' differ, and None for a month with neither (its crossings are 0).
    """
    codes = [checkpoint] if checkpoint else list(CheckpointCode.values)
    admitted = Q(outcome=Outcome.ADMITTED)
    if direction:
        admitted &= Q(direction=direction)
    recorded_rows = (
        DailyCrossingCount.objects.filter(
            local_date__gte=date(year, 1, 1), local_date__lte=date(year, 12, 31), checkpoint__code__in=codes
        )
        .annotate(month=ExtractMonth("local_date"))
        .values("checkpoint__code", "month")
        .annotate(crossings=Coalesce(Sum("crossings", filter=admitted), 0))
        .order_by()
    )
    recorded = {(row["checkpoint__code"], row["month"]): row["crossings"] for row in recorded_rows}
    history = HistoricalMonthlyTotal.objects.filter(year=year, checkpoint__in=codes)
    if direction:
        history = history.filter(direction=direction)
    imported = {
        (row["checkpoint"], row["month"]): row["crossings"]
        for row in history.values("checkpoint", "month").annotate(crossings=Sum("crossings")).order_by()
    }
    months = []
    for month in MONTHS:
        by_checkpoint = {}
        for code in codes:
            if (code, month) in recorded:
                by_checkpoint[code] = {"crossings": recorded[code, month], "source": RECORDED}
            elif (code, month) in imported:
                by_checkpoint[code] = {"crossings": imported[code, month], "source": IMPORTED}
        sources = {figure["source"] for figure in by_checkpoint.values()}
        months.append(
            {
                "month": month,
                "crossings": sum(figure["crossings"] for figure in by_checkpoint.values()),
                "source": sources.pop() if len(sources) == 1 else (MIXED if sources else None),
                "by_checkpoint": by_checkpoint,
            }
        )
    return months


# The columns of the imported history's table: each checkpoint in each direction.
HISTORY_COLUMNS = [(code, direction) for code in CheckpointCode.values for direction in Direction.values]


def historical_totals_by_year() -> list[dict]:
    """The imported monthly totals, latest year first: `{"year", "months": [{"month": date, "cells": [...]}],
    "totals": [...]}` with a cell (a HistoricalMonthlyTotal, or None) and a year's total per HISTORY_COLUMNS."""
    years: dict[int, dict[int, dict]] = {}
    for total in HistoricalMonthlyTotal.objects.order_by("-year", "month"):
        years.setdefault(total.year, {}).setdefault(total.month, {})[total.checkpoint, total.direction] = total
    result = []
    for year, months in years.items():
        rows = [
            {"month": date(year, month, 1), "cells": [cells.get(column) for column in HISTORY_COLUMNS]}
            for month, cells in months.items()
        ]
        totals = [
            sum(row["cells"][index].crossings for row in rows if row["cells"][index] is not None)
            for index in range(len(HISTORY_COLUMNS))
        ]
        result.append({"year": year, "months": rows, "totals": totals})
    return result
