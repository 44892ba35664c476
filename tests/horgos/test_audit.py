import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext_lazy
from django_countries.fields import Country

from horgos.audit import AUDIT_OUTSIDE_TRANSACTION, REASON_REQUIRED, audit_record, changes_between, reason_required
from horgos.choices import AuditAction, Role
from horgos.models import AuditEntry
from tests.factories import AdministratorFactory, OfficerFactory


@pytest.mark.django_db(transaction=True)
def test_audit_row_commits_with_the_callers_transaction():
    actor, target = AdministratorFactory(), OfficerFactory()
    with transaction.atomic():
        audit_record(actor=actor, action="user.deactivate", target=target, changes={"is_active": [True, False]})
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_username, entry.action) == (actor, actor.username, "user.deactivate")
    assert (entry.target_type, entry.target_id, entry.target_repr) == ("horgos.user", str(target.pk), str(target))
    assert entry.changes == {"is_active": [True, False]}


@pytest.mark.django_db(transaction=True)
def test_audit_row_rolls_back_with_the_callers_transaction():
    actor, target = AdministratorFactory(), OfficerFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=actor, action="user.deactivate", target=target)
        raise RuntimeError("the change failed after the audit row was written")
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_is_refused():
    with pytest.raises(TransactionManagementError, match=AUDIT_OUTSIDE_TRANSACTION):
        audit_record(actor=None, action="user.create", target=OfficerFactory())
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    ["UPDATE horgos_auditentry SET action = 'tampered'", "DELETE FROM horgos_auditentry"],
)
def test_database_refuses_update_and_delete_of_audit_rows(statement):
    with transaction.atomic():
        audit_record(actor=None, action=AuditAction.VISIT_OVERSTAY, target=OfficerFactory())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.get().action == AuditAction.VISIT_OVERSTAY


@pytest.mark.django_db
def test_orm_update_and_delete_of_audit_rows_fail_too():
    with transaction.atomic():
        entry = audit_record(actor=None, action=AuditAction.VISIT_OVERSTAY, target=OfficerFactory())
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    assert AuditEntry.objects.filter(action=AuditAction.VISIT_OVERSTAY).count() == 1


def test_changes_between_lists_only_changed_fields():
    before = {"role": "officer", "is_active": True}
    after = {"role": "officer", "is_active": False}
    assert changes_between(before, after) == {"is_active": {"before": True, "after": False}}


@pytest.mark.django_db
def test_audit_log_is_read_only_in_the_admin(client):
    with transaction.atomic():
        entry = audit_record(actor=None, action=AuditAction.VISIT_OVERSTAY, target=OfficerFactory())
    client.force_login(AdministratorFactory())
    assert client.get("/admin/horgos/auditentry/").status_code == 200
    assert client.get(f"/admin/horgos/auditentry/{entry.pk}/change/").status_code == 200
    assert client.post(f"/admin/horgos/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/horgos/auditentry/add/").status_code == 403


@pytest.mark.django_db
def test_audit_changes_hold_plain_values_whatever_the_caller_passes():
    # given the values services hold: model field values, instances, files, lazy texts, choices and collections
    target = OfficerFactory()
    changes = {
        "origin_country": {"before": Country("KZ"), "after": Country("CN")},
        "price": Decimal("12.50"),
        "valid_until": date(2031, 5, 1),
        "at": datetime(2026, 5, 12, 2, 0, tzinfo=UTC),
        "officer": target,
        "photo": File(io.BytesIO(b""), name="listings/2026/05/boots.jpg"),
        "label": gettext_lazy("Passport"),
        "role": Role.OFFICER,
        "guardians": (3, 1),
        "codes": {"KZ"},
    }
    expected = {
        "origin_country": {"before": "KZ", "after": "CN"},
        "price": "12.50",
        "valid_until": "2031-05-01",
        "at": "2026-05-12T02:00:00Z",
        "officer": target.pk,
        "photo": "listings/2026/05/boots.jpg",
        "label": "Passport",
        "role": "officer",
        "guardians": [3, 1],
        "codes": ["KZ"],
    }
    # when they are recorded
    with transaction.atomic():
        entry = audit_record(actor=None, action=AuditAction.VISIT_OVERSTAY, target=target, changes=changes)
    # then the row holds plain JSON values, the same in memory as read back
    assert entry.changes == expected
    assert AuditEntry.objects.get().changes == expected
    assert type(entry.changes["role"]) is str


@pytest.mark.django_db
def test_audit_refuses_a_value_it_cannot_record_and_writes_nothing():
    with pytest.raises(TypeError, match="cannot be recorded in the audit log"), transaction.atomic():
        audit_record(actor=None, action=AuditAction.VISIT_OVERSTAY, target=OfficerFactory(), changes={"odd": object()})
    assert not AuditEntry.objects.exists()


def test_audit_refuses_an_action_that_is_not_an_audit_action(db):
    with pytest.raises(ValueError, match="is no AuditAction"), transaction.atomic():
        audit_record(actor=None, action="system.tick", target=OfficerFactory())
    assert not AuditEntry.objects.exists()


def test_every_audit_action_has_a_label_other_than_its_value():
    for action in AuditAction:
        assert str(action.label) != action.value


@pytest.mark.django_db
def test_audit_row_keeps_the_reason_given_for_the_action():
    actor, target = AdministratorFactory(), OfficerFactory()
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.USER_DEACTIVATE, target=target, reason="  Left the service ")
    assert AuditEntry.objects.get().reason == "Left the service"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_required_reason_must_say_something(reason):
    with pytest.raises(ValidationError) as refused:
        reason_required(reason)
    assert refused.value.message_dict == {"reason": [str(REASON_REQUIRED)]}
    assert reason_required(" Repairs ") == "Repairs"
