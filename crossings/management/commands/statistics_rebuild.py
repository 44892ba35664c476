"""Recompute the traffic statistics of a range of local days (every checkpoint), e.g. after an import or a fix.

manage.py statistics_rebuild --from 2025-01-01 --to 2025-12-31
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from crossings.models import Checkpoint
from crossings.services.statistics import statistics_rebuild


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a day; write it as YYYY-MM-DD") from error


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, help="first local day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", required=True, help="last local day, YYYY-MM-DD")

    def handle(self, *args, first: str, last: str, **options):
        first_day, last_day = _day(first), _day(last)
        if last_day < first_day:
            raise CommandError("--to is before --from")
        total = ((last_day - first_day).days + 1) * Checkpoint.objects.count()
        done = {"days": 0}

        def progress(checkpoint, day) -> None:
            done["days"] += 1
            if options["verbosity"] > 0 and (day == last_day or done["days"] % 10 == 0):
                share = done["days"] / total
                bar = "#" * int(share * 30)
                self.stdout.write(f"\r[{bar:<30}] {checkpoint.code} {day}", ending="")
                self.stdout.flush()

        days = statistics_rebuild(first=first_day, last=last_day, progress=progress)
        self.stdout.write(f"\n{days} checkpoint days recomputed")
