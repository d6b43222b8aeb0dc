"""Encryption at rest of ID and phone numbers: SM4-GCM (GB/T 32907) through ``cryptography``,
plus an HMAC-SM3 blind index so that duplicates can be found without decrypting."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.db import models

_VERSION = b"\x01"  # leading byte so the scheme can change later without ambiguity


@lru_cache(maxsize=4)
def _keys(data_key_hex: str) -> tuple[bytes, bytes]:
    raw = bytes.fromhex(data_key_hex)
    if len(raw) != 32:
        raise ValueError("RENDA_DATA_KEY must be 64 hex characters (32 bytes)")
    return raw[:16], raw[16:]


def encrypt(plaintext: str) -> str:
    enc_key, _ = _keys(settings.DATA_KEY)
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce)).encryptor()
    ciphertext = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return base64.b64encode(_VERSION + nonce + encryptor.tag + ciphertext).decode()


def decrypt(token: str) -> str:
    enc_key, _ = _keys(settings.DATA_KEY)
    raw = base64.b64decode(token)
    if raw[:1] != _VERSION:
        raise ValueError("unknown ciphertext version")
    nonce, tag, ciphertext = raw[1:13], raw[13:29], raw[29:]
    decryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce, tag)).decryptor()
    return (decryptor.update(ciphertext) + decryptor.finalize()).decode()


def blind_index(value: str) -> str:
    _, mac_key = _keys(settings.DATA_KEY)
    return hmac.new(mac_key, value.strip().upper().encode(), lambda: hashlib.new("sm3")).hexdigest()


class EncryptedTextField(models.TextField):
    """Holds plaintext in Python and SM4-GCM ciphertext in the database. Not searchable: pair it
    with a blind-index column where lookups are needed."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if value in (None, ""):
            return ""
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return ""
        return encrypt(str(value))
