import pytest

from tests.permission_matrix import INTERNAL, OFFICE, Case, check_case

READERS = OFFICE | {"leader"}

CASES = [
    Case("org:congress_list", READERS),
    Case("org:term_list", READERS),
    Case("org:deputy_list", READERS),
    Case("org:body_list", READERS),
    Case("org:organ_list", INTERNAL),
    Case("org:unit_list", READERS),
]


@pytest.mark.parametrize("case", CASES, ids=[c.url_name for c in CASES])
def test_org_url_matrix(case, world, client_for):
    assert check_case(case, world, client_for) == []
