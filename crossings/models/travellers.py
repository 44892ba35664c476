"""People who cross, their documents, and the watchlist they are checked against."""

from datetime import date, datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from crossings.choices import DocumentType, Sex, WatchlistMatch
from crossings.nationalities import Nationalities
from horgos.encryption import EncryptedCharField, EncryptedDateField, blind_index, normalise_name, trigram_hashes

# What each blind index hashes (the purpose separates equal text of different meaning).
DOCUMENT_PURPOSE = "document"
PERSON_PURPOSE = "person"
BLIND_INDEX_LENGTH = 64  # hex of HMAC-SHA256


def document_number_index(number: str, *, key: str | None = None) -> str:
    """The blind index of a document number: the keyed hash of its normalised form (travel documents and watchlist
    entries alike, so that a watchlist entry matches a document by equal hashes)."""
    return blind_index(DOCUMENT_PURPOSE, normalise_document_number(number), key=key)


def person_index(family_name: str, birth_date: date | str | None, *, key: str | None = None) -> str:
    """The blind index of a person: the keyed hash of the normalised family name and the birth date. Given names
    stay out of it, so that a watchlist entry without them matches every bearer of the family name born that day;
    callers compare given names on the decrypted values of the few rows found."""
    if not family_name.strip() or not birth_date:
        return ""
    day = birth_date if isinstance(birth_date, str) else birth_date.isoformat()
    return blind_index(PERSON_PURPOSE, f"{normalise_name(family_name)}\x1f{day}", key=key)


def same_names(wanted: str, recorded: str) -> bool:
    """Names equal once normalised (case, ё and the Kazakh letters, spaces)."""
    return normalise_name(wanted) == normalise_name(recorded)


def _with_derived(update_fields, sources: set[str], derived: list[str]):
    """`save(update_fields=...)` that changes a source of the blind indexes writes the indexes too."""
    if update_fields is None or not sources & set(update_fields):
        return update_fields
    return [*update_fields, *derived]


