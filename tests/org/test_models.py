"""Database invariants of the org app, checked against the database itself (not only full_clean)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from renda.core.crypto import blind_index, decrypt
from renda.org import services
from renda.org.models import DeputyMandate, MandateStatus, Membership, Person
from tests.factories.world import make_id_number, make_person

pytestmark = pytest.mark.django_db


def _integrity(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_mandate_end_after_start(world):
    m = world.deputies[0]
    _integrity(
        lambda: DeputyMandate.objects.filter(pk=m.pk).update(end_date=m.start_date - dt.timedelta(days=1))
    )


def test_ended_mandate_has_date_and_reason(world):
    m = world.deputies[0]
    _integrity(lambda: DeputyMandate.objects.filter(pk=m.pk).update(status=MandateStatus.ENDED))
    _integrity(
        lambda: DeputyMandate.objects.filter(pk=m.pk).update(
            status=MandateStatus.ENDED, end_date=dt.date(2024, 1, 1)
        )
    )


def test_unique_person_per_term(world):
    m = world.deputies[0]
    _integrity(
        lambda: DeputyMandate.objects.create(
            congress=m.congress, term=m.term, person=m.person, start_date=m.start_date
        )
    )
    with pytest.raises(ValidationError):
        services.mandate_create(actor=None, person=m.person, term=m.term)


def test_unique_id_number_per_congress_but_not_across_congresses(world):
    person = world.deputies[0].person
    _integrity(
        lambda: Person.objects.create(
            congress=world.county, name="重复", gender="male", id_number_digest=person.id_number_digest
        )
    )
    with pytest.raises(ValidationError):
        services.person_create(actor=None, congress=world.county, name="重复", id_number=person.id_number)
    # The same person may be registered in a township congress too (deputy at two levels).
    services.person_create(actor=None, congress=world.township, name=person.name, id_number=person.id_number)


def test_membership_end_after_start(world):
    row = Membership.objects.first()
    _integrity(
        lambda: Membership.objects.filter(pk=row.pk).update(end_date=row.start_date - dt.timedelta(days=1))
    )


def test_sensitive_fields_are_encrypted_at_rest(world):
    person = make_person(world.county, "密文")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number, id_number_digest FROM org_person WHERE id = %s", [person.pk])
        phone_raw, id_raw, digest = cursor.fetchone()
    assert person.phone not in phone_raw and person.id_number not in id_raw
    assert phone_raw != person.phone and decrypt(id_raw) == person.id_number
    assert digest == blind_index(person.id_number)


def test_imported_people_are_encrypted_too(world):
    from tests.factories.org import roster_file, roster_row

    row = roster_row("导入密文")
    services.roster_import(actor=None, term=world.term, file=roster_file([row]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM org_person WHERE name = %s", ["导入密文"])
        phone_raw, id_raw = cursor.fetchone()
    assert row["手机号码"] not in phone_raw and row["身份证号"] not in id_raw
    assert decrypt(id_raw) == row["身份证号"]


def test_person_update_checks_id_and_audits_changed_fields_only(world):
    from renda.core.models import AuditEvent

    person = world.deputies[4].person
    services.person_update(actor=None, person=person, phone="13700001111", occupation="教师")
    event = AuditEvent.objects.filter(action="person.update").last()
    assert event.payload == {"changed": ["occupation", "phone"]}
    assert "13700001111" not in str(event.payload)
    with pytest.raises(ValidationError):
        services.person_update(
            actor=None, person=person, gender="female" if person.gender == "male" else "male"
        )
    with pytest.raises(ValidationError):
        services.person_update(actor=None, person=person, phone="123")


def test_mandate_end_requires_a_live_mandate(world):
    m = world.deputies[5]
    services.mandate_end(actor=None, mandate=m, end_date=dt.date(2024, 3, 1), reason="resigned")
    m.refresh_from_db()
    assert (m.status, m.end_reason) == (MandateStatus.ENDED, "resigned")
    with pytest.raises(ValidationError):
        services.mandate_end(actor=None, mandate=m, end_date=dt.date(2024, 3, 2), reason="resigned")


def test_person_create_derives_birth_and_gender_from_the_id_number(world):
    birth = dt.date(1990, 2, 3)
    person = services.person_create(
        actor=None, congress=world.county, name="推导", id_number=make_id_number(birth, False)
    )
    assert (person.birth_date, person.gender) == (birth, "female")
