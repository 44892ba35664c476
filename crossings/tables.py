"""The tables of the officers' list pages (django-tables2): columns, how cells render and what CSV exports hold.

Times render in the time zone of the checkpoint concerned (a visit's entry checkpoint, a crossing's lane's
checkpoint), dates and numbers by the active language's formats.
"""

from datetime import datetime

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crossings.choices import CrossingKind, Outcome, StayStatus
from crossings.models import Checkpoint, Crossing, Traveller, Visit
from horgos.tables import ListTable, badge, grouped, local_time, local_time_value


def traveller_link(traveller: Traveller) -> str:
    native = traveller.native_name
    return format_html(
        '<a href="{}">{}</a>{}',
        reverse("crossings:traveller", args=[traveller.pk]),
        str(traveller),
        format_html('<br><span class="native-name">{}</span>', native) if native else "",
    )


def traveller_value(traveller: Traveller) -> str:
    native = traveller.native_name
    return f"{traveller} ({native})" if native else str(traveller)


def stay_badge(status: StayStatus | None) -> str:
    """A visit's or a traveller's stay status (`Visit.stay_status_at`) as its badge: the same word and colour on
    every page (templates: the `stay_badge` filter of crossings_display); None, never entered, is neutral."""
    if status is None:
        return badge(_("Never entered the zone"), "neutral")
    return badge(status.label, status.badge_kind)


def checkpoint_abbr(checkpoint: Checkpoint) -> str:
    return format_html('<abbr title="{}">{}</abbr>', checkpoint.name, checkpoint.code)


