"""What every app's management commands share: a command over a range of local days with a progress bar."""

from collections.abc import Callable
from datetime import date

from django.core.management.base import BaseCommand, CommandError

DAY_FORMAT_HELP = "YYYY-MM-DD"
BAR_WIDTH = 30


def parse_day(value: str) -> date:
    """A day from the command line, or a CommandError (non-zero exit) that says how to write it."""
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a day; write it as {DAY_FORMAT_HELP}") from error


class DayRangeCommand(BaseCommand):
    """`--from` and `--to` (local days, both included), and `rebuild` run over them with a progress bar on a
    terminal. Subclasses set `rebuild` (a service called as `rebuild(first=, last=, progress=)` whose progress gets a
    label and a day, once per step), what `rebuild` returns a count of (`step_name`) and how many progress steps the
    range takes (`progress_steps`: by default `steps_per_day` a day)."""

    step_name = "days"
    rebuild: Callable[..., int]

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, help=f"first local day, {DAY_FORMAT_HELP}")
        parser.add_argument("--to", dest="last", required=True, help=f"last local day, {DAY_FORMAT_HELP}")

    def steps_per_day(self) -> int:
        return 1

    def progress_steps(self, first: date, last: date) -> int:
        return ((last - first).days + 1) * self.steps_per_day()

    def handle(self, *args, first: str, last: str, **options):
        first_day, last_day = parse_day(first), parse_day(last)
        if last_day < first_day:
            raise CommandError("--to is before --from")
        total = self.progress_steps(first_day, last_day)
        done = {"steps": 0}

        def progress(label: str, day: date) -> None:
            done["steps"] += 1
            if options["verbosity"] > 0 and (done["steps"] == total or done["steps"] % 10 == 0):
                bar = "#" * int(done["steps"] / total * BAR_WIDTH)
                self.stdout.write(f"\r[{bar:<{BAR_WIDTH}}] {label} {day}", ending="")
                self.stdout.flush()

        steps = self.rebuild(first=first_day, last=last_day, progress=progress)
        self.stdout.write(f"\n{steps} {self.step_name} recomputed")
