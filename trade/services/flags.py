"""The nightly shuttle-trader check: who entered often and bought near the allowance on most visits."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from crossings.choices import VisitState
from crossings.models import Visit
from horgos.audit import audit_record
from horgos.choices import AuditAction, Role
from horgos.models import User
from horgos.roles import require_role
from trade.models import Sale, ShuttleTraderFlag, ShuttleTraderPolicy

SHARE = Decimal("0.001")


def _visit_shares(visit_ids: list[int]) -> dict[int, Decimal]:
    """For each visit, the largest share of one allowance period that its (not voided) purchases used."""
    shares: dict[int, Decimal] = defaultdict(Decimal)
    rows = (
        Sale.objects.recorded()
        .filter(visit_id__in=visit_ids)
        .values("visit_id", "ledger_id", "ledger__value_limit")
        .annotate(used=Sum("charged_value"))
        .order_by()
    )
    for row in rows:
        share = (row["used"] / row["ledger__value_limit"]).quantize(SHARE)
        shares[row["visit_id"]] = max(shares[row["visit_id"]], share)
    return shares


@transaction.atomic
def shuttle_traders_flag(*, day: date | None = None) -> int:
    """Flag, for `day` (yesterday by default, in the site's zone), every traveller who meets the policy in force:
    at least N entries in the window ending that day, with purchases above the share of the allowance on more than
    the share of those visits. Re-running the day gives the same flags (a voided sale since may drop one)."""
    day = day or timezone.localdate() - timedelta(days=1)
    policy = ShuttleTraderPolicy.objects.in_force_on(day)
    if policy is None:
        return 0
    window_start = day - timedelta(days=policy.window_days - 1)
    zone = timezone.get_current_timezone()
    since = datetime.combine(window_start, time.min, tzinfo=zone)
    until = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    visits = Visit.objects.exclude(state=VisitState.CANCELLED).filter(entered_at__gte=since, entered_at__lt=until)
    frequent = (
        visits.values("traveller_id").annotate(entries=Count("id")).filter(entries__gte=policy.min_entries).order_by()
    )
    entries = {row["traveller_id"]: row["entries"] for row in frequent}
    visit_ids = defaultdict(list)
    for visit_id, traveller_id in visits.filter(traveller_id__in=entries).values_list("id", "traveller_id"):
        visit_ids[traveller_id].append(visit_id)
    shares = _visit_shares([visit for ids in visit_ids.values() for visit in ids])
    flagged = []
    for traveller_id, count in entries.items():
        visit_shares = [shares.get(visit_id, Decimal("0")) for visit_id in visit_ids[traveller_id]]
        heavy = sum(share > policy.share_of_allowance for share in visit_shares)
        if heavy > policy.share_of_visits * count:
            ShuttleTraderFlag.objects.update_or_create(
                traveller_id=traveller_id,
                flagged_on=day,
                defaults={
                    "policy": policy,
                    "window_start": window_start,
                    "entries": count,
                    "heavy_visits": heavy,
                    "largest_share": max(visit_shares),
                },
            )
            flagged.append(traveller_id)
    ShuttleTraderFlag.objects.filter(flagged_on=day).exclude(traveller_id__in=flagged).delete()
    return len(flagged)


@transaction.atomic
def shuttle_trader_policy_add(
    *,
    effective_from: date,
    window_days: int,
    min_entries: int,
    share_of_allowance: Decimal,
    share_of_visits: Decimal,
    acting_user: User,
) -> ShuttleTraderPolicy:
    """A new shuttle-trader policy from `effective_from` on (administrators); earlier days keep theirs."""
    require_role(acting_user, Role.ADMINISTRATOR)
    policy = ShuttleTraderPolicy(
        effective_from=effective_from,
        window_days=window_days,
        min_entries=min_entries,
        share_of_allowance=share_of_allowance,
        share_of_visits=share_of_visits,
    )
    policy.full_clean()
    policy.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.SHUTTLE_TRADER_POLICY_ADD,
        target=policy,
        changes={
            "effective_from": effective_from,
            "window_days": window_days,
            "min_entries": min_entries,
            "share_of_allowance": share_of_allowance,
            "share_of_visits": share_of_visits,
        },
    )
    return policy
