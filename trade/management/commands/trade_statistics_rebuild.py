"""Recompute the trade statistics of a range of local days (both sides of the zone), e.g. after a fix or an import.

manage.py trade_statistics_rebuild --from 2025-01-01 --to 2025-12-31
"""

from crossings.models import Checkpoint
from horgos.commands import DayRangeCommand
from trade.services.statistics import trade_statistics_rebuild


class Command(DayRangeCommand):
    help = __doc__
    step_name = "side days"

    def steps_per_day(self) -> int:
        return Checkpoint.objects.count()

    def rebuild(self, *, first, last, progress) -> int:
        return trade_statistics_rebuild(first=first, last=last, progress=progress)
