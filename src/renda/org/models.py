"""Terms, constituencies, delegations, people, deputies' mandates, bodies and memberships, the
supervised organs and the handling units. Every row carries its congress (the tenant)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renda.core.crypto import EncryptedTextField
from renda.core.models import Congress


class Term(models.Model):
    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.PROTECT, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(_("term number"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["congress", "-number"]
        constraints = [models.UniqueConstraint(fields=["congress", "number"], name="term_unique_number")]

    def __str__(self) -> str:
        return f"{self.congress.name}第{self.number}届"

    @property
    def label(self) -> str:
        return f"第{self.number}届"

    def is_current_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class Constituency(models.Model):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    term = models.ForeignKey(
        Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="constituencies"
    )
    name = models.CharField(_("name"), max_length=100)
    # Where the constituency lies (a township for county deputies elected directly).
    area = models.ForeignKey(
        Congress, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)

    class Meta:
        verbose_name = _("constituency")
        verbose_name_plural = _("constituencies")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["term", "name"], name="constituency_unique_name")]

    def __str__(self) -> str:
        return self.name


class Delegation(models.Model):
    """代表团 / 代表小组: deputies grouped by township or sector for a session."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    term = models.ForeignKey(
        Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="delegations"
    )
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["term", "name"], name="delegation_unique_name")]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Sector(models.TextChoices):
    """代表构成类别 as used in composition statistics."""

    CADRE = "cadre", _("Party and government cadres")
    WORKER = "worker", _("Workers")
    FARMER = "farmer", _("Farmers")
    PROFESSIONAL = "professional", _("Professionals and technicians")
    ENTERPRISE = "enterprise", _("Enterprise managers")
    MILITARY = "military", _("Military")
    OTHER = "other", _("Others")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    UNDERGRADUATE = "undergraduate", _("Undergraduate")
    COLLEGE = "college", _("Junior college")
    SECONDARY = "secondary", _("Senior secondary")
    BELOW = "below", _("Junior secondary and below")


class Person(models.Model):
    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    party = models.CharField(_("party affiliation"), max_length=30, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    occupation = models.CharField(_("occupation and post"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    photo = models.ImageField(_("photo"), upload_to="photos/", blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    # HMAC-SM3 of the ID number: finds the same person without decrypting (see core.crypto).
    id_number_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "id_number_digest"],
                condition=~Q(id_number_digest=""),
                name="person_unique_id_number",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class MandateStatus(models.TextChoices):
    ACTIVE = "active", _("serving")
    SUSPENDED = "suspended", _("suspended")
    ENDED = "ended", pgettext_lazy("mandate status", "ended")


class MandateEndReason(models.TextChoices):
    TERM_END = "term_end", _("end of term")
    RESIGNED = "resigned", _("resigned")
    RECALLED = "recalled", _("recalled")
    MOVED = "moved", _("moved away")
    DECEASED = "deceased", _("deceased")
    OTHER = "other", _("other termination of mandate")


class DeputyMandate(models.Model):
    """A person's mandate as deputy to one congress for one term (代表资格)."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.PROTECT, related_name="mandates"
    )
    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="mandates")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="mandates"
    )
    constituency = models.ForeignKey(
        Constituency, verbose_name=_("constituency"), null=True, blank=True, on_delete=models.PROTECT
    )
    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("delegation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mandates",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MandateStatus.choices, default=MandateStatus.ACTIVE
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=20, choices=MandateEndReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("deputy mandate")
        verbose_name_plural = _("deputy mandates")
        ordering = ["person__name"]
        constraints = [
            models.UniqueConstraint(fields=["term", "person"], name="mandate_unique_person_term"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="mandate_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | (Q(end_date__isnull=False) & ~Q(end_reason="")),
                name="mandate_ended_has_date_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.term}代表）"

    def is_active_on(self, day: dt.date) -> bool:
        return (
            self.status != MandateStatus.SUSPENDED
            and self.start_date <= day
            and (self.end_date is None or day <= self.end_date)
        )


class BodyKind(models.TextChoices):
    STANDING_COMMITTEE = "standing_committee", _("standing committee")
    COUNCIL_OF_CHAIRPERSONS = "council_of_chairpersons", _("council of chairpersons")
    SPECIAL_COMMITTEE = "special_committee", _("special committee")
    WORKING_BODY = "working_body", _("working body")
    PRESIDIUM = "presidium", _("presidium")
    SUBDISTRICT_WORKING_COMMITTEE = "subdistrict_working_committee", _("sub-district working committee")
    DELEGATION = "delegation", _("delegation")
    LIAISON_STATION = "liaison_station", _("liaison station")


class Body(models.Model):
    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.PROTECT, related_name="bodies"
    )
    term = models.ForeignKey(
        Term, verbose_name=_("term"), null=True, blank=True, on_delete=models.PROTECT, related_name="bodies"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=BodyKind.choices)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["congress", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["congress", "term", "name"], name="body_unique_name")]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("chair")
    VICE_CHAIR = "vice_chair", _("vice chair")
    SECRETARY_GENERAL = "secretary_general", _("secretary-general")
    MEMBER = "member", _("member")
    DIRECTOR = "director", _("director")
    DEPUTY_DIRECTOR = "deputy_director", _("deputy director")
    STAFF = "staff", _("staff")


class Membership(models.Model):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(
        pgettext_lazy("body membership", "role"),
        max_length=20,
        choices=MemberRole.choices,
        default=MemberRole.MEMBER,
    )
    full_time = models.BooleanField(_("full-time"), default=False)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["body", "role", "person__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.body.name} · {self.get_role_display()}"

    def is_active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class OrganKind(models.TextChoices):
    GOVERNMENT = "government", _("people's government")
    DEPARTMENT = "department", _("government department")
    SUPERVISORY_COMMISSION = "supervisory_commission", _("supervisory commission")
    COURT = "court", _("people's court")
    PROCURATORATE = "procuratorate", _("people's procuratorate")
    PARTY_COMMITTEE = "party_committee", _("party committee")
    OTHER = "other", _("other unit")


class Organ(models.Model):
    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.PROTECT, related_name="organs"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=OrganKind.choices)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = _("organs")
        ordering = ["congress", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="organ_unique_name")]

    def __str__(self) -> str:
        return self.name


class HandlingUnit(models.Model):
    """承办单位: an organ that answers deputies' suggestions, with its contact users (clerks)."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), on_delete=models.PROTECT, related_name="handling_units"
    )
    organ = models.OneToOneField(
        Organ, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="handling_unit"
    )
    code = models.CharField(_("code"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    contacts: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="HandlingUnitContact",
        related_name="handling_units",
        verbose_name=_("contacts"),
    )

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["organ__name"]

    def __str__(self) -> str:
        return self.organ.name

    @property
    def name(self) -> str:
        return self.organ.name


class HandlingUnitContact(models.Model):
    unit = models.ForeignKey(HandlingUnit, on_delete=models.CASCADE, related_name="contact_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_contacts")
    title = models.CharField(_("post"), max_length=60, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "user"], name="unitcontact_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.user}"
