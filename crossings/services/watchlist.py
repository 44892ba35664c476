"""The watchlist (administrators) and the alerts its hits raise (officers acknowledge them)."""

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crossings.choices import WatchlistMatch
from crossings.models import Alert, WatchlistEntry, normalise_document_number
from crossings.selectors import user_may_act_on_lane
from horgos.audit import audit_record, changes_between
from horgos.choices import AuditAction, Role
from horgos.models import User
from horgos.roles import require_role

NOT_YOUR_ALERT = _("You may acknowledge only the alerts of your own checkpoint.")
ALERT_ALREADY_ACKNOWLEDGED = _("This alert has already been acknowledged.")
WATCHLIST_ALREADY_INACTIVE = _("This watchlist entry is no longer active.")


@transaction.atomic
def watchlist_add(
    *,
    match: str,
    reason: str,
    document_type: str = "",
    document_issuing_country: str = "",
    document_number: str = "",
    family_name: str = "",
    given_names: str = "",
    birth_date: date | None = None,
    active_from: datetime | None = None,
    active_until: datetime | None = None,
    acting_user: User,
) -> WatchlistEntry:
    """Add a watchlist entry; document numbers are stored normalised so they match however they are typed."""
    require_role(acting_user, Role.ADMINISTRATOR)
    entry = WatchlistEntry(
        match=match,
        reason=reason.strip(),
        added_by=acting_user,
        document_type=document_type if match == WatchlistMatch.DOCUMENT else "",
        document_issuing_country=document_issuing_country.upper() if match == WatchlistMatch.DOCUMENT else "",
        document_number=normalise_document_number(document_number) if match == WatchlistMatch.DOCUMENT else "",
        family_name=family_name.strip() if match == WatchlistMatch.PERSON else "",
        given_names=given_names.strip() if match == WatchlistMatch.PERSON else "",
        birth_date=birth_date if match == WatchlistMatch.PERSON else None,
        active_from=active_from or timezone.now(),
        active_until=active_until,
    )
    entry.full_clean()
    entry.save()
    audit_record(actor=acting_user, action=AuditAction.WATCHLIST_ADD, target=entry, changes={"reason": entry.reason})
    return entry


@transaction.atomic
def watchlist_deactivate(*, entry: WatchlistEntry, acting_user: User) -> WatchlistEntry:
    require_role(acting_user, Role.ADMINISTRATOR)
    entry = WatchlistEntry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
    now = timezone.now()
    if not entry.may_be_deactivated_at(now):
        raise ValidationError(WATCHLIST_ALREADY_INACTIVE)
    before = entry.active_until
    entry.active_until = max(now, entry.active_from + timedelta(microseconds=1))
    entry.save(update_fields=["active_until"])
    audit_record(
        actor=acting_user,
        action=AuditAction.WATCHLIST_DEACTIVATE,
        target=entry,
        changes=changes_between({"active_until": before}, {"active_until": entry.active_until}),
    )
    return entry


@transaction.atomic
def alert_acknowledge(*, alert: Alert, acting_user: User) -> Alert:
    """An officer of the alert's checkpoint, or an administrator, confirms they have dealt with the hit."""
    alert = Alert.objects.select_for_update(of=("self",)).select_related("crossing__lane__checkpoint").get(pk=alert.pk)
    if not user_may_act_on_lane(acting_user, alert.crossing.lane):
        raise PermissionDenied(NOT_YOUR_ALERT)
    if alert.is_acknowledged:
        raise ValidationError(ALERT_ALREADY_ACKNOWLEDGED)
    alert.acknowledged_by = acting_user
    alert.acknowledged_at = timezone.now()
    alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
    audit_record(actor=acting_user, action=AuditAction.ALERT_ACKNOWLEDGE, target=alert)
    return alert
