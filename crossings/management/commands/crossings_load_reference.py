"""Load the zone's reference data: checkpoints, lanes, opening hours, accepted documents, the stay
policy and the public-holiday closures of 2025–2027. Idempotent: rows that exist are left as the
administrators edited them; only missing ones are added."""

import csv
from datetime import date, time, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from crossings.choices import CheckpointCode, Direction, DocumentType, LaneGroup
from crossings.models import AcceptedDocument, Checkpoint, Closure, Lane, OpeningHours, StayPolicy
from crossings.selectors.reference import reference_data_changed

CLOSURES_FILE = Path(__file__).resolve().parents[2] / "data" / "closures.csv"

CHECKPOINTS = [
    {
        "code": CheckpointCode.CN,
        "country": "CN",
        "time_zone": "Asia/Shanghai",
        "name_zh_hans": "霍尔果斯口岸（中方）",
        "name_kk": "Қорғас өткізу пункті (Қытай жағы)",
        "name_ru": "Пункт пропуска Хоргос (китайская сторона)",
        "name_en": "Horgos checkpoint (Chinese side)",
    },
    {
        "code": CheckpointCode.KZ,
        "country": "KZ",
        "time_zone": "Asia/Almaty",
        "name_zh_hans": "霍尔果斯口岸（哈方）",
        "name_kk": "Қорғас өткізу пункті (Қазақстан жағы)",
        "name_ru": "Пункт пропуска Хоргос (казахстанская сторона)",
        "name_en": "Horgos checkpoint (Kazakh side)",
    },
]
# Lanes per checkpoint, direction and group (the Chinese side is the larger one).
LANE_COUNTS = {
    CheckpointCode.CN: {LaneGroup.OWN_CITIZENS: 4, LaneGroup.OTHER_NATIONALS: 2, LaneGroup.E_GATE: 3},
    CheckpointCode.KZ: {LaneGroup.OWN_CITIZENS: 3, LaneGroup.OTHER_NATIONALS: 2, LaneGroup.E_GATE: 2},
}
LANE_PREFIX = {LaneGroup.OWN_CITIZENS: "C", LaneGroup.OTHER_NATIONALS: "F", LaneGroup.E_GATE: "G"}
HOURS = {CheckpointCode.CN: (time(9, 0), time(0, 0)), CheckpointCode.KZ: (time(7, 0), time(19, 0))}
# (document type, issuing countries (empty: any), may use the e-gates)
ACCEPTED_DOCUMENTS = {
    CheckpointCode.CN: [
        (DocumentType.PASSPORT, ["CN"], True),
        (DocumentType.PASSPORT, [], False),
        (DocumentType.EXIT_ENTRY_PERMIT, ["CN"], True),
        (DocumentType.NATIONAL_ID, ["CN", "KZ"], False),
        (DocumentType.BIRTH_CERTIFICATE, [], False),
    ],
    CheckpointCode.KZ: [
        (DocumentType.PASSPORT, ["KZ"], True),
        (DocumentType.PASSPORT, [], False),
        (DocumentType.EXIT_ENTRY_PERMIT, ["CN"], False),
        (DocumentType.NATIONAL_ID, ["KZ"], True),
        (DocumentType.BIRTH_CERTIFICATE, [], False),
    ],
}
STAY_POLICY = {"effective_from": date(2020, 1, 1), "max_stay_days": 30, "retention_years": 3}


class Command(BaseCommand):
    help = __doc__

    @transaction.atomic
    def handle(self, *args, **options):
        checkpoints = {}
        for fields in CHECKPOINTS:
            checkpoints[fields["code"]], _ = Checkpoint.objects.get_or_create(code=fields["code"], defaults=fields)
        for code, checkpoint in checkpoints.items():
            self._lanes(checkpoint, LANE_COUNTS[code])
            opens_at, closes_at = HOURS[code]
            for weekday in range(7):
                OpeningHours.objects.get_or_create(
                    checkpoint=checkpoint, weekday=weekday, defaults={"opens_at": opens_at, "closes_at": closes_at}
                )
            if not checkpoint.accepted_documents.exists():
                AcceptedDocument.objects.bulk_create(
                    AcceptedDocument(
                        checkpoint=checkpoint, document_type=kind, issuing_countries=countries, e_gate=egate
                    )
                    for kind, countries, egate in ACCEPTED_DOCUMENTS[code]
                )
        StayPolicy.objects.get_or_create(effective_from=STAY_POLICY["effective_from"], defaults=STAY_POLICY)
        added = self._closures(checkpoints)
        reference_data_changed()  # the accepted documents were bulk-created (no signal)
        self.stdout.write(self.style.SUCCESS(f"reference data present; {added} closures added"))

    def _lanes(self, checkpoint: Checkpoint, counts: dict[str, int]) -> None:
        for direction, letter in ((Direction.ENTRY, "E"), (Direction.EXIT, "X")):
            for group, count in counts.items():
                for number in range(1, count + 1):
                    Lane.objects.get_or_create(
                        checkpoint=checkpoint,
                        code=f"{letter}-{LANE_PREFIX[group]}{number:02d}",
                        defaults={"direction": direction, "group": group},
                    )

    def _closures(self, checkpoints: dict[str, Checkpoint]) -> int:
        added = 0
        with CLOSURES_FILE.open(encoding="utf-8") as rows:
            for row in csv.DictReader(rows):
                checkpoint = checkpoints[row["checkpoint"]]
                first_day = date.fromisoformat(row["first_day"])
                last_day = date.fromisoformat(row["last_day"])
                _, created = Closure.objects.get_or_create(
                    checkpoint=checkpoint,
                    starts_at=checkpoint.start_of_local_day(first_day),
                    defaults={
                        "ends_at": checkpoint.start_of_local_day(last_day + timedelta(days=1)),
                        "reason": row["reason"],
                    },
                )
                added += created
        return added
