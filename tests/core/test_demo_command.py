"""`renda demo` only ever loads into an empty database."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from renda.core import services
from renda.core.models import Congress, CongressKind


def test_demo_refuses_a_database_with_data(db):
    services.congress_create(actor=None, name="已有县", kind=CongressKind.COUNTY)
    with pytest.raises(CommandError, match="已有数据"):
        call_command("demo")
    call_command("demo", "--if-empty")  # quietly does nothing
    assert Congress.objects.count() == 1
