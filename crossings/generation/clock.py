"""Time as the generator counts it: epoch seconds, and the zone whose calendar names the default last day."""

from datetime import date, datetime
from datetime import time as clock_time
from zoneinfo import ZoneInfo

DEFAULT_END_ZONE = ZoneInfo("Asia/Shanghai")
HOUR = 3600
DAY = 86400


def epoch(day: date, at: clock_time, zone: ZoneInfo) -> int:
    return int(datetime.combine(day, at, tzinfo=zone).timestamp())
