"""Earlier years of the demo county, closed, brought in the way a county brings its records in:
an Excel workbook through the import service (one audited import). They feed the metrics, the
unit assessment, the similar-suggestion search and the lead-unit proposal."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.utils import timezone

from renda.core.exports import xlsx_bytes
from renda.core.models import Congress, User
from renda.org.models import HandlingUnit, Person
from renda.suggestions import services
from renda.suggestions.demo.texts import TOPICS, compose
from renda.suggestions.services.imports import FIELD_BY_LABEL, HEADERS

SEED = 20230301
PER_YEAR = 110
YEARS_BACK = 3
RATING_LABELS = ("满意", "基本满意", "不满意")


def _unit(units: list[HandlingUnit], name: str, exclude: tuple[HandlingUnit, ...] = ()) -> HandlingUnit:
    for unit in units:
        if unit.organ.name.endswith(name) and unit not in exclude:
            return unit
    others = [u for u in units if u not in exclude] or units
    return others[sum(map(ord, name)) % len(others)]


def history_rows(
    *, deputies: list[Person], units: list[HandlingUnit], places: list[str], this_year: int
) -> list[list[object]]:
    rng = random.Random(SEED)
    label_of = {value: label for label, value in FIELD_BY_LABEL.items()}
    # The import finds deputies by name: only names that are unique in the congress.
    names = Counter(p.name for p in deputies)
    authors = [p.name for p in deputies if names[p.name] == 1]
    rows: list[list[object]] = []
    for year in range(this_year - YEARS_BACK, this_year):
        for number in range(1, PER_YEAR + 1):
            topic = rng.choice(TOPICS)
            place = rng.choice(places)
            title, text = compose(rng, topic, place, rng.choice(("新塘", "枫树", "高桥", "水口", "竹山")))
            lead = _unit(units, topic.unit)
            co = (
                [_unit(units, rng.choice(topic.co_units), (lead,))]
                if topic.co_units and rng.random() < 0.3
                else []
            )
            # Most come from the session in spring; the rest between sessions.
            assigned = (
                dt.date(year, 3, rng.randint(8, 28))
                if number <= PER_YEAR * 0.8
                else dt.date(year, rng.randint(5, 9), rng.randint(1, 28))
            )
            replied = assigned + dt.timedelta(days=rng.randint(25, 100))
            category = rng.choices("ABCD", weights=(45, 35, 12, 8))[0]
            rating = rng.choices(RATING_LABELS, weights=(70, 25, 5))[0]
            rows.append(
                [
                    year,
                    number,
                    title,
                    text,
                    rng.choice(authors),
                    label_of.get(topic.field, ""),
                    lead.organ.name,
                    "、".join(u.organ.name for u in co),
                    assigned,
                    None,
                    replied,
                    category,
                    rating,
                ]
            )
    return rows


def import_history(
    *, actor: User, congress: Congress, deputies: list[Person], units: list[HandlingUnit], places: list[str]
) -> int:
    if not deputies or not units:
        return 0
    rows = history_rows(deputies=deputies, units=units, places=places, this_year=timezone.localdate().year)
    content = xlsx_bytes([("历年建议", list(HEADERS), rows)])
    return services.suggestions_import(actor=actor, congress=congress, content=content).created
