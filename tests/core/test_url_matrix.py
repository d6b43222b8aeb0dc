import pytest

from renda.core import services
from renda.core.rule_settings import define_setting
from tests.permission_matrix import EVERYONE, OFFICE, Case, check_case


def _token(w):  # type: ignore[no-untyped-def]
    from renda.core.models import ApiToken

    token = ApiToken.objects.filter(user=w.users["other_township_staff"]).first()
    return token or services.api_token_create(actor=w.users["other_township_staff"], name="x")[0]


def _notification(w):  # type: ignore[no-untyped-def]
    from renda.core.models import Notification

    note = Notification.objects.filter(recipient=w.users["deputy"], read_at__isnull=True).first()
    return (
        note or services.notification_send(actor=None, recipients=[w.users["deputy"]], kind="t", title="t")[0]
    )


define_setting("tests.sample_days", default=10, label="sample", source="test only")

CASES = [
    Case("core:home", EVERYONE, ok_status=(302,), anonymous_ok=True),
    Case("core:health", EVERYONE, anonymous_ok=True),
    Case("core:favicon", EVERYONE, ok_status=(301,), anonymous_ok=True),
    Case("core:login", EVERYONE, ok_status=(200, 302), anonymous_ok=True),
    Case("core:logout", EVERYONE, method="post", ok_status=(302,), anonymous_ok=True),
    Case("core:workbench", EVERYONE),
    Case("core:password_change", EVERYONE),
    Case("core:tokens", EVERYONE),
    # Someone else's token: only its owner (not in the table) or a system administrator may revoke it.
    Case(
        "core:token_revoke",
        frozenset({"admin"}),
        method="post",
        ok_status=(302,),
        kwargs=lambda w: {"pk": _token(w).pk},
    ),
    # The deputy's own message; refused for everyone else but the system administrator.
    Case(
        "core:notification_open",
        frozenset({"deputy", "admin"}),
        ok_status=(302,),
        kwargs=lambda w: {"pk": _notification(w).pk},
    ),
    Case("core:notifications", EVERYONE),
    Case("core:audit_log", OFFICE),
    # A county object: township staff are outside its scope.
    Case(
        "core:audit_trail",
        frozenset({"admin", "staff"}),
        kwargs=lambda w: {"object_type": "org.deputymandate", "object_id": str(w.deputies[0].pk)},
    ),
    Case("core:rule_settings", OFFICE | {"leader"}),
    Case(
        "core:rule_setting_change",
        frozenset({"admin", "staff"}),
        method="post",
        ok_status=(302,),
        kwargs=lambda w: {"congress_id": w.county.pk, "key": "tests.sample_days"},
        data=lambda w: {"value": "1"},
    ),
    Case("core:schedule", frozenset({"admin"})),
    Case(
        "core:schedule_run",
        frozenset({"admin"}),
        method="post",
        ok_status=(302,),
        kwargs=lambda w: {"name": "suggestions.deadline_reminders"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.url_name for c in CASES])
def test_core_url_matrix(case, world, client_for):
    assert check_case(case, world, client_for) == []