class VisitTable(ListTable):
    # Names are encrypted at rest: SQL cannot sort by them.
    traveller = tables.Column(verbose_name=_("Traveller"), orderable=False)
    # Through the code: for a field with choices, django-tables2 would look up the display name in every cell, which
    # django-countries answers by normalising its 250 choices again (2-3 ms a row, most of a 50-row page).
    nationality = tables.Column(
        verbose_name=_("Nationality"),
        accessor="traveller__nationality__code",
        order_by=("traveller__nationality", "id"),
    )
    checkpoint = tables.Column(verbose_name=_("Checkpoint"), order_by=("checkpoint__code", "id"))
    entered_at = tables.Column(verbose_name=_("Entered"), order_by=("entered_at", "id"))
    must_leave_by = tables.Column(verbose_name=_("Must leave by"), order_by=("must_leave_by", "id"))

    class Meta(ListTable.Meta):
        model = Visit
        fields = ()

    def __init__(self, *args, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now  # the moment the list is about: a visit's status at it

    def render_traveller(self, value: Traveller) -> str:
        return traveller_link(value)

    def value_traveller(self, value: Traveller) -> str:
        return traveller_value(value)

    # The record's Country, not the cell value (the code).
    def render_nationality(self, record: Visit) -> str:
        country = record.traveller.nationality
        return format_html('{} <span class="muted">({})</span>', country.name, country.code)

    def value_nationality(self, record: Visit) -> str:
        return record.traveller.nationality.code

    def render_checkpoint(self, value: Checkpoint) -> str:
        return checkpoint_abbr(value)

    def value_checkpoint(self, value: Checkpoint) -> str:
        return value.code

    def render_entered_at(self, value: datetime, record: Visit) -> str:
        return local_time(value, record.checkpoint.zone)

    def value_entered_at(self, value: datetime, record: Visit) -> str:
        return local_time_value(value, record.checkpoint.zone)

    def render_must_leave_by(self, value: datetime, record: Visit) -> str:
        return local_time(value, record.checkpoint.zone)

    def value_must_leave_by(self, value: datetime, record: Visit) -> str:
        return local_time_value(value, record.checkpoint.zone)


class InsideTable(VisitTable):
    """Who is inside the zone: one row per open visit, with the local days left before the deadline."""

    days_left = tables.Column(
        verbose_name=_("Days left"), order_by=("days_left", "must_leave_by", "id"), attrs={"td": {"class": "num"}}
    )
    # Computed from the record (empty_values=() has it rendered though the visit has no `status`), not through
    # `state`, a field with choices: django-tables2 would call get_state_display() for every row first.
    status = tables.Column(verbose_name=_("Status"), empty_values=(), orderable=False)

    class Meta(VisitTable.Meta):
        empty_text = _("Nobody inside the zone matches these filters.")
        row_attrs = {
            "class": lambda record, table: (
                "row-overstay" if record.stay_status_at(table.now) == StayStatus.OVERSTAYING else ""
            )
        }

    def render_days_left(self, value: int) -> str:
        return grouped(value)

    def value_days_left(self, value: int) -> int:
        return value

    def render_status(self, record: Visit) -> str:
        return stay_badge(record.stay_status_at(self.now))

    def value_status(self, record: Visit) -> str:
        return str(record.stay_status_at(self.now).label)


class OverstayTable(VisitTable):
    """Open visits past their deadline, with the local days since the last allowed day."""

    days_over = tables.Column(
        verbose_name=_("Days over"), order_by=("days_over", "must_leave_by", "id"), attrs={"td": {"class": "num"}}
    )
    overstay_flagged_at = tables.Column(verbose_name=_("Flagged"), orderable=False, default="—")

    class Meta(VisitTable.Meta):
        empty_text = _("Nobody has overstayed.")
        row_attrs = {"class": "row-overstay"}

    def render_days_over(self, value: int) -> str:
        return grouped(value)

    def render_overstay_flagged_at(self, value: datetime, record: Visit) -> str:
        return local_time(value, record.checkpoint.zone)


class TravellerVisitTable(ListTable):
    """A traveller's visits, newest first."""

    checkpoint = tables.Column(verbose_name=_("Checkpoint"))
    entered_at = tables.Column(verbose_name=_("Entered"))
    must_leave_by = tables.Column(verbose_name=_("Must leave by"))
    exited_at = tables.Column(verbose_name=_("Exited"), default="—")
    state = tables.Column(verbose_name=_("State"))

    class Meta(ListTable.Meta):
        model = Visit
        fields = ()
        orderable = False
        empty_text = _("No visits yet.")

    def __init__(self, *args, now: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now

    def render_checkpoint(self, value: Checkpoint) -> str:
        return checkpoint_abbr(value)

    def render_entered_at(self, value: datetime, record: Visit) -> str:
        return local_time(value, record.checkpoint.zone)

    def render_must_leave_by(self, value: datetime, record: Visit) -> str:
        return local_time(value, record.checkpoint.zone)

    def render_exited_at(self, value: datetime, record: Visit) -> str:
        return local_time(value, record.checkpoint.zone)

    def render_state(self, record: Visit) -> str:
        return stay_badge(record.stay_status_at(self.now))


class CrossingTable(ListTable):
    """Crossings: local time at the lane's checkpoint, lane, direction, outcome with the refusal message, and
    corrections (a reversal record, or a record that a reversal cancelled)."""

    occurred_at = tables.Column(verbose_name=_("Time"), order_by=("occurred_at", "id"))
    lane = tables.Column(verbose_name=_("Lane"), orderable=False)
    direction = tables.Column(verbose_name=_("Direction"), orderable=False)
    outcome = tables.Column(verbose_name=_("Outcome"), orderable=False)
    correction = tables.Column(verbose_name=_("Correction"), accessor="kind", orderable=False)

    class Meta(ListTable.Meta):
        model = Crossing
        fields = ()
        empty_text = _("No crossings.")
        row_attrs = {
            "class": lambda record: " ".join(
                name
                for name, applies in (
                    ("row-reversal", record.kind == CrossingKind.REVERSAL),
                    ("row-reversed", _reversal_of(record) is not None),
                    ("row-refused", record.outcome == Outcome.REFUSED),
                )
                if applies
            )
        }

    def render_occurred_at(self, value: datetime, record: Crossing) -> str:
        return local_time(value, record.lane.checkpoint.zone)

    def render_lane(self, value) -> str:
        return value.code

    def render_outcome(self, record: Crossing) -> str:
        if record.outcome == Outcome.ADMITTED:
            return badge(record.get_outcome_display(), "ok")
        return format_html(
            '{}<br><span class="refusal-message">{}</span>',
            badge(record.get_outcome_display(), "bad"),
            record.refusal_message,
        )

    def render_correction(self, record: Crossing) -> str:
        parts = []
        if record.kind == CrossingKind.REVERSAL:
            parts.append((badge(_("Reversal"), "warn"), record.correction_reason))
        reversal = _reversal_of(record)
        if reversal is not None:
            parts.append((badge(_("Reversed"), "warn"), reversal.correction_reason))
        if not parts:
            return "—"
        return format_html_join(mark_safe("<br>"), '{} <span class="muted">{}</span>', parts)


def _reversal_of(crossing: Crossing) -> Crossing | None:
    try:
        return crossing.reversal
    except Crossing.DoesNotExist:
        return None


class TodayCrossingTable(CrossingTable):
    """The checkpoint's crossings of its current local day, newest first."""

    traveller = tables.Column(verbose_name=_("Traveller"), orderable=False)
    officer = tables.Column(verbose_name=_("Recorded by"), orderable=False)

    class Meta(CrossingTable.Meta):
        sequence = ("occurred_at", "traveller", "direction", "lane", "outcome", "correction", "officer")
        empty_text = _("No crossings match these filters today.")

    def render_traveller(self, value: Traveller) -> str:
        return traveller_link(value)

    def render_officer(self, value) -> str:
        return value.get_username()


class TravellerCrossingTable(CrossingTable):
    """A traveller's crossings at both checkpoints, newest first."""

    checkpoint = tables.Column(verbose_name=_("Checkpoint"), accessor="lane__checkpoint", orderable=False)

    class Meta(CrossingTable.Meta):
        sequence = ("occurred_at", "checkpoint", "lane", "direction", "outcome", "correction")
        orderable = False

    def render_checkpoint(self, value: Checkpoint) -> str:
        return checkpoint_abbr(value)


class CountTable(ListTable):
    """Small tables of counts (summaries, the numbers behind a chart): never sorted, never paged."""

    class Meta(ListTable.Meta):
        orderable = False


class DirectionSummaryTable(CountTable):
    direction = tables.Column(verbose_name=_("Direction"))

    admitted = tables.Column(
        verbose_name=pgettext_lazy("count of crossings", "Admitted"),
        attrs={"th": {"class": "num"}, "td": {"class": "num"}},
    )
    refused = tables.Column(verbose_name=_("Refused"), attrs={"th": {"class": "num"}, "td": {"class": "num"}})

    class Meta(CountTable.Meta):
        pass

    def render_admitted(self, value: int) -> str:
        return grouped(value)

    def render_refused(self, value: int) -> str:
        return grouped(value)


class HourlyCountTable(CountTable):
    """The figures behind an hourly chart, one row per local hour; an hour of today still to come (None) reads "—",
    never 0. Its long headers wrap, so that the table fits its half of a desktop screen (`hourly-table`)."""

    hour = tables.Column(verbose_name=_("Hour"))
    today = tables.Column(attrs={"th": {"class": "num"}, "td": {"class": "num"}}, default="—")
    last_week = tables.Column(attrs={"th": {"class": "num"}, "td": {"class": "num"}})

    class Meta(CountTable.Meta):
        attrs = {"class": "table hourly-table"}

    def __init__(self, *args, today_header: str, last_week_header: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns["today"].column.verbose_name = today_header
        self.columns["last_week"].column.verbose_name = last_week_header

    def render_hour(self, value: int) -> str:
        return f"{value:02d}:00–{value:02d}:59"

    def render_today(self, value: int) -> str:
        return grouped(value)

    def render_last_week(self, value: int) -> str:
        return grouped(value)
