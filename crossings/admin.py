"""The Django admin of the crossings app. It never writes around the services: reference data that a service
changes is changed through it here (its role check, its rules, its audit row); what no service changes, and the
history (crossings, visits, alerts), is shown read-only."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from crossings.forms import CLOSURE_ENDS_LABEL, CLOSURE_STARTS_LABEL, ClosureAdminForm
from crossings.models import (
    AcceptedDocument,
    Alert,
    Checkpoint,
    Closure,
    Crossing,
    Lane,
    OfficerAssignment,
    OpeningHours,
    StayPolicy,
    TravelDocument,
    Traveller,
    Visit,
    WatchlistEntry,
)
from crossings.selectors.operations import watchlist_entry_label
from crossings.services import reference
from crossings.services.travellers import traveller_add_document
from crossings.services.watchlist import watchlist_add
from horgos.admin import ReadOnlyAdmin, ReadOnlyInline
from horgos.masking import mask_document_number
from horgos.tables import local_time


def changed_fields(form) -> dict:
    """The fields the administrator changed, with their new values: what an update service is given."""
    return {name: form.cleaned_data[name] for name in form.changed_data}


class ServiceAdmin(admin.ModelAdmin):
    """An admin whose `save_model` and `delete_model` call a service. A rule the service refuses after the form
    passed (e.g. a lane code that differs only in case) comes back as an error message on the same page; the
    admin's transaction is rolled back, so nothing is written and nothing is logged."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            return self._refused(request, error)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            return self._refused(request, error)

    def changelist_view(self, request, extra_context=None):
        try:  # the "delete selected" action
            return super().changelist_view(request, extra_context)
        except ValidationError as error:
            return self._refused(request, error)

    def _refused(self, request, error: ValidationError):
        self.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # all the selected rows, or none
            for obj in queryset:
                self.delete_model(request, obj)

    @staticmethod
    def took_over(obj, created) -> None:
        """Make the admin's unsaved `obj` the row the service wrote (the service may have normalised values)."""
        obj.pk = created.pk
        obj.refresh_from_db()


# --- Reference data, through the services ---------------------------------------------------------------


class LaneInline(ReadOnlyInline):
    model = Lane
    fields = ["code", "direction", "group", "is_open"]


class OpeningHoursInline(ReadOnlyInline):
    model = OpeningHours
    fields = ["weekday", "opens_at", "closes_at"]


class AcceptedDocumentInline(ReadOnlyInline):
    model = AcceptedDocument
    fields = ["document_type", "issuing_countries", "e_gate"]


