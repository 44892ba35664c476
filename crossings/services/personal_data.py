"""Personal data over its life: key rotation of the encrypted columns, rebuilding the blind indexes, and the
retention run that anonymises travellers long gone.

Encrypted columns are found from the models (every `horgos.encryption.KeyedFernetMixin` field of the crossings
app), so that a new encrypted field is rotated without a change here.
"""

from datetime import date, datetime

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from psycopg2.extras import execute_values

from crossings.choices import VisitState
from crossings.models import StayPolicy, TravelDocument, Traveller, Visit, WatchlistEntry
from crossings.selectors import stay_policy_on
from horgos.audit import audit_record
from horgos.choices import AuditAction
from horgos.encryption import UNREADABLE, KeyedFernetMixin, field_fernet, require_keys

ROTATION_BATCH = 1000
# What an anonymised traveller keeps in place of a birth date (the column is required); nobody is born on it.
ANONYMISED_BIRTH_DATE = date(1900, 1, 1)


def encrypted_columns() -> dict[type[models.Model], list[str]]:
    """Each model of the crossings app with encrypted fields, and their column names."""
    found = {}
    for model in apps.get_app_config("crossings").get_models():
        columns = [field.column for field in model._meta.concrete_fields if isinstance(field, KeyedFernetMixin)]
        if columns:
            found[model] = columns
    return found


def _rotate_token(token: str | None, primary: Fernet) -> str | None:
    """The token re-encrypted with the first key; None when it already is (or holds no value)."""
    if token is None:
        return None
    try:
        primary.decrypt(token.encode())
    except InvalidToken:
        pass
    else:
        return None
    try:
        return field_fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(UNREADABLE) from None


def field_keys_rotate(*, batch_size: int = ROTATION_BATCH) -> dict[str, dict[str, int]]:
    """Re-encrypt every encrypted value with the first key of FIELD_ENCRYPTION_KEYS.

    Table by table, `batch_size` rows at a time, each batch in its own transaction with its rows locked, so the
    site keeps working meanwhile. Values already under the first key are left as they are: a second run (or a run
    resumed after an interruption) rewrites nothing. Returns {table: {"rotated": rows, "current": rows}}.
    """
    require_keys()
    primary = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].strip().encode())
    counts = {}
    for model, columns in encrypted_columns().items():
        table = model._meta.db_table
        counts[table] = {"rotated": 0, "current": 0}
        last = 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id, {', '.join(columns)} FROM {table} WHERE id > %s ORDER BY id LIMIT %s FOR UPDATE",
                    [last, batch_size],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                last = rows[-1][0]
                changed = []
                for pk, *tokens in rows:
                    rotated = [_rotate_token(token, primary) for token in tokens]
                    if any(value is not None for value in rotated):
                        changed.append((pk, *(new or old for new, old in zip(rotated, tokens, strict=True))))
                if changed:
                    assignments = ", ".join(f"{column} = v.{column}" for column in columns)
                    execute_values(
                        cursor.cursor,
                        f"UPDATE {table} AS t SET {assignments} FROM (VALUES %s) AS v (id, {', '.join(columns)})"
                        " WHERE t.id = v.id",
                        changed,
                    )
                counts[table]["rotated"] += len(changed)
                counts[table]["current"] += len(rows) - len(changed)
    return counts


BLIND_INDEXED = {
    Traveller: Traveller.INDEX_FIELDS,
    TravelDocument: ["number_index"],
    WatchlistEntry: ["document_index", "person_index"],
}


