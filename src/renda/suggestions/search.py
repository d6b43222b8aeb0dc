"""Similar earlier suggestions and the likely lead unit, from Chinese word segmentation (jieba)
and a TF-IDF-like score over a posting table (``SearchToken``) kept in the main database, so
every worker sees the same index and nothing lives in process memory."""

from __future__ import annotations

import logging
import math
import re
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, F, FloatField, Sum, Value, When

from renda.org.models import HandlingUnit
from renda.suggestions.models import SearchToken, Status, Suggestion

with warnings.catch_warnings():
    # jieba 0.42 imports pkg_resources at import time; the deprecation is jieba's, not ours.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    import jieba

jieba.setLogLevel(logging.WARNING)

STOPWORDS = frozenset(
    [
        "建议",
        "关于",
        "进一步",
        "加强",
        "问题",
        "我们",
        "他们",
        "一个",
        "没有",
        "可以",
        "进行",
        "目前",
        "存在",
        "提高",
        "工作",
        "相关",
        "部门",
        "有关",
        "以及",
        "因此",
        "由于",
        "但是",
        "如果",
        "希望",
        "需要",
        "应该",
        "通过",
        "已经",
        "不断",
        "方面",
        "情况",
        "今年",
        "去年",
        "我县",
        "全县",
        "群众",
        "解决",
        "尽快",
    ]
)
_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]+$")
MAX_QUERY_TOKENS = 12
# Words in more than this share of a congress's suggestions say nothing about similarity.
MAX_DF_SHARE = 0.2
POSTING_BUDGET = 8000


def tokens(text: str) -> list[str]:
    return [
        w for w in jieba.lcut(text) if len(w) >= 2 and len(w) <= 40 and w not in STOPWORDS and _WORD.match(w)
    ]


def document_tokens(title: str, text: str) -> Counter[str]:
    counts = Counter(tokens(text))
    for word in tokens(title):  # the title says most about the matter: count it twice
        counts[word] += 2
    return counts


def token_rows(suggestion: Suggestion) -> list[SearchToken]:
    counts = document_tokens(suggestion.title, suggestion.text)
    return [
        SearchToken(congress_id=suggestion.congress_id, suggestion_id=suggestion.pk, token=w, tf=min(n, 255))
        for w, n in counts.items()
    ]


def index_suggestion(suggestion: Suggestion) -> None:
    SearchToken.objects.filter(suggestion=suggestion).delete()
    SearchToken.objects.bulk_create(token_rows(suggestion))


@dataclass(frozen=True)
class Scored:
    suggestion_id: int
    score: float


def _scored(
    congress_ids: Iterable[int], text: str, limit: int, exclude_ids: Iterable[int] = ()
) -> list[Scored]:
    congress_ids = list(congress_ids)
    query = Counter(tokens(text))
    if not query or not congress_ids:
        return []
    total = Suggestion.objects.filter(congress_id__in=congress_ids).count()
    if total == 0:
        return []
    words = [w for w, _n in query.most_common(64)]
    df = dict(
        SearchToken.objects.filter(congress_id__in=congress_ids, token__in=words)
        .values("token")
        .annotate(n=Count("id"))
        .values_list("token", "n")
    )
    weights = {}
    for word, n in df.items():
        if n > max(3, total * MAX_DF_SHARE):
            continue
        weights[word] = query[word] * (math.log((total + 1) / (n + 1)) + 1.0)
    if not weights:
        return []
    # Rarest words first, until the posting rows to add up would pass the budget: bounds the work
    # of the score query on a large history while keeping the most telling words.
    top: dict[str, float] = {}
    rows_read = 0
    for word in sorted(weights, key=lambda w: df[w]):
        if len(top) >= MAX_QUERY_TOKENS or (len(top) >= 2 and rows_read + df[word] > POSTING_BUDGET):
            break
        top[word] = weights[word]
        rows_read += df[word]
    weight = Case(*[When(token=w, then=Value(v)) for w, v in top.items()], output_field=FloatField())
    rows = (
        SearchToken.objects.filter(congress_id__in=congress_ids, token__in=list(top))
        .exclude(suggestion_id__in=list(exclude_ids))
        .values("suggestion_id")
        .annotate(score=Sum(weight * F("tf"), output_field=FloatField()))
        .order_by("-score", "-suggestion_id")[:limit]
    )
    best = sum(top.values()) * 3 or 1.0
    return [Scored(r["suggestion_id"], min(1.0, r["score"] / best)) for r in rows]


def similar_suggestions(
    *, congress_ids: Iterable[int], text: str, limit: int = 5, exclude_ids: Iterable[int] = ()
) -> list[tuple[Suggestion, float]]:
    """The earlier suggestions most like ``text`` with a score in 0..1, best first."""
    scored = _scored(congress_ids, text, limit, exclude_ids)
    by_id = Suggestion.objects.select_related("submitter", "lead_unit__organ").in_bulk(
        [s.suggestion_id for s in scored]
    )
    return [(by_id[s.suggestion_id], s.score) for s in scored if s.suggestion_id in by_id]


def suggest_lead_units(*, suggestion: Suggestion, limit: int = 3) -> list[tuple[HandlingUnit, float]]:
    """Likely lead units from the units that led the most similar earlier suggestions; the score is
    each unit's share of the similarity mass. Staff decide."""
    scored = _scored(
        [suggestion.congress_id],
        f"{suggestion.title} {suggestion.title} {suggestion.text}",
        40,
        [suggestion.pk],
    )
    leads = dict(
        Suggestion.objects.filter(pk__in=[s.suggestion_id for s in scored], lead_unit__isnull=False)
        .exclude(status=Status.MERGED)
        .values_list("pk", "lead_unit_id")
    )
    mass: dict[int, float] = {}
    for s in scored:
        unit_id = leads.get(s.suggestion_id)
        if unit_id is not None:
            mass[unit_id] = mass.get(unit_id, 0.0) + s.score
    total = sum(mass.values())
    if not total:
        return []
    units = HandlingUnit.objects.select_related("organ").in_bulk(list(mass))
    return [
        (units[uid], round(m / total, 3))
        for uid, m in sorted(mass.items(), key=lambda kv: -kv[1])[:limit]
        if uid in units
    ]
