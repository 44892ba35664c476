"""Bulk listing import against COPY of the same rows, side by side on the small benchmark database.

A merchant's owner uploads a CSV file of IMPORT_ROWS listings of one of its shops; the whole path is timed: the
upload (read and count), the check of every row, the confirmation and the run that creates the drafts. Then the
same rows go into merchants_listing with COPY (same table, same indexes). Both run inside a transaction that is
rolled back, so the database stays as it was (COPY's deferred foreign key checks are made before, as a kept COPY
makes them at its commit). The ratio is COPY's time over the import's: the share of COPY's speed the import reaches.
The import's own Python CPU time is printed too: on a loaded machine the wall times are mostly waiting.
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.test")

from bench.data import bench_database
from bench.harness import report

IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "1000"))
# Medians of several rounds: one round on these noisy machines says little, and the first round of a process also
# loads the modules and translations that a running worker has loaded long before.
ROUNDS = int(os.environ.get("BENCH_IMPORT_ROUNDS", "5"))
TARGET = 0.5
COPY_COLUMNS = (
    "shop_id, title_en, title_zh_hans, title_kk, title_ru, description_en, description_zh_hans, description_kk, "
    "description_ru, hs_code, hs_heading_id, origin_country, price, unit_weight_kg, stock_quantity, photo, thumbnail, "
    "state, rejection_reason, created_at, updated_at"
)


class Rollback(Exception):
    pass


def rolled_back(action) -> float:
    """Seconds `action` takes inside a transaction that is then undone."""
    from django.db import transaction

    started = time.perf_counter()
    try:
        with transaction.atomic():
            action()
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        return elapsed


def measure() -> None:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from horgos.choices import Role
    from horgos.models import User
    from merchants.choices import MemberRole, MerchantState, ShopState
    from merchants.models import Listing, MerchantMember, Shop
    from merchants.services.imports import listing_import_check, listing_import_confirm, listing_import_upload
    from merchants.spreadsheets import listing_cells, write_csv

    shop = Shop.objects.filter(state=ShopState.OPEN, merchant__state=MerchantState.APPROVED).order_by("pk").first()
    owner, _ = User.objects.get_or_create(username="bench.importer", defaults={"role": Role.MERCHANT})
    MerchantMember.objects.get_or_create(user=owner, defaults={"merchant": shop.merchant, "role": MemberRole.OWNER})
    shop = Shop.objects.filter(merchant=owner.merchant_membership.merchant, state=ShopState.OPEN).first()
    samples = list(Listing.objects.select_related("shop").order_by("pk")[:IMPORT_ROWS])
    rows = []
    for number in range(IMPORT_ROWS):
        cells = listing_cells(samples[number % len(samples)])
        cells[0] = shop.unit_code
        cells[1] = f"{cells[1]} {number}"
        rows.append(cells)
    content = write_csv(rows)
    headings = dict(Listing.objects.values_list("hs_code", "hs_heading_id"))
    tsv = "".join(
        "\t".join(
            str(value)
            for value in (shop.pk, *cells[1:9], cells[9], headings[cells[9]], *cells[10:14], "", "", "draft", "")
        )
        + "\tnow\tnow\n"
        for cells in rows
    )

    def imported():
        upload = SimpleUploadedFile("listings.csv", content, content_type="text/csv")
        job = listing_import_upload(acting_user=owner, upload=upload)
        if job.state != "validated":
            job = listing_import_check(listing_import=job)
        job = listing_import_confirm(listing_import=job, acting_user=owner)
        if job.state != "done":
            from merchants.services.imports import listing_import_run

            job = listing_import_run(listing_import=job)
        assert job.state == "done" and job.imported_rows == IMPORT_ROWS, (job.state, job.errors[:3])

    def copied():
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY merchants_listing ({COPY_COLUMNS}) FROM STDIN", io.StringIO(tsv))
            # The foreign keys are checked at the commit (Django declares them deferred), which a rolled-back COPY
            # would never reach: checked here, as any COPY that is kept pays them (and the import does).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    import_timings, cpu_timings, copy_timings = [], [], []
    for _ in range(ROUNDS):  # alternated, so that both see the same load
        cpu_started = time.process_time()
        import_timings.append(rolled_back(imported))
        cpu_timings.append(time.process_time() - cpu_started)
        copy_timings.append(rolled_back(copied))
    import_seconds, copy_seconds = statistics.median(import_timings), statistics.median(copy_timings)
    ratio = copy_seconds / import_seconds
    report(
        measure="bulk listing import (upload, check, confirm, run)",
        figures=f"{IMPORT_ROWS:,} rows: import {import_seconds:.2f} s ({IMPORT_ROWS / import_seconds:,.0f} rows/s, "
        f"{statistics.median(cpu_timings):.2f} s of it Python CPU) vs COPY {copy_seconds:.2f} s "
        f"({IMPORT_ROWS / copy_seconds:,.0f} rows/s); medians of {ROUNDS} rounds, alternated",
        ratio=f"{ratio:.3f}× COPY speed",
        target=f"≥ {TARGET}× COPY",
        met=ratio >= TARGET,
    )


def main() -> None:
    os.environ["DATABASE_URL"] = bench_database("small")
    measure()


if __name__ == "__main__":
    main()
