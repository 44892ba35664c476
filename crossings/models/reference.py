"""Reference data of the zone: checkpoints, their lanes, hours, closures, accepted documents, stay policy."""

import zoneinfo
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from crossings.choices import CheckpointCode, Direction, DocumentType, LaneGroup, Weekday
from crossings.models.travellers import TravelDocument
from horgos.choices import Role


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Checkpoint(models.Model):
    """One of the zone's two gates: the Chinese (CN) or the Kazakh (KZ) checkpoint.

    Its time zone decides its opening hours, the local day of its crossings and its statistics.
    """

    code = models.CharField(_("code"), max_length=2, choices=CheckpointCode.choices, unique=True)
    name_zh_hans = models.CharField(_("name in Chinese"), max_length=120)
    name_kk = models.CharField(_("name in Kazakh"), max_length=120)
    name_ru = models.CharField(_("name in Russian"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    country = CountryField(_("country"))
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, English where that one is missing."""
        language = (translation.get_language() or "en").replace("-", "_").lower()
        return getattr(self, f"name_{language}", "") or self.name_en

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def local_date(self, moment: datetime) -> date:
        return self.local(moment).date()

    def start_of_local_day(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=self.zone)


def scoped_to_checkpoint(queryset: models.QuerySet, user, checkpoint_field: str) -> models.QuerySet:
    """The rows an active user sees of `queryset`: every one for an administrator; for an officer those whose
    `checkpoint_field` (a path to a checkpoint id, e.g. "crossing__lane__checkpoint_id") is their own checkpoint's;
    none for anyone else, an unassigned officer included."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.role == Role.ADMINISTRATOR:
        return queryset
    assignment = getattr(user, "officer_assignment", None) if user.role == Role.OFFICER else None
    if assignment is None:
        return queryset.none()
    return queryset.filter(**{checkpoint_field: assignment.checkpoint_id})


class OfficerAssignment(models.Model):
    """The checkpoint a border officer works at; an officer acts only on that checkpoint's lanes."""

    officer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        related_name="officer_assignment",
        limit_choices_to={"role": Role.OFFICER},
    )
    checkpoint = models.ForeignKey(Checkpoint, verbose_name=_("checkpoint"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("officer assignment")
        verbose_name_plural = _("officer assignments")

    def __str__(self) -> str:
        return f"{self.officer} @ {self.checkpoint.code}"


class Lane(models.Model):
    """A lane of a checkpoint: one direction, one group of travellers, open or closed."""

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.PROTECT, related_name="lanes"
    )
    code = models.CharField(_("code"), max_length=20)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    group = models.CharField(_("serves"), max_length=20, choices=LaneGroup.choices)
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("lane")
        verbose_name_plural = _("lanes")
        ordering = ["checkpoint__code", "direction", "code"]
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "code"], name="lane_code_unique_per_checkpoint"),
            models.CheckConstraint(condition=models.Q(direction__in=Direction.values), name="lane_direction_valid"),
            models.CheckConstraint(condition=models.Q(group__in=LaneGroup.values), name="lane_group_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint.code} {self.code}"

    @property
    def is_entry(self) -> bool:
        return self.direction == Direction.ENTRY

    @property
    def group_name(self) -> str:
        """Whom the lane serves, in words an officer reads at a glance ("Citizens of China")."""
        return lane_group_name(self.group, self.checkpoint)

    @property
    def choice_label(self) -> str:
        """The lane as the desk offers it: code, direction, whom it serves, and whether it is closed."""
        parts = [str(self), self.get_direction_display(), self.group_name]
        if not self.is_open:
            parts.append(str(LANE_CLOSED_MARK))
        return " · ".join(parts)


LANE_CLOSED_MARK = _("⛔ closed")
# Whole phrases per checkpoint, not a country name put into one: the languages inflect it differently.
GROUP_NAMES = {
    (CheckpointCode.CN, LaneGroup.OWN_CITIZENS): _("Citizens of China"),
    (CheckpointCode.CN, LaneGroup.OTHER_NATIONALS): _("Other nationals (not citizens of China)"),
    (CheckpointCode.KZ, LaneGroup.OWN_CITIZENS): _("Citizens of Kazakhstan"),
    (CheckpointCode.KZ, LaneGroup.OTHER_NATIONALS): _("Other nationals (not citizens of Kazakhstan)"),
}


def lane_group_name(group: str, checkpoint: Checkpoint) -> str:
    """A lane group at a checkpoint in words: own citizens are that checkpoint's country's ("Citizens of China")."""
    return str(GROUP_NAMES.get((checkpoint.code, group)) or LaneGroup(group).label)


class AcceptedDocument(models.Model):
    """A kind of document a checkpoint accepts, optionally only from some issuing countries.

    Several rows may name one type: e.g. Chinese passports (e-gate) and any other passport (desk).
    """

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.CASCADE, related_name="accepted_documents"
    )
    document_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices)
    issuing_countries = ArrayField(
        models.CharField(max_length=2),
        verbose_name=_("issuing countries"),
        blank=True,
        default=list,
        help_text=_("ISO codes, e.g. CN,KZ; empty for any country."),
    )
    e_gate = models.BooleanField(_("may use the e-gates"), default=False)

    class Meta:
        verbose_name = _("accepted document")
        verbose_name_plural = _("accepted documents")
        ordering = ["checkpoint__code", "document_type"]

    def __str__(self) -> str:
        countries = ",".join(self.issuing_countries) or _("any country")
        return f"{self.checkpoint.code}: {self.get_document_type_display()} ({countries})"

    def matches(self, document: TravelDocument) -> bool:
        return self.document_type == document.document_type and (
            not self.issuing_countries or document.issuing_country.code in self.issuing_countries
        )


