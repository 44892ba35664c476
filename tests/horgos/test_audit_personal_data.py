"""The append-only audit log keeps no personal data: targets that name a person by type and id, no names, birth
dates or document numbers in `changes`, and the rows written before rewritten once by migration 0006."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.template import Context, Template
from django.utils import translation

from crossings.choices import WatchlistMatch
from crossings.services.documents import document_reveal
from crossings.services.travellers import traveller_register
from crossings.services.watchlist import watchlist_add
from horgos.audit import AUDIT_PERSONAL_DATA, PERSON_MODELS, audit_record, audit_target_repr, names_a_person
from horgos.choices import AuditAction
from horgos.models import AuditEntry
from tests.crossings.factories import DocumentFactory
from tests.factories import AdministratorFactory, OfficerFactory

pytestmark = pytest.mark.django_db

redaction = importlib.import_module("horgos.migrations.0006_audit_targets_by_type_and_id")


def test_a_registered_traveller_is_audited_by_type_and_id_only():
    # When an officer registers a traveller with a document
    officer = OfficerFactory()
    traveller = traveller_register(family_name="Nurlanov", given_names="Daniyar", nationality="KZ",
                                   birth_date=date(1990, 4, 2), sex="M", document_type="passport",
                                   document_number="N7654321", document_issuing_country="KZ",
                                   document_valid_until=date(2031, 1, 1), acting_user=officer)  # fmt: skip
    # Then every audit row names the traveller "Traveller #id", and keeps no name, birth date or number
    rows = AuditEntry.objects.filter(target_type="crossings.traveller", target_id=str(traveller.pk))
    assert {row.target_repr for row in rows} == {f"Traveller #{traveller.pk}"}
    for row in AuditEntry.objects.all():
        text = f"{row.target_repr} {row.changes}"
        assert not [value for value in ("NURLANOV", "Nurlanov", "Daniyar", "1990-04-02", "7654321") if value in text]


def test_a_watchlist_entry_by_document_is_audited_without_its_number():
    entry = watchlist_add(match=WatchlistMatch.DOCUMENT, document_type="passport", document_issuing_country="KZ",
                          document_number="N7654321", reason="Stolen", acting_user=AdministratorFactory())  # fmt: skip
    row = AuditEntry.objects.get(action=AuditAction.WATCHLIST_ADD)
    assert row.target_repr == f"Watchlist entry #{entry.pk}"
    assert "7654321" not in f"{row.target_repr} {row.changes}"


def test_the_stored_name_is_english_whatever_the_actors_language():
    document = DocumentFactory()
    with translation.override("ru"):
        document_reveal(document=document, acting_user=OfficerFactory())
    assert AuditEntry.objects.get().target_repr == f"Traveller #{document.traveller_id}"


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"birth_date": "1990-04-02"}, "changes.birth_date"),
        ({"document": {"number": {"before": "A1", "after": "B2"}}}, "changes.document.number"),
    ],
)
def test_audit_record_refuses_personal_fields_in_changes_at_any_depth(changes, path):
    target = DocumentFactory().traveller
    with pytest.raises(ValueError) as refused, transaction.atomic():
        audit_record(actor=None, action=AuditAction.TRAVELLER_REGISTER, target=target, changes=changes)
    assert str(refused.value) == AUDIT_PERSONAL_DATA % {"path": path}
    assert not AuditEntry.objects.exists()


def test_every_model_that_refers_to_a_person_is_named_by_id():
    # A model with a foreign key to a traveller, a document or a watchlist entry (directly or through a crossing,
    # a visit, a sale) names a person in its text: the rule finds it without a list to keep up to date.
    chosen = {model._meta.label_lower for model in apps.get_models() if names_a_person(model)}
    assert PERSON_MODELS | {"crossings.crossing", "crossings.visit", "crossings.alert", "trade.sale"} <= chosen
    assert not chosen & {"horgos.user", "crossings.lane", "crossings.checkpoint", "merchants.merchant"}
    # And migration 0006 rewrote the older rows of these types (a model added since has no older rows) with the
    # names that new rows get
    assert set(redaction.TARGETS_NAMED_BY_ID) <= chosen
    for target_type, name in redaction.TARGETS_NAMED_BY_ID.items():
        assert audit_target_repr(apps.get_model(target_type)(pk=7)) == f"{name} #7"


# --- the pages ---------------------------------------------------------------------------------------------


def test_pages_show_the_target_type_translated_with_its_id_and_a_link():
    document = DocumentFactory()
    with transaction.atomic():
        audit_record(actor=None, action=AuditAction.DOCUMENT_REVEAL, target=document.traveller)
    entry = AuditEntry.objects.get()
    template = Template("{% load audit_log %}{{ entry|audit_target }}")
    html = template.render(Context({"entry": entry}))
    assert html == f'<a href="/crossings/travellers/{document.traveller_id}/">Traveller #{document.traveller_id}</a>'
    with translation.override("ru"):
        assert f"#{document.traveller_id}</a>" in template.render(Context({"entry": entry}))
        assert "Traveller" not in template.render(Context({"entry": entry}))


def test_the_administrators_home_lists_recent_activity_by_type_and_id(signed_in):
    administrator = AdministratorFactory()
    document = DocumentFactory(number="N7654321")
    document_reveal(document=document, acting_user=administrator)
    html = signed_in(administrator).get("/home/").content.decode()
    assert f"Traveller #{document.traveller_id}" in html
    assert str(document.traveller) not in html


# --- migration 0006: the rows written before ---------------------------------------------------------------


def test_migration_rewrites_old_rows_and_leaves_the_log_append_only():
    # Given rows as the application wrote them before: the target's text, and a personal value in changes
    traveller = DocumentFactory().traveller
    old = AuditEntry.objects.create(action=AuditAction.TRAVELLER_REGISTER, target_type="crossings.traveller",
                                    target_id=str(traveller.pk), target_repr="NURLANOV Daniyar",
                                    changes={"number": "N7654321", "family_name": {"before": "", "after": "Nurlanov"},
                                             "nationality": "KZ"})  # fmt: skip
    lane = AuditEntry.objects.create(
        action=AuditAction.LANE_UPDATE,
        target_type="crossings.lane",
        target_id="3",
        target_repr="CN E-F01",
        changes={"is_open": {"before": True, "after": False}},
    )
    # When the migration runs
    with connection.schema_editor() as editor:
        redaction.redact(apps, editor)
    # Then the traveller's row names them by type and id, and keeps only masked values
    old.refresh_from_db()
    assert old.target_repr == f"Traveller #{traveller.pk}"
    assert old.changes == {"number": "••••4321", "family_name": {"before": "", "after": "••••"}, "nationality": "KZ"}
    # And other rows are untouched
    lane.refresh_from_db()
    assert (lane.target_repr, lane.changes) == ("CN E-F01", {"is_open": {"before": True, "after": False}})
    # And the database refuses changes to audit rows again
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=old.pk).update(target_repr="rewritten")
