"""Government revenue and expenditure classification (政府收支分类科目) read from the data file
kept in this app (``data/classification.json``): expenditure function codes at 类/款/项 level
(3/5/7 digits) and economic codes at 类/款 level (3/5 digits), with the years they apply to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "classification.json"


@dataclass(frozen=True)
class Classification:
    title: str
    source: str
    years: tuple[int, ...]
    function: dict[str, str]
    economic: dict[str, str]
    three_public: dict[str, tuple[str, ...]]  # category → economic codes (三公经费)

    def applies_to(self, year: int) -> bool:
        return year in self.years

    @property
    def function_items(self) -> list[str]:
        """The codes a payment or budget line may carry: 项 level (7 digits)."""
        return [code for code in self.function if len(code) == 7]

    @property
    def economic_items(self) -> list[str]:
        """款 level (5 digits)."""
        return [code for code in self.economic if len(code) == 5]

    @property
    def three_public_codes(self) -> list[str]:
        return sorted(code for codes in self.three_public.values() for code in codes)

    def function_label(self, code: str) -> str:
        """'2010101 人大事务/行政运行' — a 项 alone ('行政运行') says little."""
        name = self.function.get(code, "")
        parent = self.function.get(code[:5], "") if len(code) == 7 else ""
        return f"{code} {parent + '/' if parent else ''}{name}".strip()

    def economic_label(self, code: str) -> str:
        return f"{code} {self.economic.get(code, '')}".strip()


@lru_cache(maxsize=1)
def classification() -> Classification:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return Classification(
        title=raw["title"],
        source=raw["source"],
        years=tuple(raw["applies_to_years"]),
        function=dict(raw["function"]),
        economic=dict(raw["economic"]),
        three_public={k: tuple(v) for k, v in raw["three_public_expenses"].items()},
    )