def blind_indexes_rebuild(*, batch_size: int = ROTATION_BATCH) -> dict[str, dict[str, int]]:
    """Recompute every blind index from the decrypted values with the current BLIND_INDEX_KEY (after the key was
    changed). The old key is not needed: the indexes are derived from the values, never from one another.
    Batches in transactions, rows locked; an index already right is left alone, so a second run changes nothing.
    Returns {table: {"rebuilt": rows, "current": rows}}."""
    require_keys()
    counts = {}
    for model, fields in BLIND_INDEXED.items():
        table = model._meta.db_table
        counts[table] = {"rebuilt": 0, "current": 0}
        last = 0
        while True:
            with transaction.atomic():
                rows = list(
                    model.objects.select_for_update(of=("self",)).filter(pk__gt=last).order_by("pk")[:batch_size]
                )
                if not rows:
                    break
                last = rows[-1].pk
                changed = []
                for row in rows:
                    before = [getattr(row, field) for field in fields]
                    row.refresh_blind_indexes()
                    if [getattr(row, field) for field in fields] != before:
                        changed.append(row)
                model.objects.bulk_update(changed, fields)
                counts[table]["rebuilt"] += len(changed)
                counts[table]["current"] += len(rows) - len(changed)
    return counts


# --- Retention ------------------------------------------------------------------------------------------


def retention_cutoff(*, now: datetime, policy: StayPolicy) -> datetime:
    """The moment `policy.retention_years` before `now` (29 February falls back to the 28th)."""
    try:
        return now.replace(year=now.year - policy.retention_years)
    except ValueError:
        return now.replace(year=now.year - policy.retention_years, day=28)


def travellers_past_retention(*, now: datetime | None = None) -> models.QuerySet[Traveller]:
    """Travellers not yet anonymised whose last exit lies before the retention cutoff of the policy in force today.

    Never someone inside the zone or with a visit not closed: an open visit, or the last visit still without an
    exit, keeps every personal datum. Travellers who never left (never entered) are not concerned."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now=now, policy=stay_policy_on(timezone.localdate(now)))
    finished = [VisitState.CLOSED, VisitState.CANCELLED]
    unfinished = Visit.objects.filter(traveller=OuterRef("pk")).exclude(state__in=finished)
    return (
        Traveller.objects.filter(anonymised_at__isnull=True)
        .annotate(last_exit=Max("visits__exited_at"))
        .filter(last_exit__lt=cutoff)
        .exclude(Exists(unfinished))
    )


def _anonymise(traveller: Traveller, now: datetime) -> int:
    """Blank the traveller's names, birth date and document numbers (which clears their blind indexes through
    `save`); what the statistics read (nationality, sex, crossings and visits) stays. Returns documents changed."""
    for name in Traveller.NAME_FIELDS:
        setattr(traveller, name, "")
    traveller.birth_date = ANONYMISED_BIRTH_DATE
    traveller.anonymised_at = now
    traveller.save(update_fields=[*Traveller.NAME_FIELDS, "birth_date", "anonymised_at"])
    documents = list(traveller.documents.all())
    for document in documents:
        document.number = ""
        document.save(update_fields=["number"])
    return len(documents)


def travellers_anonymise_expired(*, now: datetime | None = None, batch_size: int = ROTATION_BATCH) -> int:
    """Nightly retention: anonymise every traveller past the retention period (`travellers_past_retention`).

    Each batch is one transaction with its travellers locked and checked again under the lock (one who entered
    meanwhile is left alone), and writes one audit row without personal data: how many travellers and documents,
    the cutoff and the policy applied. Anonymised travellers are never picked again, so a second run changes
    nothing and writes no row. Returns how many travellers were anonymised."""
    now = now or timezone.now()
    policy = stay_policy_on(timezone.localdate(now))
    total = 0
    while True:
        with transaction.atomic():
            ids = list(travellers_past_retention(now=now).order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            locked = list(
                Traveller.objects.select_for_update(of=("self",)).filter(pk__in=ids).values_list("pk", flat=True)
            )
            # Checked again under the lock: someone who entered the zone meanwhile keeps their data.
            travellers = list(travellers_past_retention(now=now).filter(pk__in=locked))
            if not travellers:
                continue
            documents = sum(_anonymise(traveller, now) for traveller in travellers)
            audit_record(
                actor=None,
                action=AuditAction.TRAVELLERS_ANONYMISE,
                target=policy,
                changes={
                    "travellers": len(travellers),
                    "documents": documents,
                    "retention_years": policy.retention_years,
                    "last_exit_before": retention_cutoff(now=now, policy=policy),
                },
            )
            total += len(travellers)
    return total
