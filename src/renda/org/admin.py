"""Django admin for the org app (system administrators only). Phone and ID numbers are never list
columns or search fields: they are encrypted, and lists must not expose them."""

from django.contrib import admin

from renda.org.models import (
    Body,
    Constituency,
    Delegation,
    DeputyMandate,
    HandlingUnit,
    HandlingUnitContact,
    Membership,
    Organ,
    Person,
    Term,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("person",)
    fields = ("person", "role", "full_time", "start_date", "end_date")


class MandateInline(admin.TabularInline):
    model = DeputyMandate
    extra = 0
    fields = ("term", "constituency", "delegation", "status", "start_date", "end_date", "end_reason")
    show_change_link = True


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("__str__", "congress", "number", "start_date", "end_date")
    list_filter = ("congress",)
    search_fields = ("congress__name",)


@admin.register(Constituency)
class ConstituencyAdmin(admin.ModelAdmin):
    list_display = ("name", "term", "area", "seats")
    list_filter = ("congress", "term")
    search_fields = ("name",)


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ("name", "term", "order")
    list_filter = ("congress", "term")
    search_fields = ("name",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "gender", "ethnicity", "birth_date", "party", "education", "sector", "congress")
    search_fields = ("name", "occupation")
    list_filter = ("congress", "gender", "education", "sector")
    exclude = ("id_number_digest",)
    raw_id_fields = ("user",)
    inlines = [MandateInline]


@admin.register(DeputyMandate)
class DeputyMandateAdmin(admin.ModelAdmin):
    list_display = (
        "person",
        "congress",
        "term",
        "constituency",
        "delegation",
        "status",
        "start_date",
        "end_date",
    )
    list_filter = ("congress", "term", "status", "end_reason")
    search_fields = ("person__name",)
    autocomplete_fields = ("person",)
    list_select_related = ("person", "congress", "term", "constituency", "delegation")


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "congress", "term")
    list_filter = ("kind", "congress")
    search_fields = ("name",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("person", "body", "role", "full_time", "start_date", "end_date")
    list_filter = ("role", "full_time", "body__kind", "congress")
    search_fields = ("person__name", "body__name")
    autocomplete_fields = ("person",)


@admin.register(Organ)
class OrganAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "congress")
    list_filter = ("kind", "congress")
    search_fields = ("name", "short_name")


class ContactInline(admin.TabularInline):
    model = HandlingUnitContact
    extra = 0
    raw_id_fields = ("user",)


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ("organ", "code", "is_active", "congress")
    list_filter = ("is_active", "congress")
    search_fields = ("organ__name", "code")
    inlines = [ContactInline]
