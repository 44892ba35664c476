"""Traffic statistics: counts per checkpoint and local day, filled nightly from the counted crossings (a reversed
record and its reversal count nowhere) and read by every dashboard, report and public figure.

Each table is refilled one (checkpoint, local day) at a time, in one transaction (crossings.services.statistics).
`StatisticsFillState` says up to which local day a checkpoint is filled; a service that changes a day already
filled (a late or backdated record, a reversal) adds a `StatisticsDirtyDay`, recomputed on the next run.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crossings.choices import CheckpointCode, Direction, NationalityGroup, Outcome, RefusalReason
from crossings.models.reference import Checkpoint, Lane
from crossings.models.travellers import Traveller


class DayOfCheckpoint(models.Model):
    """A row of one local day at one checkpoint: what every daily statistics table shares."""

    local_date = models.DateField(_("local day"))
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.local_date}"


class DailyCrossingCount(DayOfCheckpoint):
    """Crossings (person-times) and distinct travellers (people) of one local day at one lane, by direction,
    nationality group and outcome."""

    lane = models.ForeignKey(Lane, on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    nationality_group = models.CharField(max_length=5, choices=NationalityGroup.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    crossings = models.PositiveIntegerField()
    travellers = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("daily crossing count")
        verbose_name_plural = _("daily crossing counts")
        constraints = [
            models.UniqueConstraint(
                fields=["local_date", "lane", "direction", "nationality_group", "outcome"], name="daily_crossing_cell"
            )
        ]
        indexes = [models.Index(fields=["checkpoint", "local_date"], name="daily_crossing_day_idx")]


class DailyTravellerCount(DayOfCheckpoint):
    """Distinct travellers (people) of one local day at a checkpoint, by nationality group: the lanes' distinct
    counts do not add up to the checkpoint's."""

    nationality_group = models.CharField(max_length=5, choices=NationalityGroup.choices)
    travellers = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("daily traveller count")
        verbose_name_plural = _("daily traveller counts")
        constraints = [
            models.UniqueConstraint(
                fields=["local_date", "checkpoint", "nationality_group"], name="daily_traveller_cell"
            )
        ]


class HourlyCrossingCount(DayOfCheckpoint):
    """Admitted crossings of one local hour at a checkpoint, by direction (peak hour, peak day)."""

    hour = models.PositiveSmallIntegerField(_("hour"))
    direction = models.CharField(max_length=10, choices=Direction.choices)
    crossings = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("hourly crossing count")
        verbose_name_plural = _("hourly crossing counts")
        constraints = [
            models.UniqueConstraint(fields=["local_date", "hour", "checkpoint", "direction"], name="hourly_cell"),
            models.CheckConstraint(condition=models.Q(hour__lte=23), name="hourly_hour_of_day"),
        ]


class DailyVisitCount(DayOfCheckpoint):
    """Visits of a checkpoint closed on a local day with their total time in the zone, and the overstays still
    open at the end of that day."""

    visits_closed = models.PositiveIntegerField()
    seconds_in_zone = models.PositiveBigIntegerField()
    overstays_open = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("daily visit count")
        verbose_name_plural = _("daily visit counts")
        constraints = [models.UniqueConstraint(fields=["local_date", "checkpoint"], name="daily_visit_cell")]


class DailyRefusalCount(DayOfCheckpoint):
    """Refused crossings of a local day at a checkpoint, by reason."""

    reason = models.CharField(max_length=30, choices=RefusalReason.choices)
    refusals = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("daily refusal count")
        verbose_name_plural = _("daily refusal counts")
        constraints = [
            models.UniqueConstraint(fields=["local_date", "checkpoint", "reason"], name="daily_refusal_cell")
        ]


class DailyWatchlistHitCount(DayOfCheckpoint):
    """Watchlist hits (alerts raised) of a local day at a checkpoint."""

    hits = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("daily watchlist hit count")
        verbose_name_plural = _("daily watchlist hit counts")
        constraints = [models.UniqueConstraint(fields=["local_date", "checkpoint"], name="daily_hit_cell")]


class YearlyTravellerSeen(models.Model):
    """The first local day of a year a traveller crossed at a checkpoint: year-to-date people is a count of these,
    where people cannot be added up from days."""

    year = models.PositiveSmallIntegerField()
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="+")
    traveller = models.ForeignKey(Traveller, on_delete=models.CASCADE, related_name="+")
    nationality_group = models.CharField(max_length=5, choices=NationalityGroup.choices)
    first_local_date = models.DateField()

    class Meta:
        verbose_name = _("traveller seen in a year")
        verbose_name_plural = _("travellers seen in a year")
        constraints = [
            models.UniqueConstraint(fields=["year", "checkpoint", "traveller"], name="yearly_traveller_once")
        ]
        indexes = [models.Index(fields=["year", "first_local_date"], name="yearly_traveller_first_idx")]

    def __str__(self) -> str:
        return f"{self.year} {self.checkpoint_id} {self.traveller_id} {self.first_local_date}"


class StatisticsFillState(models.Model):
    """Up to which local day a checkpoint's statistics are filled."""

    checkpoint = models.OneToOneField(Checkpoint, on_delete=models.CASCADE, related_name="statistics_state")
    last_filled = models.DateField(_("last local day filled"))
    filled_at = models.DateTimeField(_("filled at"), auto_now=True)

    class Meta:
        verbose_name = _("statistics fill state")
        verbose_name_plural = _("statistics fill states")

    def __str__(self) -> str:
        return f"{self.checkpoint.code} {self.last_filled}"


class StatisticsDirtyDay(models.Model):
    """A local day of a checkpoint changed after it was filled: the next run recomputes it."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="+")
    local_date = models.DateField(_("local day"))
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("day to recompute")
        verbose_name_plural = _("days to recompute")
        constraints = [models.UniqueConstraint(fields=["checkpoint", "local_date"], name="dirty_day_once")]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.local_date}"


class HistoricalMonthlyTotal(models.Model):
    """Monthly totals from before go-live, imported so growth figures work from the first day of operation;
    where recorded data exists for a month, it wins."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    checkpoint = models.CharField(_("checkpoint"), max_length=2, choices=CheckpointCode.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    crossings = models.PositiveIntegerField(_("crossings"))
    travellers = models.PositiveIntegerField(_("travellers"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("historical monthly total")
        verbose_name_plural = _("historical monthly totals")
        ordering = ["year", "month", "checkpoint", "direction"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month", "checkpoint", "direction"], name="historical_month_cell"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="historical_month_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.checkpoint} {self.direction}: {self.crossings}"
