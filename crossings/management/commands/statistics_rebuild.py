"""Recompute the traffic statistics of a range of local days (every checkpoint), e.g. after an import or a fix.

manage.py statistics_rebuild --from 2025-01-01 --to 2025-12-31
"""

from crossings.models import Checkpoint
from crossings.services.statistics import statistics_rebuild
from horgos.commands import DayRangeCommand


class Command(DayRangeCommand):
    help = __doc__
    step_name = "checkpoint days"

    def steps_per_day(self) -> int:
        return Checkpoint.objects.count()

    def rebuild(self, *, first, last, progress) -> int:
        return statistics_rebuild(
            first=first, last=last, progress=lambda checkpoint, day: progress(checkpoint.code, day)
        )
