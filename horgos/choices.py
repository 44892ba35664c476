from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Border officer")
    MERCHANT = "merchant", _("Merchant")
    ADMINISTRATOR = "administrator", _("Administrator")


class ApiTokenKind(models.TextChoices):
    """A person's own token (one at a time, from the account page or the token endpoint), or a machine client's
    named token (an e-gate's, issued by an administrator)."""

    PERSONAL = "personal", _("Personal")
    MACHINE = "machine", _("Machine client")


class AuditAction(models.TextChoices):
    """Everything the audit log records, one member per kind of change; pages show the label.

    Values are `<subject>.<verb>`, as stored in AuditEntry.action; a service passes the member, never a string.
    """

    # horgos: users
    USER_CREATE = "user.create", _("User created")
    USER_API_TOKEN_ROTATE = "user.api_token_rotate", _("API token replaced")
    USER_DEACTIVATE = "user.deactivate", _("User deactivated")
    USER_REACTIVATE = "user.reactivate", _("User reactivated")
    USER_PASSWORD_CHANGE = "user.password_change", _("Password changed")
    API_TOKEN_ISSUE = "api_token.issue", _("API token issued")
    API_TOKEN_REVOKE = "api_token.revoke", _("API token revoked")
    SIGN_IN_LOCKOUT_RELEASE = "sign_in_lockout.release", _("Sign-in lockout lifted")
    # crossings: reference data
    CHECKPOINT_UPDATE = "checkpoint.update", _("Checkpoint changed")
    LANE_CREATE = "lane.create", _("Lane added")
    LANE_UPDATE = "lane.update", _("Lane changed")
    OFFICER_ASSIGN = "officer.assign", _("Officer assigned to a checkpoint")
    OPENING_HOURS_SET = "opening_hours.set", _("Opening hours set")
    OPENING_HOURS_CLEAR = "opening_hours.clear", _("Opening hours removed")
    CLOSURE_ADD = "closure.add", _("Closure added")
    CLOSURE_REMOVE = "closure.remove", _("Closure removed")
    STAY_POLICY_ADD = "stay_policy.add", _("Stay policy added")
    # crossings: travellers, watchlist, crossings
    TRAVELLER_REGISTER = "traveller.register", _("Traveller registered")
    TRAVELLER_ADD_DOCUMENT = "traveller.add_document", _("Document added")
    DOCUMENT_REVEAL = "document.reveal", _("Document number revealed")
    TRAVELLERS_ANONYMISE = "travellers.anonymise", _("Travellers anonymised after the retention period")
    WATCHLIST_ADD = "watchlist.add", _("Watchlist entry added")
    WATCHLIST_DEACTIVATE = "watchlist.deactivate", _("Watchlist entry ended")
    WATCHLIST_REVEAL = "watchlist.reveal", _("Watchlist document number revealed")
    ALERT_ACKNOWLEDGE = "alert.acknowledge", _("Alert acknowledged")
    CROSSING_ENTRY = "crossing.entry", _("Entry recorded")
    CROSSING_EXIT = "crossing.exit", _("Exit recorded")
    CROSSING_CORRECT = "crossing.correct", _("Crossing reversed")
    VISIT_OVERSTAY = "visit.overstay", _("Overstay flagged")
    # crossings: statistics
    HISTORICAL_TOTALS_IMPORT = "historical_totals.import", _("Historical monthly total imported")
    # crossings: statistics and reports
    ANNUAL_REPORT_REQUEST = "annual_report.request", _("Annual report requested")
    # merchants: registry
    MERCHANT_APPLY = "merchant.apply", _("Applied")
    MERCHANT_APPROVE = "merchant.approve", _("Approved")
    MERCHANT_REJECT = "merchant.reject", _("Rejected")
    MERCHANT_SUSPEND = "merchant.suspend", _("Suspended")
    MERCHANT_REINSTATE = "merchant.reinstate", _("Reinstated")
    MERCHANT_UPDATE = "merchant.update", _("Profile changed")
    MEMBER_INVITE = "member.invite", _("Staff member added")
    MEMBER_REMOVE = "member.remove", _("Staff member removed")
    SHOP_OPEN = "shop.open", _("Shop opened")
    SHOP_CLOSED = "shop.closed", _("Shop closed")
    NOTIFICATION_MARK_READ = "notification.mark_read", _("Notifications read")
    # merchants: listings and imports
    LISTING_CREATE = "listing.create", _("Listing created")
    LISTING_UPDATE = "listing.update", _("Listing changed")
    LISTING_SUBMIT = "listing.submit", _("Listing submitted for review")
    LISTING_APPROVE = "listing.approve", _("Listing approved")
    LISTING_REJECT = "listing.reject", _("Listing rejected")
    LISTING_DELETE = "listing.delete", _("Listing deleted")
    LISTING_IMPORT_UPLOAD = "listing_import.upload", _("Import file uploaded")
    LISTING_IMPORT_CONFIRM = "listing_import.confirm", _("Import confirmed")
    LISTING_IMPORT_DONE = "listing_import.done", _("Import finished")
    # trade: sales, policy data
    SALE_RECORD = "sale.record", _("Sale recorded")
    SALE_VOID = "sale.void", _("Sale voided")
    ALLOWANCE_POLICY_ADD = "allowance_policy.add", _("Allowance policy added")
    EXCHANGE_RATE_SET = "exchange_rate.set", _("Exchange rate entered")
    SHUTTLE_TRADER_POLICY_ADD = "shuttle_trader_policy.add", _("Shuttle-trader policy added")
    # trade: onward shipments
    SHIPMENT_REGISTER = "shipment.register", _("Shipment registered")
    SHIPMENT_UPDATE = "shipment.update", _("Shipment changed")
    SHIPMENT_DELETE = "shipment.delete", _("Shipment deleted")
    SHIPMENT_ADVANCE = "shipment.advance", _("Shipment moved on a step")
    SHIPMENT_HOLD = "shipment.hold", _("Shipment held")
    SHIPMENT_RELEASE = "shipment.release", _("Shipment released")


def audit_action_choices() -> list[tuple[str, str]]:
    """AuditEntry.action's choices, as a callable: a migration names it, so a new action needs no migration."""
    return AuditAction.choices