@admin.register(Checkpoint)
class CheckpointAdmin(ServiceAdmin):
    """Names and time zone change through `checkpoint_update`; lanes, hours and documents have their own pages."""

    list_display = ["code", "name_en", "country", "time_zone"]
    fields = ["code", "country", "name_zh_hans", "name_kk", "name_ru", "name_en", "time_zone"]
    readonly_fields = ["code", "country"]
    inlines = [LaneInline, OpeningHoursInline, AcceptedDocumentInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if form.changed_data:
            reference.checkpoint_update(checkpoint=obj, acting_user=request.user, **changed_fields(form))


@admin.register(Lane)
class LaneAdmin(ServiceAdmin):
    """Lanes are added with `lane_create` and changed with `lane_update` (a lane keeps its checkpoint and code).
    A lane is opened and closed on the Lanes page, where closing asks for the reason the audit row keeps."""

    list_display = ["__str__", "direction", "group", "is_open"]
    list_filter = ["checkpoint", "direction", "group", "is_open"]

    def get_readonly_fields(self, request, obj=None):
        return ["checkpoint", "code", "is_open"] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # crossings name their lane; close it instead

    def save_model(self, request, obj, form, change):
        if change:
            if form.changed_data:
                reference.lane_update(lane=obj, acting_user=request.user, **changed_fields(form))
            return
        self.took_over(obj, reference.lane_create(acting_user=request.user, **form.cleaned_data))


@admin.register(OpeningHours)
class OpeningHoursAdmin(ServiceAdmin):
    """Hours are set with `opening_hours_set` (in the checkpoint's local time); deleting a day's row closes the
    checkpoint that day."""

    list_display = ["checkpoint", "weekday", "hours"]
    list_filter = ["checkpoint"]

    @admin.display(description=_("Hours"))
    def hours(self, obj: OpeningHours) -> str:
        return obj.span  # a closing at midnight as 24:00, not "midnight" or 12 a.m.

    def get_readonly_fields(self, request, obj=None):
        return ["checkpoint", "weekday"] if obj else []

    def save_model(self, request, obj, form, change):
        hours = reference.opening_hours_set(
            checkpoint=obj.checkpoint,
            weekday=obj.weekday,
            opens_at=obj.opens_at,
            closes_at=obj.closes_at,
            acting_user=request.user,
        )
        self.took_over(obj, hours)

    def delete_model(self, request, obj):
        reference.opening_hours_set(
            checkpoint=obj.checkpoint, weekday=obj.weekday, opens_at=None, closes_at=None, acting_user=request.user
        )


@admin.register(Closure)
class ClosureAdmin(ServiceAdmin):
    """Closures are added with `closure_add`, their times typed in the checkpoint's own zone. They are removed on
    the Opening hours page, which asks for the reason `closure_remove` needs; to change one, remove it there and
    add it again."""

    form = ClosureAdminForm
    list_display = ["checkpoint", "reason", "starts_local", "ends_local"]
    list_filter = ["checkpoint"]
    list_select_related = ["checkpoint"]
    date_hierarchy = "starts_at"

    def get_fields(self, request, obj=None):
        return ["checkpoint", "starts_local", "ends_local", "reason"] if obj else super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ["checkpoint", "starts_local", "ends_local", "reason"] if obj else []

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description=CLOSURE_STARTS_LABEL, ordering="starts_at")
    def starts_local(self, closure: Closure) -> str:
        return local_time(closure.starts_at, closure.checkpoint.zone)

    @admin.display(description=CLOSURE_ENDS_LABEL, ordering="ends_at")
    def ends_local(self, closure: Closure) -> str:
        return local_time(closure.ends_at, closure.checkpoint.zone)

    def save_model(self, request, obj, form, change):
        self.took_over(obj, reference.closure_add(acting_user=request.user, **form.cleaned_data))

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # removing needs a reason: the Opening hours page asks for it


@admin.register(StayPolicy)
class StayPolicyAdmin(ServiceAdmin):
    """Policies are effective-dated history: a new one is added with `stay_policy_add`, none is changed."""

    list_display = ["effective_from", "max_stay_days", "retention_years"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        self.took_over(obj, reference.stay_policy_add(acting_user=request.user, **form.cleaned_data))


@admin.register(OfficerAssignment)
class OfficerAssignmentAdmin(ServiceAdmin):
    """An officer is assigned, or moved to another checkpoint, with `officer_assign`."""

    list_display = ["officer", "checkpoint"]
    list_filter = ["checkpoint"]
    list_select_related = ["officer", "checkpoint"]

    def get_readonly_fields(self, request, obj=None):
        return ["officer"] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        assignment = reference.officer_assign(officer=obj.officer, checkpoint=obj.checkpoint, acting_user=request.user)
        self.took_over(obj, assignment)


# --- Travellers and the watchlist --------------------------------------------------------------------------


class WithoutAdminHistory:
    """Django's admin history (LogEntry) would keep the object's text, a person's names or a document number, for
    good; the service's audit row, which names the target by type and id, is the record of the change instead."""

    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None


class NewTravelDocumentInline(admin.TabularInline):
    """A new document for the traveller, added with `traveller_add_document`; only new rows are shown here."""

    model = TravelDocument
    extra = 0
    can_delete = False
    fields = ["document_type", "number", "issuing_country", "valid_until"]
    verbose_name = _("new document")
    verbose_name_plural = _("new documents")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Traveller)
