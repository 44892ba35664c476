"""Fill the crossings' and the trade's statistics of the database DATABASE_URL names up to yesterday (bench/data.py
runs it after generating a benchmark database): the crossings' history set-based (`statistics_fill_history`, minutes
where the day-by-day fill of three years took over an hour), marked filled so the nightly run goes on from there."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.test")


def main() -> None:
    import django

    django.setup()
    from crossings.services.statistics_rebuild import statistics_fill_history
    from trade.services.statistics import trade_statistics_fill

    print(f"  {statistics_fill_history()} checkpoint-days and {trade_statistics_fill()} side-days of statistics filled")


if __name__ == "__main__":
    main()
