"""Every state change of the org app (people, mandates, bodies, organs, handling units)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renda.core.audit import audit_log
from renda.core.crypto import blind_index
from renda.core.models import Congress, Role, User
from renda.core.services import role_grant
from renda.org import roster
from renda.org.models import (
    Body,
    Constituency,
    Delegation,
    DeputyMandate,
    HandlingUnit,
    HandlingUnitContact,
    MandateStatus,
    Membership,
    Organ,
    Person,
    Term,
)
from renda.org.validators import normalise_id_number, validate_id_number, validate_phone

PERSON_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "party",
    "education",
    "occupation",
    "sector",
    "phone",
    "id_number",
)


def term_create(
    *,
    actor: User | None,
    congress: Congress,
    number: int,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> Term:
    with transaction.atomic():
        term = Term.objects.create(congress=congress, number=number, start_date=start_date, end_date=end_date)
        audit_log(actor=actor, action="term.create", congress=congress, obj=term, payload={"number": number})
    return term


def constituency_create(
    *, actor: User | None, term: Term, name: str, area: Congress | None = None, seats: int = 1
) -> Constituency:
    with transaction.atomic():
        row = Constituency.objects.create(
            congress=term.congress, term=term, name=name, area=area, seats=seats
        )
        audit_log(
            actor=actor, action="constituency.create", congress=term.congress, obj=row, payload={"name": name}
        )
    return row


def delegation_create(*, actor: User | None, term: Term, name: str, order: int = 0) -> Delegation:
    with transaction.atomic():
        row = Delegation.objects.create(congress=term.congress, term=term, name=name, order=order)
        audit_log(
            actor=actor, action="delegation.create", congress=term.congress, obj=row, payload={"name": name}
        )
    return row


def _clean_person(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if data.get("id_number"):
        data["id_number"] = normalise_id_number(data["id_number"])
        birth, gender = validate_id_number(data["id_number"])
        data.setdefault("birth_date", birth)
        if not data.get("birth_date"):
            data["birth_date"] = birth
        if data.get("gender") and data["gender"] != gender:
            raise ValidationError(_("The gender does not match the ID number."))
        data["gender"] = gender
        if data["birth_date"] != birth:
            raise ValidationError(_("The birth date does not match the ID number."))
    if data.get("phone"):
        data["phone"] = validate_phone(data["phone"])
    if not data.get("name", "").strip():
        raise ValidationError(_("The name is required."))
    return data


def person_create(*, actor: User | None, congress: Congress, **fields: Any) -> Person:
    data = _clean_person(fields)
    digest = blind_index(data["id_number"]) if data.get("id_number") else ""
    if digest and Person.objects.filter(congress=congress, id_number_digest=digest).exists():
        raise ValidationError(_("A person with this ID number is already registered."))
    with transaction.atomic():
        person = Person(congress=congress, id_number_digest=digest, **data)
        person.full_clean(exclude=["photo", "user", "id_number_digest"])
        person.save()
        audit_log(
            actor=actor, action="person.create", congress=congress, obj=person, payload={"name": person.name}
        )
    return person


def person_update(*, actor: User | None, person: Person, **fields: Any) -> Person:
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        merged = {f: getattr(person, f) for f in PERSON_FIELDS} | fields
        data = _clean_person(merged)
        changed = sorted(f for f in PERSON_FIELDS if getattr(person, f) != data.get(f))
        for key, value in data.items():
            setattr(person, key, value)
        person.id_number_digest = blind_index(person.id_number) if person.id_number else ""
        person.full_clean(exclude=["photo", "user", "id_number_digest"])
        person.save()
        # Sensitive values never go into the audit payload: only which fields changed.
        audit_log(
            actor=actor,
            action="person.update",
            congress=person.congress,
            obj=person,
            payload={"changed": changed},
        )
    return person


def person_link_user(*, actor: User | None, person: Person, user: User) -> Person:
    with transaction.atomic():
        person.user = user
        person.save(update_fields=["user"])
        audit_log(
            actor=actor,
            action="person.link_user",
            congress=person.congress,
            obj=person,
            payload={"user": user.pk},
        )
    return person


def mandate_create(
    *,
    actor: User | None,
    person: Person,
    term: Term,
    start_date: dt.date | None = None,
    constituency: Constituency | None = None,
    delegation: Delegation | None = None,
) -> DeputyMandate:
    if DeputyMandate.objects.filter(term=term, person=person).exists():
        raise ValidationError(_("%(name)s already holds a mandate in this term.") % {"name": person.name})
    with transaction.atomic():
        mandate = DeputyMandate.objects.create(
            congress=term.congress,
            term=term,
            person=person,
            constituency=constituency,
            delegation=delegation,
            start_date=start_date or term.start_date,
        )
        audit_log(
            actor=actor,
            action="mandate.create",
            congress=term.congress,
            obj=mandate,
            payload={"person": person.pk, "term": term.pk},
        )
        if person.user_id:
            role_grant(actor=actor, user=person.user, role=Role.DEPUTY, congress=term.congress)  # type: ignore[arg-type]
    return mandate


def mandate_end(
    *, actor: User | None, mandate: DeputyMandate, end_date: dt.date, reason: str
) -> DeputyMandate:
    with transaction.atomic():
        mandate = DeputyMandate.objects.select_for_update().get(pk=mandate.pk)
        if mandate.status == MandateStatus.ENDED:
            raise ValidationError(_("This mandate has already ended."))
        if end_date < mandate.start_date:
            raise ValidationError(_("The end date cannot be before the start date."))
        mandate.status, mandate.end_date, mandate.end_reason = MandateStatus.ENDED, end_date, reason
        mandate.full_clean()
        mandate.save()
        audit_log(
            actor=actor,
            action="mandate.end",
            congress=mandate.congress,
            obj=mandate,
            payload={"end_date": end_date, "reason": reason},
        )
    return mandate


def body_create(
    *,
    actor: User | None,
    congress: Congress,
    kind: str,
    name: str,
    term: Term | None = None,
    parent: Body | None = None,
    address: str = "",
    order: int = 0,
) -> Body:
    with transaction.atomic():
        body = Body.objects.create(
            congress=congress, kind=kind, name=name, term=term, parent=parent, address=address, order=order
        )
        audit_log(
            actor=actor,
            action="body.create",
            congress=congress,
            obj=body,
            payload={"kind": kind, "name": name},
        )
    return body


def membership_add(
    *,
    actor: User | None,
    body: Body,
    person: Person,
    role: str,
    start_date: dt.date,
    full_time: bool = False,
    end_date: dt.date | None = None,
) -> Membership:
    with transaction.atomic():
        row = Membership(
            congress=body.congress,
            body=body,
            person=person,
            role=role,
            full_time=full_time,
            start_date=start_date,
            end_date=end_date,
        )
        row.full_clean()
        row.save()
        audit_log(
            actor=actor,
            action="membership.add",
            congress=body.congress,
            obj=row,
            payload={"body": body.pk, "person": person.pk, "role": role},
        )
    return row


def membership_end(*, actor: User | None, membership: Membership, end_date: dt.date) -> Membership:
    with transaction.atomic():
        row = Membership.objects.select_for_update().get(pk=membership.pk)
        if row.end_date is not None:
            raise ValidationError(_("This membership has already ended."))
        row.end_date = end_date
        row.full_clean()
        row.save(update_fields=["end_date"])
        audit_log(
            actor=actor,
            action="membership.end",
            congress=row.congress,
            obj=row,
            payload={"end_date": end_date},
        )
    return row


def organ_create(
    *,
    actor: User | None,
    congress: Congress,
    kind: str,
    name: str,
    short_name: str = "",
    parent: Organ | None = None,
) -> Organ:
    with transaction.atomic():
        organ = Organ.objects.create(
            congress=congress, kind=kind, name=name, short_name=short_name, parent=parent
        )
        audit_log(actor=actor, action="organ.create", congress=congress, obj=organ, payload={"name": name})
    return organ


def handling_unit_create(*, actor: User | None, organ: Organ, code: str = "") -> HandlingUnit:
    with transaction.atomic():
        unit = HandlingUnit.objects.create(congress=organ.congress, organ=organ, code=code)
        audit_log(
            actor=actor,
            action="handling_unit.create",
            congress=organ.congress,
            obj=unit,
            payload={"organ": organ.pk},
        )
    return unit


def unit_contact_add(
    *, actor: User | None, unit: HandlingUnit, user: User, title: str = "", is_primary: bool = False
) -> HandlingUnitContact:
    with transaction.atomic():
        row, _created = HandlingUnitContact.objects.get_or_create(
            unit=unit, user=user, defaults={"title": title, "is_primary": is_primary}
        )
        role_grant(actor=actor, user=user, role=Role.UNIT_CLERK, congress=unit.congress)
        audit_log(
            actor=actor,
            action="handling_unit.contact_add",
            congress=unit.congress,
            obj=unit,
            payload={"user": user.pk},
        )
    return row


@dataclass(frozen=True)
class RosterImportResult:
    created: int  # new people with a new mandate
    added: int  # people already registered in the congress, given a mandate in this term
    unchanged: int  # rows identical to a mandate already held in this term


def roster_import(*, actor: User | None, term: Term, file: IO[bytes] | bytes) -> RosterImportResult:
    """Imports a deputy roster (代表名册) into ``term``. All or nothing: any bad row raises a
    ValidationError listing every bad row with its Excel row number, and nothing is written.
    Re-importing the same file changes nothing. One audit event for the whole import."""
    data = file if isinstance(file, bytes) else file.read()
    with transaction.atomic():
        # Serialises imports into the same term, so two uploads cannot both create a person.
        term = Term.objects.select_for_update().select_related("congress").get(pk=term.pk)
        plan = roster.plan_import(term=term, file=data)
        if plan.errors:
            raise ValidationError(plan.errors)
        new_people = [
            Person(congress=term.congress, id_number_digest=row.digest, **row.person_fields())
            for row in plan.rows if row.action == "create"
        ]  # fmt: skip
        Person.objects.bulk_create(new_people)
        created_iter = iter(new_people)
        mandates = []
        for row in plan.rows:
            if row.action == "unchanged":
                continue
            person = next(created_iter) if row.action == "create" else row.person
            mandates.append(DeputyMandate(
                congress=term.congress, term=term, person=person, constituency=row.constituency,
                delegation=row.delegation, start_date=term.start_date,
            ))  # fmt: skip
        DeputyMandate.objects.bulk_create(mandates)
        for mandate in mandates:
            user = mandate.person.user
            if user is not None:
                role_grant(actor=actor, user=user, role=Role.DEPUTY, congress=term.congress)
        result = RosterImportResult(plan.count("create"), plan.count("add"), plan.count("unchanged"))
        # Counts and a digest of the file only: the payload never holds names' ID or phone numbers.
        audit_log(actor=actor, action="roster.import", congress=term.congress, obj=term, payload={
            "rows": len(plan.rows), "created": result.created, "added": result.added,
            "unchanged": result.unchanged, "file_sm3": hashlib.new("sm3", data).hexdigest(),
        })  # fmt: skip
    return result
