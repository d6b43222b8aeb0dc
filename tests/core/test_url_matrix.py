import pytest

from renda.core.rule_settings import define_setting
from tests.permission_matrix import EVERYONE, OFFICE, Case, check_case

define_setting("tests.sample_days", default=10, label="sample", source="test only")

CASES = [
    Case("core:home", EVERYONE, ok_status=(302,), anonymous_ok=True),
    Case("core:health", EVERYONE, anonymous_ok=True),
    Case("core:login", EVERYONE, ok_status=(200, 302), anonymous_ok=True),
    Case("core:logout", EVERYONE, method="post", ok_status=(302,), anonymous_ok=True),
    Case("core:workbench", EVERYONE),
    Case("core:notifications", EVERYONE),
    Case("core:audit_log", OFFICE),
    # A county object: township staff are outside its scope.
    Case("core:audit_trail", frozenset({"admin", "staff"}),
         kwargs=lambda w: {"object_type": "org.deputymandate", "object_id": str(w.deputies[0].pk)}),
    Case("core:rule_settings", OFFICE | {"leader"}),
    Case("core:rule_setting_change", frozenset({"admin", "staff"}), method="post", ok_status=(302,),
         kwargs=lambda w: {"congress_id": w.county.pk, "key": "tests.sample_days"},
         data=lambda w: {"value": "1"}),
]


@pytest.mark.parametrize("case", CASES, ids=[c.url_name for c in CASES])
def test_core_url_matrix(case, world, client_for):
    assert check_case(case, world, client_for) == []
