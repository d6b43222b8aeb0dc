from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from renda.core.models import AuditEvent, CalendarDay, Congress, CongressSetting, Notification, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class RendaUserAdmin(UserAdmin):
    inlines = [RoleGrantInline]
    list_display = ("username", "display_name", "is_active", "last_login")
    fieldsets = (*UserAdmin.fieldsets, ("Renda", {"fields": ("display_name",)}))  # type: ignore[misc]


@admin.register(Congress)
class CongressAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "division_code")
    list_filter = ("kind",)
    search_fields = ("name",)
    readonly_fields = ("path",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "occurred_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


admin.site.register(CalendarDay)
admin.site.register(CongressSetting)
admin.site.register(Notification)
admin.site.site_header = "人大信息平台 · 系统管理"