class Traveller(models.Model):
    """A person who crosses: names in Latin transliteration and in their own script, nationality, birth date."""

    # Names and birth date are encrypted at rest (horgos/encryption.py); lookups go through the blind indexes below.
    family_name = EncryptedCharField(_("family name (Latin)"), max_length=100)
    given_names = EncryptedCharField(_("given names (Latin)"), max_length=100, blank=True)
    family_name_native = EncryptedCharField(_("family name (native script)"), max_length=100, blank=True)
    given_names_native = EncryptedCharField(_("given names (native script)"), max_length=100, blank=True)
    # Stateless persons and refugees too; a document's issuing country stays a country.
    nationality = CountryField(_("nationality"), countries=Nationalities)
    birth_date = EncryptedDateField(_("birth date"))
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
    # Blind indexes, kept by `save` (and by the generator's COPY): the person by Latin and by native family name
    # with the birth date (`person_index`), and the trigrams of every name for fuzzy search (`trigram_hashes`).
    person_index_latin = models.CharField(max_length=BLIND_INDEX_LENGTH, blank=True, editable=False)
    person_index_native = models.CharField(max_length=BLIND_INDEX_LENGTH, blank=True, editable=False)
    name_trigrams = ArrayField(models.IntegerField(), default=list, blank=True, editable=False)
    # When the retention run anonymised the traveller (nothing personal is left); empty until then.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    NAME_FIELDS = ("family_name", "given_names", "family_name_native", "given_names_native")
    INDEX_SOURCES = {*NAME_FIELDS, "birth_date"}
    INDEX_FIELDS = ["person_index_latin", "person_index_native", "name_trigrams"]

    class Meta:
        verbose_name = _("traveller")
        verbose_name_plural = _("travellers")
        # Names are encrypted: SQL cannot order by them. Pages sort the few rows they show by `sort_key`.
        ordering = ["id"]
        indexes = [
            models.Index(fields=["person_index_latin"], name="traveller_person_latin_idx"),
            models.Index(fields=["person_index_native"], name="traveller_person_native_idx"),
            GinIndex(fields=["name_trigrams"], name="traveller_name_trigrams_idx"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(sex__in=Sex.values), name="traveller_sex_valid")]

    def __str__(self) -> str:
        if self.anonymised_at:
            return str(_("Anonymised traveller"))
        return f"{self.family_name.upper()} {self.given_names}".strip()

    def save(self, *args, **kwargs):
        self.refresh_blind_indexes()
        kwargs["update_fields"] = _with_derived(kwargs.get("update_fields"), self.INDEX_SOURCES, self.INDEX_FIELDS)
        super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        self.refresh_blind_indexes()
        super().full_clean(*args, **kwargs)

    def blind_indexes(self, *, key: str | None = None) -> dict:
        """The blind index columns for the traveller's current names and birth date."""
        names = " ".join(getattr(self, name) or "" for name in self.NAME_FIELDS)
        return {
            "person_index_latin": person_index(self.family_name or "", self.birth_date, key=key),
            "person_index_native": person_index(self.family_name_native or "", self.birth_date, key=key),
            "name_trigrams": trigram_hashes(names, key=key),
        }

    def refresh_blind_indexes(self, *, key: str | None = None) -> None:
        for name, value in self.blind_indexes(key=key).items():
            setattr(self, name, value)

    @property
    def sort_key(self) -> tuple:
        """How lists order travellers: by Latin names, birth date, then id (in Python, on the decrypted values)."""
        return (normalise_name(self.family_name), normalise_name(self.given_names), self.birth_date, self.pk or 0)

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
    number = EncryptedCharField(_("number"), max_length=30)
    # The blind index of the normalised number (`document_number_index`), kept by `save`.
    number_index = models.CharField(max_length=BLIND_INDEX_LENGTH, blank=True, editable=False)
    issuing_country = CountryField(_("issuing country"))
    valid_until = models.DateField(_("valid until"))
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("travel document")
        verbose_name_plural = _("travel documents")
        ordering = ["-valid_until"]
        constraints = [
            # On the blind index: equal normalised numbers have equal hashes, so the database still stops a race.
            # Anonymised documents (retention) have no number and no index left, and are not compared.
            models.UniqueConstraint(
                fields=["document_type", "issuing_country", "number_index"],
                condition=~models.Q(number_index=""),
                name="document_unique_type_country_number",
                violation_error_message=_("This document is already registered."),
            ),
            models.CheckConstraint(
                condition=models.Q(document_type__in=DocumentType.values), name="document_type_valid"
            ),
        ]
        indexes = [models.Index(fields=["number_index"], name="document_number_index_idx")]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} {self.issuing_country.code} {self.number}"

    def save(self, *args, **kwargs):
        self.refresh_blind_indexes()
        kwargs["update_fields"] = _with_derived(kwargs.get("update_fields"), {"number"}, ["number_index"])
        super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        self.refresh_blind_indexes()
        super().full_clean(*args, **kwargs)

    def refresh_blind_indexes(self, *, key: str | None = None) -> None:
        self.number_index = document_number_index(self.number or "", key=key)

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
    document_number = EncryptedCharField(_("document number"), max_length=30, blank=True)
    family_name = EncryptedCharField(_("family name (Latin)"), max_length=100, blank=True)
    given_names = EncryptedCharField(_("given names (Latin)"), max_length=100, blank=True)
    birth_date = EncryptedDateField(_("birth date"), null=True, blank=True)
    # Blind indexes (kept by `save`): the number as `TravelDocument.number_index`, the person as
    # `Traveller.person_index_latin`; empty when the entry does not match that way.
    document_index = models.CharField(max_length=BLIND_INDEX_LENGTH, blank=True, editable=False)
    person_index = models.CharField(max_length=BLIND_INDEX_LENGTH, blank=True, editable=False)
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
                    & ~models.Q(document_index="")
                )
                # The person index exists only with a family name and a birth date.
                | (models.Q(match=WatchlistMatch.PERSON) & ~models.Q(person_index="")),
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

    def save(self, *args, **kwargs):
        self.refresh_blind_indexes()
        kwargs["update_fields"] = _with_derived(
            kwargs.get("update_fields"),
            {"document_number", "family_name", "birth_date"},
            ["document_index", "person_index"],
        )
        super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        self.refresh_blind_indexes()
        super().full_clean(*args, **kwargs)

    def refresh_blind_indexes(self, *, key: str | None = None) -> None:
        self.document_index = document_number_index(self.document_number or "", key=key)
        self.person_index = person_index(self.family_name or "", self.birth_date, key=key)

    @property
    def is_by_document(self) -> bool:
        return self.match == WatchlistMatch.DOCUMENT

    def is_active_at(self, moment: datetime) -> bool:
        return self.active_from <= moment and (self.active_until is None or moment < self.active_until)

    def may_be_deactivated_at(self, moment: datetime) -> bool:
        """Active, or with no end yet: an entry that ended (or is set to end before it starts) stays as it is."""
        return self.active_until is None or self.is_active_at(moment)
