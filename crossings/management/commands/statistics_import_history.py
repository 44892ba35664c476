"""Import monthly crossing totals from before go-live from a CSV or XLSX file with the columns
year,month,checkpoint,direction,crossings,travellers (travellers may be left out or blank).

All or nothing: when a row is wrong, nothing is imported, each problem is printed with its row number and the
command exits with an error. A month imported again replaces its earlier total.

manage.py statistics_import_history history.xlsx
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crossings.services.history import historical_totals_import


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV or XLSX file")

    def handle(self, *args, file: Path, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from error
        report = historical_totals_import(content=content, filename=file.name, acting_user=None)
        if not report.ok:
            lines = "\n".join(
                f"row {problem.row}{f' ({problem.column})' if problem.column else ''}: {problem.message}"
                if problem.row
                else problem.message
                for problem in report.problems
            )
            raise CommandError(f"nothing imported; {file} has problems:\n{lines}")
        self.stdout.write(
            f"{report.imported} months imported from {file}: {report.created} new, {report.replaced} replaced"
        )
