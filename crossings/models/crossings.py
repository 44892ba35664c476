"""What happens at the lanes: crossings (append-only), the visits they open and close, and alerts."""

from datetime import datetime

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from crossings.choices import CrossingKind, Direction, Outcome, RefusalReason, StayStatus, VisitState
from crossings.models.reference import Checkpoint, Lane, scoped_to_checkpoint
from crossings.models.travellers import TravelDocument, Traveller, WatchlistEntry


class TimeRange(models.Func):
    """PostgreSQL's tstzrange(lower, upper, bounds); an upper of NULL is an open end (a visit still open)."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class LocalDate(models.Func):
    """The calendar day of an aware moment in a time zone that SQL names, e.g. a checkpoint's `time_zone` column."""

    arg_joiner = " AT TIME ZONE "
    template = "((%(expressions)s)::date)"
    output_field = models.DateField()


class DaysBetween(models.Func):
    """`later - earlier` for two SQL dates, in whole days (PostgreSQL's date subtraction gives an integer)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = models.IntegerField()


def days_left_expression(moment: datetime) -> DaysBetween:
    """The rule for "days left in a visit", in SQL: whole local days from `moment`'s day to the day of
    must_leave_by, both in the entry checkpoint's zone. 0 on the last day, negative once the visit overstays.

    `Visit.days_left_at` counts the same for one visit already in memory.
    """
    zone = models.F("checkpoint__time_zone")
    return DaysBetween(
        LocalDate("must_leave_by", zone), LocalDate(models.Value(moment, output_field=models.DateTimeField()), zone)
    )


class VisitQuerySet(models.QuerySet):
    def open(self) -> "VisitQuerySet":
        """Visits of people inside the zone now."""
        return self.filter(state=VisitState.OPEN)

    def overstaying_at(self, moment: datetime) -> "VisitQuerySet":
        """Open visits past their must_leave_by at `moment` (as `Visit.is_overstay_at`)."""
        return self.open().filter(must_leave_by__lt=moment)

    def within_stay_at(self, moment: datetime) -> "VisitQuerySet":
        """Open visits whose must_leave_by has not passed at `moment`."""
        return self.open().filter(must_leave_by__gte=moment)

    def with_days_left(self, moment: datetime) -> "VisitQuerySet":
        """Each visit with `days_left` at `moment` (see `days_left_expression`), so lists can sort and page by it."""
        return self.annotate(days_left=days_left_expression(moment))

    def days_left_at_most(self, days: int, moment: datetime) -> "VisitQuerySet":
        return self.filter(LessThanOrEqual(days_left_expression(moment), days))

    def ended_after(self, moment: datetime) -> "VisitQuerySet":
        """Visits closed by an exit later than `moment`: an entry at `moment` would come before that exit."""
        return self.filter(state=VisitState.CLOSED, exited_at__gt=moment)


class Visit(models.Model):
    """A stay in the zone: the admitted entry, and the exit that ends it (same checkpoint)."""

    traveller = models.ForeignKey(
        Traveller, verbose_name=_("traveller"), on_delete=models.PROTECT, related_name="visits"
    )
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint of entry"), on_delete=models.PROTECT, related_name="visits"
    )
    entry_crossing = models.OneToOneField(
        "Crossing", verbose_name=_("entry"), on_delete=models.PROTECT, related_name="opened_visit"
    )
    entered_at = models.DateTimeField(_("entered at"))
    must_leave_by = models.DateTimeField(_("must leave by"))
    exit_crossing = models.OneToOneField(
        "Crossing", verbose_name=_("exit"), on_delete=models.PROTECT, related_name="closed_visit", null=True, blank=True
    )
    exited_at = models.DateTimeField(_("exited at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=VisitState.choices, default=VisitState.OPEN)
    overstay_flagged_at = models.DateTimeField(_("overstay flagged at"), null=True, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-entered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["traveller"],
                condition=models.Q(state=VisitState.OPEN),
                name="visit_one_open_per_traveller",
                violation_error_message=_("The traveller is already inside the zone."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(state=VisitState.CLOSED, exited_at__isnull=False, exit_crossing__isnull=False)
                    | models.Q(~models.Q(state=VisitState.CLOSED), exited_at__isnull=True, exit_crossing__isnull=True)
                ),
                name="visit_closed_iff_exited",
            ),
            models.CheckConstraint(
                condition=models.Q(must_leave_by__gt=models.F("entered_at")), name="visit_leave_after_entry"
            ),
            models.CheckConstraint(condition=models.Q(state__in=VisitState.values), name="visit_state_valid"),
            models.CheckConstraint(
                condition=models.Q(exited_at__isnull=True) | models.Q(exited_at__gte=models.F("entered_at")),
                name="visit_exit_not_before_entry",
                violation_error_message=_("An exit cannot be earlier than the entry of its visit."),
            ),
            # A person is in one place at a time: the traveller's visits (a cancelled one never happened) never
            # overlap, even when crossings are typed in late and out of order.
            ExclusionConstraint(
                name="visit_never_overlaps",
                expressions=[
                    ("traveller", RangeOperators.EQUAL),
                    (TimeRange("entered_at", "exited_at", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=~models.Q(state=VisitState.CANCELLED),
                violation_error_message=_("The traveller's visits to the zone cannot overlap."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["checkpoint", "must_leave_by"],
                condition=models.Q(state=VisitState.OPEN),
                name="visit_open_idx",
            ),
            # The inside-the-zone list, in its default order (earliest deadline first): its page of 50 read from
            # this index, instead of every open visit joined to its traveller and sorted (14 ms at 2,500 inside).
            models.Index(
                fields=["must_leave_by", "id"],
                condition=models.Q(state=VisitState.OPEN),
                name="visit_open_deadline_idx",
            ),
            # The nightly overstay count (statistics' _fill_visits): visits not exited, and visits exited after
            # their deadline. Both are few, so the count reads two small indexes, not every visit in history.
            models.Index(
                fields=["checkpoint", "must_leave_by"],
                condition=models.Q(exited_at__isnull=True),
                name="visit_not_exited_idx",
            ),
            models.Index(
                fields=["checkpoint", "exited_at"],
                condition=models.Q(exited_at__gt=models.F("must_leave_by")),
                name="visit_late_exit_idx",
            ),
            # The nightly count of the visits closed on a day (statistics' _fill_visits): without it, every visit the
            # checkpoint ever had was read for each day filled (0.6 s at two million visits a checkpoint).
            models.Index(
                fields=["checkpoint", "exited_at"],
                condition=models.Q(state=VisitState.CLOSED),
                name="visit_closed_exit_idx",
            ),
        ]

    def __str__(self) -> str:
        # Also the audit log's text of the visit: the entry in the checkpoint's local time, which it names.
        return f"{self.traveller} {self.checkpoint.local(self.entered_at):%Y-%m-%d %H:%M} {self.checkpoint.code}"

    @property
    def is_open(self) -> bool:
        return self.state == VisitState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == VisitState.CLOSED

    def is_overstay_at(self, moment: datetime) -> bool:
        return self.is_open and moment > self.must_leave_by

    def stay_status_at(self, moment: datetime) -> StayStatus:
        """Inside, overstaying (open past must_leave_by), left or cancelled: what every page shows of the visit."""
        if self.is_open:
            return StayStatus.OVERSTAYING if self.is_overstay_at(moment) else StayStatus.INSIDE
        return StayStatus.LEFT if self.is_closed else StayStatus.CANCELLED

    def days_left_at(self, moment: datetime) -> int:
        """Whole local days left before must_leave_by, in the entry checkpoint's zone (0 on the last day): the rule
        of `days_left_expression`, for one visit in memory."""
        return (self.checkpoint.local_date(self.must_leave_by) - self.checkpoint.local_date(moment)).days


class CrossingQuerySet(models.QuerySet):
    def counted(self) -> "CrossingQuerySet":
        """The crossings every figure counts: records that no reversal cancelled. A reversed record and its reversal
        count nowhere, on the day of the record and on the day of the reversal alike."""
        # NOT EXISTS, not `reversal__isnull=True`: PostgreSQL plans that LEFT JOIN … IS NULL as a join expected to
        # keep one row, and so joins the rest by nested loops (19 s instead of 8 s over a million crossings); NOT
        # EXISTS is an anti join it estimates right.
        reversals = Crossing.objects.filter(corrects=models.OuterRef("pk"))
        return self.filter(~models.Exists(reversals), kind=CrossingKind.RECORD)


class Crossing(models.Model):
    """Every entry, exit and refusal at a lane. Append-only (a trigger refuses UPDATE and DELETE):
    a mistaken record is corrected by a reversal record that points at it."""

    kind = models.CharField(_("kind"), max_length=10, choices=CrossingKind.choices, default=CrossingKind.RECORD)
    traveller = models.ForeignKey(
        Traveller, verbose_name=_("traveller"), on_delete=models.PROTECT, related_name="crossings"
    )
    document = models.ForeignKey(
        TravelDocument, verbose_name=_("document"), on_delete=models.PROTECT, related_name="crossings"
    )
    lane = models.ForeignKey(Lane, verbose_name=_("lane"), on_delete=models.PROTECT, related_name="crossings")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    local_date = models.DateField(_("local day"), help_text=_("The day in the checkpoint's time zone."))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    refusal_reason = models.CharField(_("refusal reason"), max_length=30, choices=RefusalReason.choices, blank=True)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
    )
    correction_reason = models.CharField(_("correction reason"), max_length=300, blank=True)

    objects = CrossingQuerySet.as_manager()

    class Meta:
        verbose_name = _("crossing")
        verbose_name_plural = _("crossings")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome=Outcome.ADMITTED, refusal_reason="")
                | models.Q(outcome=Outcome.REFUSED, refusal_reason__in=RefusalReason.values),
                name="crossing_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=CrossingKind.RECORD, corrects__isnull=True, correction_reason="")
                | (models.Q(kind=CrossingKind.REVERSAL, corrects__isnull=False) & ~models.Q(correction_reason="")),
                name="crossing_reversal_names_record_and_reason",
            ),
            models.CheckConstraint(condition=models.Q(direction__in=Direction.values), name="crossing_direction_valid"),
        ]
        indexes = [
            models.Index(fields=["lane", "occurred_at"], name="crossing_lane_time_idx"),
            models.Index(fields=["traveller", "occurred_at"], name="crossing_traveller_time_idx"),
            models.Index(fields=["local_date", "lane"], name="crossing_local_day_idx"),
            # Time-only ranges (a day, a month, the last minutes) read a BRIN index: rows arrive in time order, so
            # it is as fast as a B-tree here at a thousandth of its size (bench/RESULTS.md, measured at 1M crossings).
            BrinIndex(fields=["occurred_at"], name="crossing_time_brin"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.traveller} {self.lane} {self.get_outcome_display()}"

    @property
    def is_admitted(self) -> bool:
        return self.outcome == Outcome.ADMITTED

    # The fuller refusal message the recording service sets on the crossing it returns (which lane group serves the
    # traveller, where and since when they are inside: crossings.services.crossings.refusal_message); not stored.
    refusal_details = ""

    @property
    def refusal_message(self) -> str:
        """The refusal in words: right after recording, the service's fuller message; read back, the reason alone."""
        if not self.refusal_reason:
            return ""
        return self.refusal_details or str(RefusalReason(self.refusal_reason).label)


