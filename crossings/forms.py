"""Forms of the crossings pages. They check the shape of the input; the services enforce the rules.

`show_service_error` puts a service's ValidationError on the form, on the field it names where the
form has that field, so a rule broken in the service reads like any other field error.
"""

from datetime import UTC, date, datetime, time

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.fields import BaseTemporalField
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from crossings.choices import AlertState, Direction, DocumentType, LaneGroup, LaneState, Sex, UserStatus, WatchlistMatch
from crossings.models import Checkpoint, Closure, Lane
from crossings.models.reference import clock_closing
from crossings.mrz import compact_zone, looks_like_mrz
from crossings.nationalities import nationalities
from crossings.services.reference import CLOSURE_ENDS_BEFORE_START, HOURS_BOTH_OR_NEITHER
from horgos import spreadsheets
from horgos.choices import Role
from horgos.forms import NewPasswordForm

TIME_DOES_NOT_EXIST = _("This time does not exist in the checkpoint's time zone (a clock change).")

ALL = [("", _("All"))]
BLANK = [("", "—")]


class CheckpointChoiceField(forms.ModelChoiceField):
    """A checkpoint picked by its code (CN, KZ), shown by its name in the active language."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Checkpoint.objects.order_by("code"))
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", _("Checkpoint"))
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Checkpoint) -> str:
        return f"{obj.code} · {obj.name}"


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as a wall clock shows it, without a zone: the form attaches the zone it belongs to.

    Django's own DateTimeField would read the input in the site's zone, which is wrong for the
    Kazakh checkpoint.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        try:
            result = parse_datetime(value.strip())
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if result is None:
            result = BaseTemporalField.to_python(self, value)  # the input formats
        return result.replace(tzinfo=None)


def in_zone(wall_clock: datetime, zone) -> datetime | None:
    """`wall_clock` read in `zone`; None when that local time does not exist there (skipped by a clock change)."""
    aware = wall_clock.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall_clock:
        return None
    return aware


# --- Lanes ---------------------------------------------------------------------------------------


class LaneForm(forms.Form):
    checkpoint = CheckpointChoiceField()
    code = forms.CharField(
        label=_("Code"), max_length=20, help_text=_("E.g. E-F09: unique within the checkpoint; stored in capitals.")
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    group = forms.ChoiceField(label=_("Serves"), choices=LaneGroup.choices)
    is_open = forms.BooleanField(label=_("Open at once"), required=False, initial=True)


class LaneStateForm(forms.Form):
    """The state the administrator asks for; stating it (rather than toggling) makes a repeated click harmless."""

    state = forms.ChoiceField(choices=LaneState.choices)

    @property
    def is_open(self) -> bool:
        return self.cleaned_data["state"] == LaneState.OPEN


# --- Opening hours and closures -------------------------------------------------------------------


CLOCK_TIME_INVALID = _("Write the time on a 24-hour clock as HH:MM, e.g. 07:30 or 22:00.")
CLOCK_TIME_24_OPENS = _("24:00 is a closing time only; a day opening at midnight opens at 00:00.")


class ClockInput(forms.TextInput):
    """A time typed on a 24-hour clock, HH:MM, whatever the browser's locale (an <input type=time> shows "12:00 AM"
    in English); with `closing`, midnight shows as 24:00."""

    def __init__(self, *, closing: bool = False):
        attrs = {
            "inputmode": "numeric",
            "pattern": "([01][0-9]|2[0-3]):[0-5][0-9]" + ("|24:00" if closing else ""),
            "placeholder": "HH:MM",
            "maxlength": 5,
            "size": 5,
            "autocomplete": "off",
        }
        super().__init__(attrs=attrs)
        self.closing = closing

    def format_value(self, value):
        if isinstance(value, time):
            return clock_closing(value) if self.closing else f"{value:%H:%M}"
        return super().format_value(value)


class ClockTimeField(forms.TimeField):
    """HH:MM on a 24-hour clock; with `closing`, 24:00 too, read as 00:00 (midnight at the end of the day, as the
    services store it)."""

    def __init__(self, *, closing: bool = False, **kwargs):
        self.closing = closing
        kwargs.setdefault("widget", ClockInput(closing=closing))
        super().__init__(input_formats=["%H:%M"], **kwargs)
        self.error_messages["invalid"] = CLOCK_TIME_INVALID

    def to_python(self, value):
        if isinstance(value, str) and value.strip() == "24:00":
            if not self.closing:
                raise ValidationError(CLOCK_TIME_24_OPENS, code="invalid")
            return time(0, 0)
        return super().to_python(value)


class OpeningHoursForm(forms.Form):
    """One weekday of one checkpoint, in the checkpoint's local time; both times empty: closed that day."""

    opens_at = ClockTimeField(label=_("Opens at"), required=False)
    closes_at = ClockTimeField(label=_("Closes at"), required=False, closing=True)

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if not self.errors and (opens_at is None) != (closes_at is None):
            self.add_error("closes_at" if closes_at is None else "opens_at", HOURS_BOTH_OR_NEITHER)
        return cleaned


