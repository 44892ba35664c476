"""Recompute the traffic statistics of a range of local days (every checkpoint), e.g. after an import or a fix.

manage.py statistics_rebuild --from 2025-01-01 --to 2025-12-31
"""

from crossings.services.statistics_rebuild import STEPS, statistics_rebuild
from horgos.commands import DayRangeCommand


class Command(DayRangeCommand):
    help = __doc__
    step_name = "checkpoint days"

    def progress_steps(self, first, last) -> int:
        # The rebuild goes table by table over the whole range, not day by day.
        return len(STEPS)

    def rebuild(self, *, first, last, progress) -> int:
        return statistics_rebuild(first=first, last=last, progress=progress)
