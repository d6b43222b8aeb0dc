"""Django admin for system administrators: users and their role grants, the working-day calendar,
rule settings. Every change goes through the services, so it is audited like any other."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from renda.core import services
from renda.core.models import (
    ApiToken,
    AuditEvent,
    CalendarDay,
    Congress,
    CongressSetting,
    Notification,
    RoleGrant,
    User,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 1
    fields = ("role", "congress", "granted_at")
    readonly_fields = ("granted_at",)
    autocomplete_fields = ("congress",)


@admin.register(User)
class RendaUserAdmin(UserAdmin):
    inlines = [RoleGrantInline]
    list_display = ("username", "display_name", "roles", "is_active", "last_login")
    list_filter = ("is_active", "is_superuser", "role_grants__role")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    actions = ["unlock"]

    @admin.display(description=_("roles"))
    def roles(self, obj: User) -> str:
        return "、".join(
            f"{g.get_role_display()}（{g.congress.short_name or g.congress.name}）"
            for g in obj.role_grants.select_related("congress")
        )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        fields = [
            f for f in form.changed_data if f not in ("password", "password1", "password2", "usable_password")
        ]
        services.user_admin_save(actor=request.user, user=obj, created=not change, changed=fields)  # type: ignore[arg-type]

    def save_formset(self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool) -> None:
        if formset.model is not RoleGrant:
            super().save_formset(request, form, formset, change)
            return
        instances = formset.save(commit=False)
        actor: User = request.user  # type: ignore[assignment]
        for grant in formset.deleted_objects:
            services.role_revoke(actor=actor, user=grant.user, role=grant.role, congress=grant.congress)
        for grant, _fields in formset.changed_objects:
            old = RoleGrant.objects.get(pk=grant.pk)
            services.role_revoke(actor=actor, user=old.user, role=old.role, congress=old.congress)
            services.role_grant(actor=actor, user=grant.user, role=grant.role, congress=grant.congress)
        for grant in formset.new_objects:
            services.role_grant(actor=actor, user=form.instance, role=grant.role, congress=grant.congress)
        del instances

    @admin.action(description=_("Unlock after failed log-ins"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.user_unlock(actor=request.user, user=user)  # type: ignore[arg-type]
        messages.success(request, _("The selected accounts can log in again."))


@admin.register(Congress)
class CongressAdmin(ReadOnlyAdmin):
    """Congresses are created by the services (demo, set-up); here they are only looked up."""

    list_display = ("name", "kind", "parent", "division_code")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "occurred_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("action", "actor_label", "object_id")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("name",)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        services.calendar_day_set(actor=request.user, date=obj.date, is_workday=obj.is_workday, name=obj.name)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        services.calendar_day_delete(actor=request.user, date=obj.date)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for day in queryset:
            self.delete_model(request, day)


@admin.register(CongressSetting)
class CongressSettingAdmin(ReadOnlyAdmin):
    """Changed on the rule settings page (validated there); listed here for reference."""

    list_display = ("congress", "key", "value", "changed_by", "changed_at")
    list_filter = ("key",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "title", "kind", "created_at", "read_at")
    list_filter = ("kind",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    actions = ["revoke"]

    @admin.action(description=_("Revoke"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked=False):
            services.api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]


admin.site.site_header = _("Renda congress platform · system administration")
admin.site.site_title = _("Renda congress platform")
admin.site.index_title = _("System administration")