class BaseWeekHoursFormSet(forms.BaseFormSet):
    """A checkpoint's week: one OpeningHoursForm per weekday, Monday (0) first, always seven."""

    def week(self) -> dict[int, tuple[time | None, time | None]]:
        """weekday → (opens_at, closes_at), for `opening_hours_set_week`."""
        return {
            weekday: (form.cleaned_data.get("opens_at"), form.cleaned_data.get("closes_at"))
            for weekday, form in enumerate(self.forms)
        }


WeekHoursFormSet = forms.formset_factory(
    OpeningHoursForm,
    formset=BaseWeekHoursFormSet,
    extra=0,
    min_num=7,
    max_num=7,
    absolute_max=7,
    validate_min=True,
    validate_max=True,
)


CLOSURE_STARTS_LABEL = _("Starts (local time of the checkpoint)")
CLOSURE_ENDS_LABEL = _("Ends (local time of the checkpoint)")


class ClosureTimesMixin:
    """A closure's start and end typed as the checkpoint's wall clock shows them; `clean` reads them in that
    checkpoint's zone (Almaty time for KZ, Beijing time for CN) and gives aware datetimes."""

    starts_at = WallClockDateTimeField(label=CLOSURE_STARTS_LABEL)
    ends_at = WallClockDateTimeField(label=CLOSURE_ENDS_LABEL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = "; ".join(f"{checkpoint.code}: {checkpoint.time_zone}" for checkpoint in Checkpoint.objects.all())
        self.fields["starts_at"].help_text = _("Time zones: %(zones)s.") % {"zones": zones}
        self.fields["ends_at"].help_text = _("The checkpoint opens again at this moment.")

    def clean(self):
        cleaned = super().clean()
        checkpoint = cleaned.get("checkpoint")
        if checkpoint is None:
            return cleaned
        for name in ("starts_at", "ends_at"):
            if cleaned.get(name) is not None:
                aware = in_zone(cleaned[name], checkpoint.zone)
                if aware is None:
                    self.add_error(name, TIME_DOES_NOT_EXIST)
                else:
                    cleaned[name] = aware
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at is not None and ends_at is not None and ends_at <= starts_at:
            self.add_error("ends_at", CLOSURE_ENDS_BEFORE_START)
        return cleaned


class ClosureForm(ClosureTimesMixin, forms.Form):
    """A closure of the operations page."""

    # Django takes a form's fields from form classes only: each form names the mixin's two.
    checkpoint = CheckpointChoiceField()
    starts_at = ClosureTimesMixin.starts_at
    ends_at = ClosureTimesMixin.ends_at
    reason = forms.CharField(label=_("Reason"), max_length=200, help_text=_("E.g. Nauryz, Spring Festival, repairs."))


class ClosureAdminForm(ClosureTimesMixin, forms.ModelForm):
    """A closure added in the Django admin, its times read in the checkpoint's zone like the operations page's."""

    starts_at = ClosureTimesMixin.starts_at
    ends_at = ClosureTimesMixin.ends_at

    class Meta:
        model = Closure
        fields = ["checkpoint", "starts_at", "ends_at", "reason"]


# --- Watchlist --------------------------------------------------------------------------------------


class WatchlistEntryForm(forms.Form):
    """Either the document fields or the person fields; the model's constraint says which are missing."""

    match = forms.ChoiceField(
        label=_("Match by"),
        choices=WatchlistMatch.choices,
        help_text=_("Fill in the document fields, or the person fields; the others are ignored."),
    )
    document_type = forms.ChoiceField(label=_("Document type"), choices=BLANK + DocumentType.choices, required=False)
    document_issuing_country = forms.ChoiceField(label=_("Issuing country"), choices=(), required=False)
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=30,
        required=False,
        help_text=_("Spaces, dashes and case do not matter."),
    )
    family_name = forms.CharField(label=_("Family name (Latin)"), max_length=100, required=False)
    given_names = forms.CharField(
        label=_("Given names (Latin)"),
        max_length=100,
        required=False,
        help_text=_("Leave empty to match any given names."),
    )
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, help_text=_("Officers see it with every hit."))
    active_until = forms.DateTimeField(
        label=_("Active until (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, time_zone_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_issuing_country"].choices = BLANK + list(countries)
        if time_zone_name:
            self.fields["active_until"].help_text = _("In the time zone %(zone)s; empty: until deactivated.") % {
                "zone": time_zone_name
            }


# --- Users -------------------------------------------------------------------------------------------


class OfficerCreateForm(NewPasswordForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    checkpoint = CheckpointChoiceField()
    password_role = Role.OFFICER


class OfficerCheckpointForm(forms.Form):
    checkpoint = CheckpointChoiceField()


class UserFilterForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ALL + Role.choices, required=False)
    active = forms.ChoiceField(label=_("Status"), choices=ALL + UserStatus.choices, required=False)


# --- Alerts --------------------------------------------------------------------------------------------


class AlertFilterForm(forms.Form):
    """The alerts page's filters: open or acknowledged and (administrators, who see both) a checkpoint."""

    state = forms.ChoiceField(
        label=_("State"),
        choices=ALL + AlertState.choices,
        required=False,
    )
    checkpoint = CheckpointChoiceField(required=False, empty_label=_("All"))

    def __init__(self, *args, choose_checkpoint: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_checkpoint:
            del self.fields["checkpoint"]


# --- Finding a traveller --------------------------------------------------------------------------

SEARCH_NEEDS_NUMBER_OR_NAME = _("Type a document number, or a family name with a birth date.")


class TravellerSearchForm(forms.Form):
    """A traveller looked up by a document number, or by a family name (Latin or native script) with a birth date.

    The page posts it: a document number never travels in a URL (access logs, browser history, Referer).
    """

    document_number = forms.CharField(
        label=_("Document number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters", "autofocus": True}
        ),
    )
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=100,
        required=False,
        help_text=_("In Latin letters or in the traveller's own script."),
    )
    given_names = forms.CharField(label=_("Given names"), max_length=100, required=False)
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[MinValueValidator(date(1900, 1, 1)), MaxValueValidator(date(2999, 12, 31))],
    )

    def clean(self):
        cleaned = super().clean()
        by_number = bool(cleaned.get("document_number"))
        by_name = bool(cleaned.get("family_name")) and cleaned.get("birth_date") is not None
        if not (by_number or by_name) and not self.errors:
            raise ValidationError(SEARCH_NEEDS_NUMBER_OR_NAME)
        return cleaned


