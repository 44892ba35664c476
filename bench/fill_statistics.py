"""Fill the crossings' and the trade's statistics of the database DATABASE_URL names up to yesterday (bench/data.py
runs it after generating a benchmark database): the crossings' history set-based (`statistics_fill_history`, minutes
where the day-by-day fill of three years took over an hour), marked filled so the nightly run goes on from there; the
trade's day by day as the nightly run does, one child process per side of the zone beside it (the sides are filled
independently, each under its own lock).

    python -m bench.fill_statistics            # everything
    python -m bench.fill_statistics --side CN  # the trade statistics of one side only
"""

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.test")


def main() -> None:
    import django

    django.setup()
    from crossings.models import Checkpoint
    from crossings.services.statistics_rebuild import statistics_fill_history
    from trade.services.statistics import trade_statistics_fill

    if "--side" in sys.argv:
        side = sys.argv[sys.argv.index("--side") + 1]
        print(f"  {trade_statistics_fill(sides=[side])} side-days of trade statistics filled on side {side}")
        return
    sides = list(Checkpoint.objects.order_by("code").values_list("code", flat=True))
    children = [subprocess.Popen([sys.executable, "-m", "bench.fill_statistics", "--side", side]) for side in sides]
    print(f"  {statistics_fill_history()} checkpoint-days of crossings statistics filled")
    if any(child.wait() for child in children):
        raise SystemExit("filling the trade statistics failed")


if __name__ == "__main__":
    main()
