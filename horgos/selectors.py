"""Reads of the horgos package: figures for the administrator's home page, service health."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, F, QuerySet
from kombu import Connection

from horgos.choices import ApiTokenKind, Role
from horgos.models import ApiToken, AuditEntry, User

HEALTH_TIMEOUT_SECONDS = 2


def user_counts_by_role() -> dict[str, int]:
    """Active users per role, every role present (0 where none)."""
    counts = dict(User.objects.filter(is_active=True).values_list("role").annotate(n=Count("id")).order_by())
    return {role: counts.get(role, 0) for role in Role.values}


def audit_entries_recent(*, limit: int = 10) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related("actor").order_by("-occurred_at", "-id")[:limit]


def database_is_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def broker_is_up() -> bool:
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=HEALTH_TIMEOUT_SECONDS) as broker:
            broker.ensure_connection(max_retries=1, timeout=HEALTH_TIMEOUT_SECONDS)
    except Exception:  # any failure to reach the broker means "down", whatever the transport raises
        return False
    return True


def api_token_personal(*, user: User) -> ApiToken | None:
    """The user's personal token that still works, if any."""
    return ApiToken.objects.usable().filter(user=user, kind=ApiTokenKind.PERSONAL).first()


def api_tokens_machine() -> QuerySet[ApiToken]:
    """Every machine client's token, the working ones first, then the newest."""
    return (
        ApiToken.objects.filter(kind=ApiTokenKind.MACHINE)
        .select_related("user")
        .order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-id")
    )
