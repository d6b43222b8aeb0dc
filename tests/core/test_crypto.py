import pytest
from django.db import connection

from renda.core.crypto import blind_index, decrypt, encrypt
from renda.core.masking import mask_id_number, mask_phone
from tests.factories.world import make_person

pytestmark = pytest.mark.django_db


def test_round_trip_and_random_nonce():
    a, b = encrypt("13812345678"), encrypt("13812345678")
    assert a != b
    assert decrypt(a) == decrypt(b) == "13812345678"


def test_tampered_ciphertext_is_rejected():
    import base64

    raw = bytearray(base64.b64decode(encrypt("430223197505010011")))
    raw[-1] ^= 1
    with pytest.raises(Exception):  # noqa: B017 - cryptography raises InvalidTag
        decrypt(base64.b64encode(bytes(raw)).decode())


def test_sensitive_fields_are_ciphertext_in_the_database(world):
    person = make_person(world.county, "加密测试")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number, id_number_digest FROM org_person WHERE id = %s", [person.pk])
        phone_raw, id_raw, digest = cursor.fetchone()
    assert person.phone not in phone_raw and person.id_number not in id_raw
    assert decrypt(phone_raw) == person.phone
    assert digest == blind_index(person.id_number)
    person.refresh_from_db()
    assert person.phone.startswith("138")


def test_masks():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("430223197505010011") == "4302**********0011"
