"""Demo data for `make run`: reference data, the demo officers at their checkpoints, a synthetic history of the last
60 days (only when there are no crossings yet, so a second run keeps the data), and its statistics filled."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from crossings.choices import CheckpointCode
from crossings.models import Checkpoint, Crossing, OfficerAssignment
from crossings.services.statistics import statistics_fill
from horgos.choices import Role
from horgos.models import User

DEMO_OFFICERS = {"officer.cn": CheckpointCode.CN, "officer.kz": CheckpointCode.KZ}
DEMO_HISTORY = {"travellers": 3000, "days": 60, "daily_visits": 400, "seed": 2026}


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        call_command("crossings_load_reference", verbosity=0)
        with transaction.atomic():
            for username, code in DEMO_OFFICERS.items():
                officer = User.objects.filter(username=username, role=Role.OFFICER).first()
                if officer is not None:
                    OfficerAssignment.objects.get_or_create(
                        officer=officer, defaults={"checkpoint": Checkpoint.objects.get(code=code)}
                    )
        if Crossing.objects.exists():
            self.stdout.write("crossing history present; left as it is")
        else:
            self._generate()
        # The statistics a night's run would have filled, so the statistics pages show the demo history at once.
        self.stdout.write(f"statistics: {statistics_fill()} checkpoint days filled")

    def _generate(self) -> None:
        call_command(
            "crossings_generate",
            "--travellers",
            str(DEMO_HISTORY["travellers"]),
            "--days",
            str(DEMO_HISTORY["days"]),
            "--daily-visits",
            str(DEMO_HISTORY["daily_visits"]),
            "--seed",
            str(DEMO_HISTORY["seed"]),
            stdout=self.stdout,
        )