def clock_closing(closes_at: time) -> str:
    """A closing time on a 24-hour clock; 00:00, midnight at the end of the day, as 24:00."""
    return "24:00" if closes_at == time(0, 0) else f"{closes_at:%H:%M}"


class OpeningHours(models.Model):
    """When a checkpoint is open on a weekday, in its own time zone. No row: closed all day."""

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["checkpoint__code", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "weekday"], name="opening_hours_one_per_weekday"),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="opening_hours_weekday_valid"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")) | models.Q(closes_at=time(0, 0)),
                name="opening_hours_close_after_open",
                violation_error_message=_("Closing time must be after opening time (00:00 for midnight)."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint.code} {self.get_weekday_display()} {self.span}"

    @property
    def span(self) -> str:
        """The hours on a 24-hour clock, a closing at midnight as 24:00: "07:00–24:00"."""
        return f"{self.opens_at:%H:%M}–{clock_closing(self.closes_at)}"

    def is_open_at(self, local_time: time) -> bool:
        return self.opens_at <= local_time and (self.closes_at == time(0, 0) or local_time < self.closes_at)


class ClosureQuerySet(models.QuerySet):
    def in_force_at(self, moment: datetime) -> "ClosureQuerySet":
        """Closures that keep their checkpoint shut at `moment`: [starts_at, ends_at)."""
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)


class Closure(models.Model):
    """A time when a checkpoint is closed beyond its weekly hours (a public holiday, an incident)."""

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.CASCADE, related_name="closures"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=200)

    objects = ClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["checkpoint__code", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="closure_ends_after_start",
                violation_error_message=_("A closure must end after it starts."),
            ),
            models.UniqueConstraint(fields=["checkpoint", "starts_at"], name="closure_unique_start_per_checkpoint"),
        ]
        indexes = [models.Index(fields=["checkpoint", "starts_at", "ends_at"], name="closure_period_idx")]

    def __str__(self) -> str:
        return f"{self.checkpoint.code} {self.reason}"

    def is_in_force_at(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


class StayPolicy(models.Model):
    """The stay and retention rules in force from a day on; the latest row not after a day applies to it."""

    effective_from = models.DateField(_("effective from"), unique=True)
    max_stay_days = models.PositiveSmallIntegerField(
        _("maximum stay (days)"), help_text=_("Calendar days in the zone, the entry day counting as day 1.")
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention (years)"), help_text=_("Personal data is anonymised this long after the last exit.")
    )

    class Meta:
        verbose_name = _("stay policy")
        verbose_name_plural = _("stay policies")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_stay_days__gte=1), name="stay_policy_stay_positive"),
            models.CheckConstraint(condition=models.Q(retention_years__gte=1), name="stay_policy_retention_positive"),
        ]

    def __str__(self) -> str:
        return _("From %(day)s: %(days)s days") % {"day": self.effective_from, "days": self.max_stay_days}
