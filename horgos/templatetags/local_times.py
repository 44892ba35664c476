"""Moments on pages, in the time zone they belong to and in the active language's formats.

    {% load local_times %}
    {{ crossing.occurred_at|local_datetime:crossing.lane.checkpoint }}   short date and time at the checkpoint
    {{ alert.raised_at|local_time:checkpoint }}                          time of day at the checkpoint
    {{ entry.added_at|local_datetime }}                                  the site's zone, for what no checkpoint owns

The zone is anything with a `zone` (a checkpoint), a tzinfo or a zone name. Both render
`<time datetime="ISO with offset">…</time>` through horgos.tables.local_time, as the tables' cells do, so a time
reads the same on every page of a language; never a hard-coded format ("Y-m-d H:i", "H:i", "P").
"""

import zoneinfo
from datetime import datetime, tzinfo

from django import template
from django.utils import timezone

from horgos.tables import local_time as render_local_time

register = template.Library()


def zone_of(where) -> tzinfo:
    """The time zone of a checkpoint (its `zone`), of a tzinfo or of a zone name; the site's when none is given."""
    if where is None or where == "":
        return timezone.get_current_timezone()
    if isinstance(where, tzinfo):
        return where
    if isinstance(where, str):
        return zoneinfo.ZoneInfo(where)
    return where.zone


@register.filter
def local_datetime(moment: datetime | None, where=None) -> str:
    """The short local date and time (SHORT_DATETIME_FORMAT) of `moment` in the zone of `where`."""
    return render_local_time(moment, zone_of(where))


@register.filter
def local_time(moment: datetime | None, where=None) -> str:
    """The local time of day (TIME_FORMAT) of `moment` in the zone of `where`: for moments of the current day."""
    return render_local_time(moment, zone_of(where), "TIME_FORMAT")