class AlertQuerySet(models.QuerySet):
    def open(self) -> "AlertQuerySet":
        """Alerts nobody has acknowledged yet."""
        return self.filter(acknowledged_at__isnull=True)

    def acknowledged(self) -> "AlertQuerySet":
        return self.filter(acknowledged_at__isnull=False)

    def visible_to(self, user) -> "AlertQuerySet":
        """Administrators see every alert; an officer those raised at their own checkpoint; anyone else none."""
        return scoped_to_checkpoint(self, user, "crossing__lane__checkpoint_id")


class Alert(models.Model):
    """A watchlist hit at a lane, raised with the refused crossing; an officer must acknowledge it."""

    watchlist_entry = models.ForeignKey(
        WatchlistEntry, verbose_name=_("watchlist entry"), on_delete=models.PROTECT, related_name="alerts"
    )
    crossing = models.OneToOneField(
        Crossing, verbose_name=_("crossing"), on_delete=models.PROTECT, related_name="alert"
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(acknowledged_by__isnull=True, acknowledged_at__isnull=True)
                | models.Q(acknowledged_by__isnull=False, acknowledged_at__isnull=False),
                name="alert_acknowledged_by_and_when",
            )
        ]

    def __str__(self) -> str:
        return f"{self.watchlist_entry} @ {self.crossing.lane}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None
