"""Generate a realistic synthetic crossing history for tests, the demo and benchmarks.

    python manage.py crossings_generate --travellers N --days D --seed S [--daily-visits V] [--end YYYY-MM-DD]

The model of traffic, and how the rows are written, are described in crossings/generation/__init__.py.
"""

import argparse
import random
import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from crossings.generation import DEFAULT_END_ZONE, NoStayPolicyError, generate_history


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Create a realistic synthetic crossing history with PostgreSQL COPY (see the module docstring)."

    def add_arguments(self, parser):
        parser.add_argument("--travellers", type=int, required=True, help="how many travellers to create")
        parser.add_argument("--days", type=int, required=True, help="how many local days of traffic")
        parser.add_argument("--seed", type=int, required=True, help="the random seed: same seed, same data")
        parser.add_argument("--daily-visits", type=int, help="visits on an ordinary weekday (default: travellers/10)")
        parser.add_argument("--end", type=parse_day, help="the last day (default: today in Asia/Shanghai)")

    def handle(self, *args, travellers: int, days: int, seed: int, daily_visits: int | None, end: date | None, **_):
        daily_visits = max(1, travellers // 10) if daily_visits is None else daily_visits
        for name, value in (("--travellers", travellers), ("--days", days), ("--daily-visits", daily_visits)):
            if value < 1:
                raise CommandError(f"{name} must be at least 1 (got {value}).")
        now = timezone.now()
        end = end or now.astimezone(DEFAULT_END_ZONE).date()
        started = time.perf_counter()
        try:
            # All of it in one transaction: a failure leaves nothing half-written.
            with transaction.atomic():
                stats = generate_history(
                    travellers=travellers,
                    days=[end - timedelta(days=back) for back in range(days - 1, -1, -1)],
                    daily_visits=daily_visits,
                    rng=random.Random(seed),
                    now=int(now.timestamp()),
                )
        except NoStayPolicyError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"crossings_generate: {stats['travellers']} travellers, {stats['documents']} documents, "
            f"{stats['visits_open'] + stats['visits_closed']} visits ({stats['visits_open']} open, "
            f"{stats['visits_closed']} closed), {stats['admitted'] + stats['refused']} crossings "
            f"({stats['admitted']} admitted, {stats['refused']} refused), {stats['overstays']} overstays "
            f"in {time.perf_counter() - started:.1f} s"
        )
