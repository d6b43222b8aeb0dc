import pytest

from tests.permission_matrix import INTERNAL, OFFICE, Case, check_case

READERS = OFFICE | {"leader"}
# County objects: township staff are outside their scope (they see only their township).
COUNTY_READERS = frozenset({"admin", "staff", "leader"})
COUNTY_INTERNAL = INTERNAL - {"township_staff"}

CASES = [
    Case("org:congress_list", READERS),
    Case("org:congress_detail", COUNTY_READERS, kwargs=lambda w: {"pk": w.county.pk}),
    Case("org:term_list", READERS),
    Case("org:term_detail", COUNTY_READERS, kwargs=lambda w: {"pk": w.term.pk}),
    Case("org:term_composition", COUNTY_READERS, kwargs=lambda w: {"pk": w.term.pk}),
    Case("org:roster_import", frozenset({"admin", "staff"}), kwargs=lambda w: {"pk": w.term.pk}),
    Case("org:roster_template", OFFICE),
    Case("org:deputy_list", READERS),
    Case("org:person_detail", COUNTY_READERS, kwargs=lambda w: {"pk": w.deputies[1].person_id}),
    Case("org:body_list", READERS),
    Case("org:body_detail", COUNTY_READERS, kwargs=lambda w: {"pk": w.standing_committee.pk}),
    Case("org:organ_list", INTERNAL),
    Case("org:organ_detail", COUNTY_INTERNAL, kwargs=lambda w: {"pk": w.units[0].organ_id}),
    Case("org:unit_list", READERS),
    Case("org:unit_detail", COUNTY_READERS, kwargs=lambda w: {"pk": w.units[0].pk}),
]


@pytest.mark.parametrize("case", CASES, ids=[c.url_name for c in CASES])
def test_org_url_matrix(case, world, client_for):
    assert check_case(case, world, client_for) == []
