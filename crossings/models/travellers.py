"""People who cross, their documents, and the watchlist they are checked against."""

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Replace, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from crossings.choices import DocumentType, Sex, WatchlistMatch
from crossings.nationalities import Nationalities


class Traveller(models.Model):
    """A person who crosses: names in Latin transliteration and in their own script, nationality, birth date."""

    family_name = models.CharField(_("family name (Latin)"), max_length=100)
    given_names = models.CharField(_("given names (Latin)"), max_length=100, blank=True)
    family_name_native = models.CharField(_("family name (native script)"), max_length=100, blank=True)
    given_names_native = models.CharField(_("given names (native script)"), max_length=100, blank=True)
    # Stateless persons and refugees too; a document's issuing country stays a country.
    nationality = CountryField(_("nationality"), countries=Nationalities)
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

    @property
    def native_name(self) -> str:
        """The names in the traveller's own script, family name first; empty when none were recorded."""
        return f"{self.family_name_native} {self.given_names_native}".strip()

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


def _not_ended_at(moment: datetime) -> models.Q:
    return models.Q(active_until__isnull=True) | models.Q(active_until__gt=moment)


class WatchlistEntryQuerySet(models.QuerySet):
    """When an entry applies: from `active_from` up to, not including, `active_until` (for good without one)."""

    def active_at(self, moment: datetime) -> "WatchlistEntryQuerySet":
        """Entries that refuse entry at `moment` (as `WatchlistEntry.is_active_at`)."""
        return self.filter(_not_ended_at(moment), active_from__lte=moment)

    def not_ended_at(self, moment: datetime) -> "WatchlistEntryQuerySet":
        """Entries in force at `moment` or to come."""
        return self.filter(_not_ended_at(moment))

    def ended_at(self, moment: datetime) -> "WatchlistEntryQuerySet":
        return self.exclude(_not_ended_at(moment))


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

    objects = WatchlistEntryQuerySet.as_manager()

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
        if self.is_by_document:
            return f"{self.document_type} {self.document_issuing_country} {self.document_number}"
        return f"{self.family_name.upper()} {self.given_names} {self.birth_date}"

    @property
    def is_by_document(self) -> bool:
        return self.match == WatchlistMatch.DOCUMENT

    def is_active_at(self, moment: datetime) -> bool:
        return self.active_from <= moment and (self.active_until is None or moment < self.active_until)

    def may_be_deactivated_at(self, moment: datetime) -> bool:
        """Active, or with no end yet: an entry that ended (or is set to end before it starts) stays as it is."""
        return self.active_until is None or self.is_active_at(moment)
