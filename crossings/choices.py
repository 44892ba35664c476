from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CheckpointCode(models.TextChoices):
    CN = "CN", _("Chinese checkpoint")
    KZ = "KZ", _("Kazakh checkpoint")


class Direction(models.TextChoices):
    ENTRY = "entry", _("Entry")
    EXIT = "exit", _("Exit")


class Weekday(models.IntegerChoices):
    """Days of the week as Python numbers them (`datetime.weekday()`), for opening hours."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class LaneGroup(models.TextChoices):
    """Whom a lane serves: the checkpoint country's own citizens, other nationals, or e-gate users."""

    OWN_CITIZENS = "own_citizens", _("Own citizens")
    OTHER_NATIONALS = "other_nationals", _("Other nationals")
    E_GATE = "e_gate", _("Self-service e-gate")


class DocumentType(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    EXIT_ENTRY_PERMIT = "exit_entry_permit", _("Exit–entry permit")
    NATIONAL_ID = "national_id", _("National ID card")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    UNSPECIFIED = "X", _("Unspecified")


class Outcome(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    REFUSED = "refused", _("Refused")


class CrossingKind(models.TextChoices):
    RECORD = "record", _("Record")
    REVERSAL = "reversal", _("Reversal of a mistaken record")


class RefusalReason(models.TextChoices):
    """Why a crossing was refused; the label is the message the officer and the traveller see."""

    CHECKPOINT_CLOSED = "checkpoint_closed", _("The checkpoint is closed at this time.")
    LANE_CLOSED = "lane_closed", _("This lane is closed.")
    WRONG_LANE_DIRECTION = "wrong_lane_direction", _("This lane is for the other direction.")
    WRONG_LANE_GROUP = "wrong_lane_group", _("This lane does not serve this traveller; use another lane.")
    DOCUMENT_EXPIRED = "document_expired", _("The document has expired.")
    DOCUMENT_NOT_ACCEPTED = "document_not_accepted", _("This document is not accepted at this checkpoint.")
    WATCHLIST = "watchlist", _("Entry refused: watchlist match. Call the duty supervisor.")
    ALREADY_INSIDE = "already_inside", _("The traveller is already inside the zone.")
    NOT_INSIDE = "not_inside", _("The traveller has no recorded entry into the zone.")
    WRONG_CHECKPOINT = "wrong_checkpoint", _("The traveller must leave through the checkpoint they entered.")
    CHILD_WITHOUT_GUARDIAN = (
        "child_without_guardian",
        _("A child on a birth certificate must enter with a guardian who is inside or entering."),
    )


class VisitState(models.TextChoices):
    OPEN = "open", _("Inside the zone")
    CLOSED = "closed", _("Left the zone")
    CANCELLED = "cancelled", _("Cancelled (entry reversed)")


class StayStatus(models.TextChoices):
    """Where a visit (or a traveller) stands at a moment, as every page shows it: one word, one colour.

    Not stored: it follows from the visit's state and deadline at the moment asked (`Visit.stay_status_at`).
    """

    INSIDE = "inside", _("Inside the zone")
    OVERSTAYING = "overstaying", _("Overstaying")
    LEFT = "left", _("Left the zone")
    CANCELLED = "cancelled", _("Cancelled (entry reversed)")

    @property
    def badge_kind(self) -> str:
        """The badge colour (horgos.tables.badge) that repeats what the word says."""
        return {"inside": "ok", "overstaying": "bad", "left": "neutral", "cancelled": "warn"}[self.value]


class WatchlistMatch(models.TextChoices):
    DOCUMENT = "document", _("A document")
    PERSON = "person", _("A person (names and birth date)")


class LaneState(models.TextChoices):
    """The state an administrator asks a lane to be in."""

    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AlertState(models.TextChoices):
    """Alerts by whether somebody has dealt with them (a filter of the alerts page)."""

    OPEN = "open", pgettext_lazy("alert state", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class UserStatus(models.TextChoices):
    """Users by whether they may sign in (a filter of the users page)."""

    ACTIVE = "yes", _("Active")
    DEACTIVATED = "no", _("Deactivated")


class NationalityGroup(models.TextChoices):
    """How the figures group travellers: the two countries of the zone, and everyone else (stateless persons and
    refugees included)."""

    CHINA = "CN", _("China")
    KAZAKHSTAN = "KZ", _("Kazakhstan")
    OTHER = "other", _("Other nationalities")


class AnnualReportState(models.TextChoices):
    """Where an annual report's files are: waiting for the task, being written, ready to download, or failed."""

    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReportFormat(models.TextChoices):
    """The files of an annual report."""

    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"
