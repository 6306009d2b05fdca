"""The security log and the sign-in lockouts, for superusers only.

The log is read-only: nobody adds, changes or deletes a row here. Lockouts are django-axes'
failed-attempt rows; lifting one deletes its rows (the account signs in again at once).
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin

from articles.models import SecurityEvent


class SuperusersOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(SecurityEvent)
class SecurityEventAdmin(SuperusersOnly, admin.ModelAdmin):
    list_display = ["created_at", "kind", "username", "ip_address", "target", "detail"]
    list_filter = ["kind", "created_at", ("user", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["username", "ip_address", "target", "detail"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    fields = ["created_at", "kind", "user", "username", "ip_address", "target", "detail"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AccessAttempt)
class LockoutAdmin(SuperusersOnly, AccessAttemptAdmin):
    """django-axes' failed sign-ins, one row per account, address and browser."""

    actions = ["lift_lockout"]
    # The stored form data is never needed to decide on a lockout; keep it out of sight.
    fieldsets = (
        (None, {"fields": ("username", "ip_address", "failures_since_start", "attempt_time")}),
        ("Browser", {"fields": ("user_agent", "path_info")}),
    )

    @admin.action(description="Lift the lockout (forget these failed sign-ins)")
    def lift_lockout(self, request, queryset):
        count, _ = queryset.delete()
        self.message_user(request, f"Lockout lifted: {count} failed-sign-in record(s) forgotten.")

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
