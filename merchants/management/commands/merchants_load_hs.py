"""Load the Harmonized System 2022 reference data: chapters (named in four languages) and headings.

Idempotent: rows are matched by code and their names refreshed from merchants/data/*.csv, in two
statements (INSERT … ON CONFLICT UPDATE), so tests and `make run` can load it often.
"""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from merchants.models import HsChapter, HsHeading

DATA = Path(__file__).resolve().parents[2] / "data"
CHAPTER_NAMES = ["name_en", "name_zh_hans", "name_kk", "name_ru"]


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as rows:
        return list(csv.DictReader(rows))


class Command(BaseCommand):
    help = __doc__

    @transaction.atomic
    def handle(self, *args, **options):
        HsChapter.objects.bulk_create(
            [
                HsChapter(code=row["chapter"], **{key: row[key] for key in CHAPTER_NAMES})
                for row in read("hs_chapters.csv")
            ],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=CHAPTER_NAMES,
        )
        chapter_ids = dict(HsChapter.objects.values_list("code", "id"))
        headings = read("hs_headings.csv")
        HsHeading.objects.bulk_create(
            [
                HsHeading(code=row["heading"], chapter_id=chapter_ids[row["chapter"]], name_en=row["name_en"])
                for row in headings
            ],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["chapter", "name_en"],
        )
        self.stdout.write(self.style.SUCCESS(f"HS 2022: {len(chapter_ids)} chapters, {len(headings)} headings"))
