"""Enter exchange rates from a CSV file with the columns currency,day,rate_to_cny (CNY per unit of the currency).

All or nothing: when a row is wrong, nothing is entered and each problem is printed with its line number.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trade.services.policy import exchange_rates_import


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV file")

    def handle(self, *args, file: Path, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from error
        report = exchange_rates_import(content=content, acting_user=None)
        if report.problems:
            lines = "\n".join(f"line {number}: {problem}" if number else problem for number, problem in report.problems)
            raise CommandError(f"no rate entered; {file} has problems:\n{lines}")
        self.stdout.write(f"{report.entered} exchange rates entered")
