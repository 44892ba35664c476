import zoneinfo
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Replace, Upper
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from crossings.choices import (
    CheckpointCode,
    CrossingKind,
    Direction,
    DocumentType,
    LaneGroup,
    Outcome,
    RefusalReason,
    Sex,
    VisitState,
    WatchlistMatch,
)


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


class OfficerAssignment(models.Model):
    """The checkpoint a border officer works at; an officer acts only on that checkpoint's lanes."""

    officer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        related_name="officer_assignment",
        limit_choices_to={"role": "officer"},
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

    def matches(self, document: "TravelDocument") -> bool:
        return self.document_type == document.document_type and (
            not self.issuing_countries or document.issuing_country.code in self.issuing_countries
        )


class OpeningHours(models.Model):
    """When a checkpoint is open on a weekday, in its own time zone. No row: closed all day."""

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
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
        return f"{self.checkpoint.code} {self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def is_open_at(self, local_time: time) -> bool:
        return self.opens_at <= local_time and (self.closes_at == time(0, 0) or local_time < self.closes_at)


class Closure(models.Model):
    """A time when a checkpoint is closed beyond its weekly hours (a public holiday, an incident)."""

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.CASCADE, related_name="closures"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=200)

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


class Traveller(models.Model):
    """A person who crosses: names in Latin transliteration and in their own script, nationality, birth date."""

    family_name = models.CharField(_("family name (Latin)"), max_length=100)
    given_names = models.CharField(_("given names (Latin)"), max_length=100, blank=True)
    family_name_native = models.CharField(_("family name (native script)"), max_length=100, blank=True)
    given_names_native = models.CharField(_("given names (native script)"), max_length=100, blank=True)
    nationality = CountryField(_("nationality"))
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    guardians = models.ManyToManyField(
        "self",
        verbose_name=_("guardians"),
        symmetrical=False,
        related_name="wards",
        blank=True,
        help_text=_("For a child travelling on a birth certificate."),
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("traveller")
        verbose_name_plural = _("travellers")
        ordering = ["family_name", "given_names", "id"]
        indexes = [
            models.Index(Upper("family_name"), Upper("given_names"), "birth_date", name="traveller_latin_name_idx"),
            models.Index("family_name_native", "given_names_native", "birth_date", name="traveller_native_name_idx"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(sex__in=Sex.values), name="traveller_sex_valid")]

    def __str__(self) -> str:
        return f"{self.family_name.upper()} {self.given_names}".strip()

    def age_on(self, day: date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


def normalise_document_number(number: str) -> str:
    """Document numbers compare without spaces, dashes or case: 'e 1234-567' is 'E1234567'."""
    return number.replace(" ", "").replace("-", "").upper()


class TravelDocument(models.Model):
    """A passport, permit, ID card or birth certificate; one per (type, issuing country, number)."""

    traveller = models.ForeignKey(
        Traveller, verbose_name=_("traveller"), on_delete=models.CASCADE, related_name="documents"
    )
    document_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices)
    number = models.CharField(_("number"), max_length=30)
    number_normalised = models.GeneratedField(
        expression=Upper(
            Replace(Replace("number", models.Value(" "), models.Value("")), models.Value("-"), models.Value(""))
        ),
        output_field=models.CharField(max_length=30),
        db_persist=True,
    )
    issuing_country = CountryField(_("issuing country"))
    valid_until = models.DateField(_("valid until"))
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("travel document")
        verbose_name_plural = _("travel documents")
        ordering = ["-valid_until"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "issuing_country", "number_normalised"],
                name="document_unique_type_country_number",
                violation_error_message=_("This document is already registered."),
            ),
            models.CheckConstraint(
                condition=models.Q(document_type__in=DocumentType.values), name="document_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} {self.issuing_country.code} {self.number}"

    def is_valid_on(self, day: date) -> bool:
        return day <= self.valid_until


class WatchlistEntry(models.Model):
    """Someone who must not enter: matched by a document, or by names and birth date."""

    match = models.CharField(_("matches"), max_length=10, choices=WatchlistMatch.choices)
    document_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices, blank=True)
    document_issuing_country = CountryField(_("issuing country"), blank=True)
    document_number = models.CharField(_("document number"), max_length=30, blank=True)
    family_name = models.CharField(_("family name (Latin)"), max_length=100, blank=True)
    given_names = models.CharField(_("given names (Latin)"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    active_from = models.DateTimeField(_("active from"), default=timezone.now)
    active_until = models.DateTimeField(_("active until"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("watchlist entry")
        verbose_name_plural = _("watchlist entries")
        ordering = ["-added_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(match=WatchlistMatch.DOCUMENT)
                    & ~models.Q(document_type="")
                    & ~models.Q(document_issuing_country="")
                    & ~models.Q(document_number="")
                )
                | (
                    models.Q(match=WatchlistMatch.PERSON)
                    & ~models.Q(family_name="")
                    & models.Q(birth_date__isnull=False)
                ),
                name="watchlist_entry_identifies_someone",
                violation_error_message=_(
                    "A document entry needs type, issuing country and number; a person entry needs a family name "
                    "and a birth date."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(active_until__isnull=True) | models.Q(active_until__gt=models.F("active_from")),
                name="watchlist_entry_ends_after_start",
                violation_error_message=_("The end must come after the start."),
            ),
        ]

    def __str__(self) -> str:
        if self.match == WatchlistMatch.DOCUMENT:
            return f"{self.document_type} {self.document_issuing_country} {self.document_number}"
        return f"{self.family_name.upper()} {self.given_names} {self.birth_date}"

    def is_active_at(self, moment: datetime) -> bool:
        return self.active_from <= moment and (self.active_until is None or moment < self.active_until)


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
        ]
        indexes = [
            models.Index(
                fields=["checkpoint", "must_leave_by"],
                condition=models.Q(state=VisitState.OPEN),
                name="visit_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.traveller} {self.entered_at:%Y-%m-%d %H:%M}"

    def is_overstay_at(self, moment: datetime) -> bool:
        return self.state == VisitState.OPEN and moment > self.must_leave_by

    def days_left_at(self, moment: datetime) -> int:
        """Whole local days left before must_leave_by, in the entry checkpoint's zone (0 on the last day)."""
        zone = self.checkpoint.zone
        return (self.must_leave_by.astimezone(zone).date() - moment.astimezone(zone).date()).days


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
            models.Index(fields=["occurred_at"], name="crossing_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.traveller} {self.lane} {self.get_outcome_display()}"

    @property
    def refusal_message(self) -> str:
        return str(RefusalReason(self.refusal_reason).label) if self.refusal_reason else ""


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
