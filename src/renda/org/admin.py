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


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "gender", "congress", "party")
    search_fields = ("name",)
    list_filter = ("congress", "gender")
    exclude = ("id_number_digest",)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "congress", "term")
    list_filter = ("kind", "congress")
    inlines = [MembershipInline]


class ContactInline(admin.TabularInline):
    model = HandlingUnitContact
    extra = 0


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ("organ", "code", "congress")
    inlines = [ContactInline]


for model in (Term, Constituency, Delegation, DeputyMandate, Organ):
    admin.site.register(model)
