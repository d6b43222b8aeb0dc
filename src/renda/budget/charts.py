"""ECharts options built on the server (rendered by core/renda.js through data-echarts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

WAN = Decimal(10000)
COLORS = ["#b22222", "#d4a017", "#2f6f9f", "#5b8c5a", "#8c6bb1", "#c06c84"]


def _wan(value: Decimal) -> float:
    return float(round(value / WAN, 2))


def execution_bars(
    rows: list[tuple[str, Decimal, Decimal]], progress: float, limit: int = 15
) -> dict[str, Any]:
    rows = rows[:limit]
    names = [r[0] for r in rows]
    rates = [round(float(p / a) * 100, 1) if a else 0 for _n, a, p in rows]
    return {
        "color": COLORS,
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 150, "right": 30, "top": 30, "bottom": 30},
        "xAxis": {
            "type": "value",
            "max": max(110, *rates) if rates else 110,
            "axisLabel": {"formatter": "{value}%"},
        },
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": [
            {
                "name": _("Execution rate"),
                "type": "bar",
                "data": rates,
                "markLine": {
                    "symbol": "none",
                    "data": [{"xAxis": round(progress * 100, 1), "name": _("Time progress")}],
                    "label": {"formatter": _("Time progress") + " {c}%"},
                },
            }
        ],
    }


def monthly_line(rows: list[tuple[int, Decimal]]) -> dict[str, Any]:
    values = dict(rows)
    return {
        "color": COLORS,
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 60, "right": 20, "top": 30, "bottom": 30},
        "xAxis": {"type": "category", "data": [f"{m}月" for m in range(1, 13)]},
        "yAxis": {"type": "value", "name": _("10k yuan")},
        "series": [
            {
                "name": _("Paid"),
                "type": "line",
                "smooth": True,
                "data": [_wan(values.get(m, Decimal(0))) for m in range(1, 13)],
            }
        ],
    }


def three_public_bars(rows: list[tuple[str, Decimal, Decimal]], year: int) -> dict[str, Any]:
    return {
        "color": ["#999999", "#b22222"],
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [str(year - 1), str(year)]},
        "grid": {"left": 60, "right": 20, "top": 40, "bottom": 80},
        "xAxis": {"type": "category", "data": [r[0] for r in rows], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "name": _("10k yuan")},
        "series": [
            {"name": str(year - 1), "type": "bar", "data": [_wan(r[1]) for r in rows]},
            {"name": str(year), "type": "bar", "data": [_wan(r[2]) for r in rows]},
        ],
    }


def ranking_bars(rows: list[tuple[str, Any]], name: str, money: bool = False) -> dict[str, Any]:
    return {
        "color": ["#2f6f9f"],
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 170, "right": 30, "top": 20, "bottom": 30},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "data": [r[0] for r in rows], "inverse": True},
        "series": [{"name": name, "type": "bar", "data": [_wan(r[1]) if money else r[1] for r in rows]}],
    }


def spending_pie(rows: list[tuple[str, Decimal, Decimal]]) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}: {d}%"},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "70%"],
                "data": [{"name": n, "value": _wan(a)} for n, a, _p in rows if a > 0],
            }
        ],
    }
