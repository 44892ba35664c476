"""Fill the crossings' and the trade's statistics of the database DATABASE_URL names up to yesterday, as the nightly
run does (bench/data.py runs it after generating a benchmark database)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.test")


def main() -> None:
    import django

    django.setup()
    from crossings.services.statistics import statistics_fill
    from trade.services.statistics import trade_statistics_fill

    print(f"  {statistics_fill()} checkpoint-days and {trade_statistics_fill()} side-days of statistics filled")


if __name__ == "__main__":
    main()
