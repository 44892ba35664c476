"""Reference data is edited here; history (crossings, visits, alerts) is shown read-only."""

from django.contrib import admin

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
from crossings.services.watchlist import watchlist_add
from horgos.admin import ReadOnlyAdmin


class LaneInline(admin.TabularInline):
    model = Lane
    extra = 0


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class AcceptedDocumentInline(admin.TabularInline):
    model = AcceptedDocument
    extra = 0


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "country", "time_zone"]
    inlines = [LaneInline, OpeningHoursInline, AcceptedDocumentInline]


@admin.register(Lane)
class LaneAdmin(admin.ModelAdmin):
    list_display = ["__str__", "direction", "group", "is_open"]
    list_filter = ["checkpoint", "direction", "group", "is_open"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["checkpoint", "reason", "starts_at", "ends_at"]
    list_filter = ["checkpoint"]
    date_hierarchy = "starts_at"


@admin.register(StayPolicy)
class StayPolicyAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "max_stay_days", "retention_years"]


@admin.register(OfficerAssignment)
class OfficerAssignmentAdmin(admin.ModelAdmin):
    list_display = ["officer", "checkpoint"]
    list_filter = ["checkpoint"]


class TravelDocumentInline(admin.TabularInline):
    model = TravelDocument
    extra = 0
    fields = ["document_type", "number", "issuing_country", "valid_until"]


@admin.register(Traveller)
class TravellerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "family_name_native", "given_names_native", "nationality", "birth_date"]
    list_filter = ["nationality"]
    search_fields = ["family_name", "given_names", "family_name_native", "documents__number_normalised"]
    filter_horizontal = ["guardians"]
    inlines = [TravelDocumentInline]


@admin.register(WatchlistEntry)
class WatchlistEntryAdmin(admin.ModelAdmin):
    """Entries are added through the service (normalised, audited) and then only read here."""

    list_display = ["__str__", "match", "reason", "active_from", "active_until", "added_by"]
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

    def save_model(self, request, obj, form, change):
        values = {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}
        obj.pk = watchlist_add(acting_user=request.user, **values).pk


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


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ["checkpoint", "weekday", "opens_at", "closes_at"]
    list_filter = ["checkpoint"]


@admin.register(AcceptedDocument)
class AcceptedDocumentAdmin(admin.ModelAdmin):
    list_display = ["checkpoint", "document_type", "issuing_countries", "e_gate"]
    list_filter = ["checkpoint", "document_type"]
