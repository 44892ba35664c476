from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from horgos.models import AuditEntry, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse and search only: what it shows changes through the services, which check the rules and write the
    audit row, never by hand here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline of rows that change through the services only."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class HorgosUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    fieldsets = [
        *UserAdmin.fieldsets[:1],
        (_("Role"), {"fields": ["role"]}),
        *UserAdmin.fieldsets[1:],
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "role", "password1", "password2"]})]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: audit rows are never changed or deleted (the database refuses it too)."""

    list_display = ["occurred_at", "actor_username", "action", "target_type", "target_repr", "reason"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_username", "action", "target_repr", "target_id", "reason"]
    date_hierarchy = "occurred_at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
