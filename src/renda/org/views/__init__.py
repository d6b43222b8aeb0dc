"""Pages of the org app: list pages (lists.py), detail pages (detail.py), the roster import and
the composition page (roster.py)."""

from renda.org.views.detail import (
    body_detail,
    congress_detail,
    organ_detail,
    person_detail,
    term_detail,
    unit_detail,
)
from renda.org.views.lists import body_list, congress_list, deputy_list, organ_list, term_list, unit_list
from renda.org.views.roster import roster_import, roster_template, term_composition

__all__ = [
    "body_detail", "body_list", "congress_detail", "congress_list", "deputy_list", "organ_detail", "organ_list",
    "person_detail", "roster_import", "roster_template", "term_composition", "term_detail", "term_list",
    "unit_detail", "unit_list",
]  # fmt: skip