class TravellerAdmin(WithoutAdminHistory, ServiceAdmin):
    """Travellers are registered at the desk or through the API; here they are looked up, and may get a new
    document."""

    list_display = ["__str__", "family_name_native", "given_names_native", "nationality", "birth_date"]
    list_filter = ["nationality"]
    # No search box: the admin's search travels in the URL (?q=), which access logs keep. Travellers are found by
    # number or by name on the search page (/crossings/travellers/), which posts its form.
    # Every field of the traveller, read-only: they are set when the traveller is registered.
    readonly_fields = [
        *(
            field.name
            for field in (*Traveller._meta.fields, *Traveller._meta.many_to_many)
            if field.editable and not field.primary_key
        ),
        "registered_documents",
    ]
    inlines = [NewTravelDocumentInline]

    @admin.display(description=_("documents"))
    def registered_documents(self, traveller: Traveller) -> str:
        """The registered documents, numbers masked: the full number is revealed (audited) on the traveller's page."""
        return format_html_join(
            mark_safe("<br>"),
            "{} {} <code>{}</code>, {}",
            (
                (document.get_document_type_display(), document.issuing_country.code,
                 mask_document_number(document.number), date_format(document.valid_until))
                for document in traveller.documents.order_by("-valid_until", "id")
            ),
        )  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        pass  # the traveller's own fields are read-only here

    def save_formset(self, request, form, formset, change):
        for document in formset.save(commit=False):
            added = traveller_add_document(
                traveller=form.instance,
                document_type=document.document_type,
                number=document.number,
                issuing_country=document.issuing_country.code,
                valid_until=document.valid_until,
                acting_user=request.user,
            )
            document.pk = added.pk


@admin.register(WatchlistEntry)
class WatchlistEntryAdmin(WithoutAdminHistory, ServiceAdmin):
    """Entries are added through the service (normalised, audited) and then only read here."""

    list_display = ["entry", "match", "reason", "active_from", "active_until", "added_by"]
    list_filter = ["match"]
    fields = [
        "match",
        "document_type",
        "document_issuing_country",
        "document_number",
        "family_name",
        "given_names",
        "birth_date",
        "reason",
        "active_from",
        "active_until",
    ]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("watchlist entry"))
    def entry(self, entry: WatchlistEntry) -> str:
        return watchlist_entry_label(entry)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A recorded entry is never changed here; its page shows the number masked, with an audited reveal.
        return redirect("crossings:operations-watchlist-entry", pk=object_id)

    def history_view(self, request, object_id, extra_context=None):
        return redirect("crossings:operations-watchlist-entry", pk=object_id)

    def save_model(self, request, obj, form, change):
        values = {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}
        self.took_over(obj, watchlist_add(acting_user=request.user, **values))


# --- What no service changes, and the history ---------------------------------------------------------------


@admin.register(AcceptedDocument)
class AcceptedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["checkpoint", "document_type", "issuing_countries", "e_gate"]
    list_filter = ["checkpoint", "document_type"]


@admin.register(Crossing)
class CrossingAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "lane", "direction", "traveller", "outcome", "refusal_reason", "kind"]
    list_filter = ["direction", "outcome", "refusal_reason", "kind", "lane__checkpoint"]
    date_hierarchy = "occurred_at"
    list_select_related = ["lane__checkpoint", "traveller"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["traveller", "checkpoint", "entered_at", "must_leave_by", "exited_at", "state"]
    list_filter = ["state", "checkpoint"]
    list_select_related = ["traveller", "checkpoint"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["raised_at", "watchlist_entry", "crossing", "acknowledged_by", "acknowledged_at"]
    list_select_related = ["watchlist_entry", "crossing__lane__checkpoint", "acknowledged_by"]