# --- The lane desk ---------------------------------------------------------------------------------


class ScanForm(forms.Form):
    scan = forms.CharField(
        label=_("Document number or machine readable zone"),
        max_length=200,
        strip=True,
        widget=forms.Textarea(
            attrs={"rows": 1, "autofocus": True, "autocomplete": "off", "spellcheck": "false", "class": "scan-input"}
        ),
    )

    def clean_scan(self) -> str:
        """Without stray whitespace: a reader's (or an early Enter's) line breaks; the zone in one run."""
        scanned = self.cleaned_data["scan"]
        return compact_zone(scanned) if looks_like_mrz(scanned) else " ".join(scanned.split())


class LaneChoiceField(forms.ModelChoiceField):
    """A lane shown with its direction, whom it serves and whether it is closed, not by its bare code."""

    def label_from_instance(self, obj: Lane) -> str:
        return obj.choice_label


class DeskLaneForm(forms.Form):
    """The lane an officer works at, chosen once per session."""

    lane = LaneChoiceField(queryset=Lane.objects.none(), label=_("Your lane"), empty_label=_("Choose your lane…"))

    def __init__(self, *args, lanes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lane"].queryset = lanes
        if not self.initial.get("lane"):
            # Nothing can be done at the desk before a lane is chosen: it opens on the choice.
            self.fields["lane"].widget.attrs["autofocus"] = True


def countries_first(choices, first_codes: list[str]) -> list:
    """A country list with the given countries on top (the checkpoints' own, the usual case at the desk), then all
    the others; no country is preselected."""
    first = [(code, name) for code, name in choices if code in first_codes]
    first.sort(key=lambda choice: first_codes.index(choice[0]))
    others = [(code, name) for code, name in choices if code not in first_codes]
    return [*BLANK, (_("The zone's countries"), first), (_("Other countries"), others)]


class RegisterForm(forms.Form):
    """A traveller met at the lane for the first time, with the document in hand.

    Nothing is preselected that could be wrong: every choice starts blank and is required. The zone's countries
    (the lane's checkpoint's first) head the country lists; desk.js fills the nationality from the issuing country
    until the officer picks one themselves.
    """

    document_number = forms.CharField(label=_("Document number"), max_length=30)
    document_type = forms.ChoiceField(label=_("Document type"), choices=[*BLANK, *DocumentType.choices])
    document_issuing_country = forms.ChoiceField(
        label=_("Issuing country"), widget=forms.Select(attrs={"data-fills": "nationality"})
    )
    document_valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))
    family_name = forms.CharField(label=_("Family name (Latin)"), max_length=100)
    given_names = forms.CharField(label=_("Given names (Latin)"), max_length=100, required=False)
    family_name_native = forms.CharField(label=_("Family name (native script)"), max_length=100, required=False)
    given_names_native = forms.CharField(label=_("Given names (native script)"), max_length=100, required=False)
    nationality = forms.ChoiceField(label=_("Nationality"))
    birth_date = forms.DateField(label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"}))
    sex = forms.ChoiceField(label=_("Sex"), choices=[*BLANK, *Sex.choices])

    def __init__(self, *args, checkpoint: Checkpoint, **kwargs):
        super().__init__(*args, **kwargs)
        others = Checkpoint.objects.exclude(pk=checkpoint.pk).order_by("code")
        first_codes = [checkpoint.country.code, *(other.country.code for other in others)]
        self.fields["document_issuing_country"].choices = countries_first(countries, first_codes)
        self.fields["nationality"].choices = countries_first(nationalities, first_codes)
        for field in self.fields.values():
            if field.required:
                field.widget.attrs["aria-required"] = "true"


class StatisticsFilterForm(forms.Form):
    """The statistics page's choice: the day the year-to-date figures run to, and (administrators) a checkpoint."""

    as_of = forms.DateField(
        label=_("Figures as of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[MinValueValidator(date(2000, 1, 1)), MaxValueValidator(date(2999, 12, 31))],
    )
    checkpoint = CheckpointChoiceField(required=False, empty_label=_("The whole zone"))

    def __init__(self, *args, choose_checkpoint: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_checkpoint:
            del self.fields["checkpoint"]


class HistoricalTotalsUploadForm(forms.Form):
    """A file of monthly totals from before go-live; its rows are checked by the service."""

    file = forms.FileField(
        label=_("File of monthly totals"),
        widget=forms.FileInput(attrs={"accept": f".csv,.xlsx,text/csv,{spreadsheets.XLSX_TYPE}"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV (UTF-8) or XLSX, at most %(megabytes)s MB, in the template's columns."
        ) % {"megabytes": spreadsheets.MAX_BYTES // (1024 * 1024)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Checked before the file is read into memory; the service checks what it is given again.
        if upload.size > spreadsheets.MAX_BYTES:
            raise ValidationError(spreadsheets.TOO_LARGE, params={"megabytes": spreadsheets.MAX_BYTES // (1024 * 1024)})
        return upload


class AnnualReportForm(forms.Form):
    """The reports page's request: a year, the checkpoint (administrators; an officer's is their own) and the
    language of the files. Whether the year has a report is the service's rule."""

    year = forms.IntegerField(
        label=_("Year"), validators=[MinValueValidator(2000), MaxValueValidator(2999)], widget=forms.NumberInput()
    )
    checkpoint = CheckpointChoiceField(required=False, empty_label=_("The whole zone"))
    language = forms.ChoiceField(label=_("Language of the files"), choices=settings.LANGUAGES)

    def __init__(self, *args, choose_checkpoint: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_checkpoint:
            del self.fields["checkpoint"]


class ReportScopeForm(forms.Form):
    """The report page's choice of checkpoint (administrators); none is the whole zone."""

    checkpoint = CheckpointChoiceField(required=False, empty_label=_("The whole zone"))
