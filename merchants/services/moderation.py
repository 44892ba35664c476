"""Moderating many listings at once: each one through `listing_approve` or `listing_reject`, with its own
transaction and audit row, and a report of what was done and what was refused."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from horgos.audit import reason_required
from horgos.choices import Role
from horgos.models import User
from horgos.roles import require_role
from merchants.models import Listing
from merchants.services.listings import listing_approve, listing_reject

NOTHING_CHOSEN = _("Choose at least one listing.")
APPROVE, REJECT = "approve", "reject"


@dataclass
class ModerationReport:
    """What `listings_moderate` did: the listings moved, and the ones refused with the service's reason."""

    action: str
    done: list[Listing] = field(default_factory=list)
    refused: list[tuple[Listing, str]] = field(default_factory=list)


def listings_moderate(
    *, listings: Iterable[Listing], action: str, acting_user: User, reason: str = ""
) -> ModerationReport:
    """Approve (`action` "approve") or reject ("reject", with `reason`) each of `listings`.

    A rejection's reason is checked before any listing is touched. Each listing then moves in its own transaction,
    with its own audit row and notification, as one at a time would: one that can no longer be moved (another
    administrator got there first) is reported as refused, and the others go on.
    """
    require_role(acting_user, Role.ADMINISTRATOR)
    if action not in (APPROVE, REJECT):
        raise ValueError(f"unknown moderation action {action!r}")
    listings = list(listings)
    if not listings:
        raise ValidationError({"listings": NOTHING_CHOSEN})
    if action == REJECT:
        reason = reason_required(reason)
    report = ModerationReport(action=action)
    for listing in listings:
        try:
            if action == APPROVE:
                listing_approve(listing=listing, acting_user=acting_user)
            else:
                listing_reject(listing=listing, acting_user=acting_user, reason=reason)
        except ValidationError as error:
            report.refused.append((listing, " ".join(error.messages)))
        else:
            report.done.append(listing)
    return report
