"""Resident ID numbers (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check character."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


def id_check_char(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise_id_number(value: str) -> str:
    return value.strip().upper()


def validate_id_number(value: str) -> tuple[dt.date, str]:
    """Returns (birth date, gender) read from the number; raises ValidationError in Chinese."""
    number = normalise_id_number(value)
    if not _PATTERN.match(number):
        raise ValidationError(_("The ID number must have 18 characters: 17 digits and a final digit or X."))
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(_("The ID number's check character is wrong; please check the number."))
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The ID number contains an impossible birth date.")) from None
    gender = "male" if int(number[16]) % 2 else "female"
    return birth, gender


PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")


def validate_phone(value: str) -> str:
    phone = value.strip().replace(" ", "")
    if phone and not PHONE_PATTERN.match(phone):
        raise ValidationError(
            _("The phone number is not valid: use an 11-digit mobile number or an area code and number.")
        )
    return phone
