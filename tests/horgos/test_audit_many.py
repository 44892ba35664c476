"""audit_record_many: the audit rows of a bulk write in one COPY, each as audit_record would write it."""

import re

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from horgos.audit import AUDIT_OUTSIDE_TRANSACTION, audit_record, audit_record_many
from horgos.choices import AuditAction
from horgos.models import AuditEntry
from tests.factories import AdministratorFactory, OfficerFactory

FIELDS = ("actor_id", "actor_username", "action", "target_type", "target_id", "target_repr", "changes", "reason")


def _row(entry: AuditEntry) -> tuple:
    return tuple(getattr(entry, name) for name in FIELDS)


@pytest.mark.django_db
def test_many_targets_are_audited_in_one_copy_exactly_as_one_by_one():
    # Given an administrator and three users changed by one bulk action
    actor, targets = AdministratorFactory(), OfficerFactory.create_batch(3)
    action = AuditAction.values[0]
    # When they are audited together
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        entries = audit_record_many(
            actor=actor, action=action, targets=[(target, {"n": number}) for number, target in enumerate(targets)]
        )
    # Then no INSERT was made per target (the ids are taken in one query, the rows written with one COPY, and the
    # foreign keys checked), and the rows are those audit_record writes one by one
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["SELECT", "COPY", "SET", "SET"]
    assert sorted(entry.pk for entry in entries) == [entry.pk for entry in entries]
    with transaction.atomic():
        singles = [audit_record(actor=actor, action=action, target=t, changes={"n": n}) for n, t in enumerate(targets)]
    stored = [_row(entry) for entry in AuditEntry.objects.filter(pk__in=[e.pk for e in entries]).order_by("pk")]
    assert stored == [_row(entry) for entry in singles]


@pytest.mark.django_db(transaction=True)
def test_many_outside_a_transaction_is_refused_and_nothing_written():
    # Given a target, when it is audited in bulk outside a transaction
    with pytest.raises(TransactionManagementError, match=re.escape(str(AUDIT_OUTSIDE_TRANSACTION))):
        audit_record_many(actor=None, action=AuditAction.values[0], targets=[(OfficerFactory(), {})])
    # Then nothing is written
    assert not AuditEntry.objects.exists()
