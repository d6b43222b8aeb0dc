"""The early-warning rule library (预警规则库). Each rule has a Chinese name and description (via
the catalogue), its thresholds as per-congress rule settings (defaults and sources from
DOMAIN_RULES.md §4; staff change them on the rule settings page), and a SQL template run by DuckDB.

A rule's SQL sees these relations: ``payments`` (the run's year up to the as-of date),
``payments_prev`` (the year before, up to the same day), ``line_month`` and ``line_month_prev``
(paid and count per budget-line key and month, from the monthly aggregates: rules over totals read
these, not the payments), ``lines`` (budget lines with adjusted amounts), ``nonworkdays`` (weekends that are not make-up days, and public holidays) and ``tpe``
(economic codes of the three public expenses). It returns one row per finding with the columns
``key`` (stable within the year), ``unit_code``, ``amount``, ``vouchers`` (list), ``record_count``
and any columns its title needs. Common parameters: ``$as_of``, ``$progress`` (time progress)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from renda.core.rule_settings import define_setting

Label = str | Promise


@dataclass(frozen=True)
class Param:
    name: str  # the $name in the SQL
    key: str  # rule setting key
    default: int | float | str
    label: Label
    source: str


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: Label
    description: Label
    severity: str
    sql: str
    title: Label  # %-format over the finding's columns (amounts already formatted as money)
    source: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    @property
    def severity_label(self) -> str:
        from renda.budget.models import Severity

        return str(Severity(self.severity).label)


# Shared thresholds (one setting, several rules).
LARGE_AMOUNT = Param(
    "threshold",
    "budget.large_payment_amount",
    500000,
    _("Large single payment threshold (yuan)"),
    "DOMAIN_RULES §4: large single payments, default ≥ ¥500,000",
)

_LINE_KEYS = "unit_code, function_code, economic_code, project_code"

RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        code="execution_lag",
        name=_("Execution lagging the time progress"),
        description=_(
            "Budget lines above an amount whose payments lag the share of the year elapsed by more "
            "than the set percentage points."
        ),
        severity="medium",
        source="监督法 (2024) art 30; DOMAIN_RULES §4 (default 15 points)",
        params=(
            Param(
                "lag_points",
                "budget.execution_lag_points",
                15,
                _("Allowed lag behind time progress (points)"),
                "DOMAIN_RULES §4: lag by more than N percentage points, default 15",
            ),
            Param(
                "min_amount",
                "budget.execution_lag_min_amount",
                500000,
                _("Lines checked from (yuan)"),
                "DOMAIN_RULES §4: for lines above an amount",
            ),
        ),
        title=_("%(line)s: paid %(rate)s of %(amount)s, time progress %(progress)s"),
        sql=f"""
            WITH paid AS (SELECT {_LINE_KEYS}, sum(paid) AS paid FROM line_month GROUP BY ALL)
            SELECT 'line:' || l.line_key AS key, l.unit_code, l.adjusted AS amount, []::VARCHAR[] AS vouchers,
                   0 AS record_count, l.line_label AS line, coalesce(p.paid, 0) AS paid,
                   coalesce(p.paid, 0) / l.adjusted AS rate, $progress AS progress
            FROM lines l LEFT JOIN paid p USING ({_LINE_KEYS})
            WHERE l.adjusted >= $min_amount AND l.adjusted > 0
              AND coalesce(p.paid, 0) / l.adjusted < $progress - $lag_points / 100.0
        """,  # noqa: S608
    ),
    RuleSpec(
        code="over_budget",
        name=_("Spending over the budget line"),
        description=_("Payments on a budget line add up to more than its adjusted budget."),
        severity="high",
        source="预算法 (2018) art 13: spending only as the approved budget allows",
        params=(
            Param(
                "tolerance_pct",
                "budget.over_budget_tolerance_pct",
                0,
                _("Tolerance over the line (%)"),
                "DOMAIN_RULES §4: spending over the approved budget (预算法 art 13); default no tolerance",
            ),
        ),
        title=_("%(line)s: paid %(paid)s against an adjusted budget of %(budget)s"),
        sql=f"""
            WITH paid AS (SELECT {_LINE_KEYS}, sum(paid) AS paid, sum(n) AS n FROM line_month GROUP BY ALL)
            SELECT 'line:' || l.line_key AS key, l.unit_code, p.paid - l.adjusted AS amount,
                   []::VARCHAR[] AS vouchers, p.n AS record_count, l.line_label AS line, p.paid,
                   l.adjusted AS budget
            FROM lines l JOIN paid p USING ({_LINE_KEYS})
            WHERE p.paid > l.adjusted * (1 + $tolerance_pct / 100.0)
        """,  # noqa: S608
    ),
    RuleSpec(
        code="no_budget_line",
        name=_("Spending with no budget line"),
        description=_("Payments whose unit, function code, economic code and project match no budget line."),
        severity="high",
        source="预算法 (2018) art 13: no spending outside the budget",
        title=_(
            "%(unit_code)s %(function_code)s/%(economic_code)s %(project_code)s: %(amount)s paid with no "
            "budget line"
        ),
        sql=f"""
            -- the combinations come from the per-line sums; only their payments are read, and
            -- the files' sort by unit lets DuckDB skip the other units' row groups
            WITH orphan AS (
                SELECT {_LINE_KEYS}, sum(paid) AS amount, sum(n) AS n
                FROM line_month m ANTI JOIN lines l USING ({_LINE_KEYS})
                GROUP BY ALL HAVING sum(paid) > 0
            ),
            v AS (
                SELECT {_LINE_KEYS}, list(p.voucher_no ORDER BY p.pay_date, p.voucher_no)[1:200] AS vouchers
                FROM payments p SEMI JOIN orphan o USING ({_LINE_KEYS})
                GROUP BY ALL
            )
            SELECT 'combo:' || o.unit_code || '|' || o.function_code || '|' || o.economic_code || '|'
                       || o.project_code AS key,
                   o.unit_code, o.amount, v.vouchers, o.n AS record_count, o.function_code, o.economic_code,
                   o.project_code
            FROM orphan o JOIN v USING ({_LINE_KEYS})
        """,  # noqa: S608
    ),
    RuleSpec(
        code="large_payment",
        name=_("Large single payment"),
        description=_("A single payment at or above the large-payment threshold."),
        severity="medium",
        source="DOMAIN_RULES §4: large single payments (default ≥ ¥500,000)",
        params=(LARGE_AMOUNT,),
        title=_("%(pay_date)s %(amount)s to %(payee_name)s (%(purpose)s)"),
        sql="""
            SELECT 'voucher:' || voucher_no AS key, unit_code, amount, [voucher_no] AS vouchers, 1 AS record_count,
                   payee_name, pay_date, purpose
            FROM payments WHERE amount >= $threshold
        """,
    ),
    RuleSpec(
        code="personal_account",
        name=_("Transfer to a personal account"),
        description=_("A payment to a personal account at or above the set amount."),
        severity="medium",
        source="DOMAIN_RULES §4: payments to personal accounts (default ≥ ¥50,000)",
        params=(
            Param(
                "threshold",
                "budget.personal_account_amount",
                50000,
                _("Personal account threshold (yuan)"),
                "DOMAIN_RULES §4: payments to personal accounts, default ≥ ¥50,000",
            ),
        ),
        title=_("%(pay_date)s %(amount)s to the personal account of %(payee_name)s (%(purpose)s)"),
        sql="""
            SELECT 'voucher:' || voucher_no AS key, unit_code, amount, [voucher_no] AS vouchers, 1 AS record_count,
                   payee_name, pay_date, purpose
            FROM payments WHERE payee_account_kind = 'personal' AND amount >= $threshold
        """,
    ),
    RuleSpec(
        code="three_public_over_budget",
        name=_("Three public expenses over budget"),
        description=_(
            "A unit's three public expenses (overseas travel, official vehicles, official reception) "
            "exceed their budget."
        ),
        severity="high",
        source="中央八项规定精神; 预算法 (2018) art 13; DOMAIN_RULES §4 (三公经费)",
        params=(
            Param(
                "tolerance_pct",
                "budget.three_public_tolerance_pct",
                0,
                _("Three public expenses tolerance (%)"),
                "DOMAIN_RULES §4: three public expenses over budget; default no tolerance",
            ),
        ),
        title=_("%(unit_code)s: three public expenses %(paid)s against a budget of %(budget)s"),
        sql="""
            WITH b AS (SELECT unit_code, sum(adjusted) AS budget FROM lines
                       WHERE economic_code IN (SELECT code FROM tpe) GROUP BY 1),
                 p AS (SELECT unit_code, sum(paid) AS paid, sum(n) AS n FROM line_month
                       WHERE economic_code IN (SELECT code FROM tpe) GROUP BY 1)
            SELECT 'unit:' || p.unit_code AS key, p.unit_code, p.paid - coalesce(b.budget, 0) AS amount,
                   []::VARCHAR[] AS vouchers, p.n AS record_count, p.paid, coalesce(b.budget, 0) AS budget
            FROM p LEFT JOIN b USING (unit_code)
            WHERE p.paid > coalesce(b.budget, 0) * (1 + $tolerance_pct / 100.0)
        """,
    ),
    RuleSpec(
        code="three_public_growth",
        name=_("Three public expenses growing year on year"),
        description=_(
            "A unit's three public expenses so far this year exceed the same period of last year: "
            "they may only fall."
        ),
        severity="medium",
        source="DOMAIN_RULES §4: three public expenses above last year (they may only fall)",
        params=(
            Param(
                "growth_pct",
                "budget.three_public_growth_pct",
                0,
                _("Allowed growth over last year (%)"),
                "DOMAIN_RULES §4: three public expenses may only fall; default 0 %",
            ),
        ),
        title=_("%(unit_code)s: three public expenses %(paid)s, last year's same period %(prev_paid)s"),
        sql="""
            WITH cur AS (SELECT unit_code, sum(paid) AS paid, sum(n) AS n FROM line_month
                         WHERE economic_code IN (SELECT code FROM tpe) GROUP BY 1),
                 prev AS (SELECT unit_code, sum(paid) AS prev_paid FROM line_month_prev
                          WHERE economic_code IN (SELECT code FROM tpe) GROUP BY 1)
            SELECT 'unit:' || cur.unit_code AS key, cur.unit_code, cur.paid - prev.prev_paid AS amount,
                   []::VARCHAR[] AS vouchers, cur.n AS record_count, cur.paid, prev.prev_paid
            FROM cur JOIN prev USING (unit_code)
            WHERE prev.prev_paid > 0 AND cur.paid > prev.prev_paid * (1 + $growth_pct / 100.0)
        """,
    ),
    RuleSpec(
        code="year_end_rush",
        name=_("Year-end rush spending"),
        description=_("A unit spends more than the set share of its year's payments in December."),
        severity="medium",
        source="DOMAIN_RULES §4: year-end rush (Guangdong: Dec above 50 %); default December share above 30 %",
        params=(
            Param(
                "december_share_pct",
                "budget.december_share_pct",
                30,
                _("December share of the year (%)"),
                "DOMAIN_RULES §4: December share above 30 % for a unit (default)",
            ),
            Param(
                "min_total",
                "budget.year_end_min_total",
                1000000,
                _("Units checked from yearly spending (yuan)"),
                "Renda default: ignore units spending less than ¥1,000,000 a year",
            ),
        ),
        title=_("%(unit_code)s: %(amount)s paid in December, %(share)s of the year"),
        sql="""
            SELECT 'unit:' || unit_code AS key, unit_code,
                   sum(paid) FILTER (WHERE month = 12) AS amount, []::VARCHAR[] AS vouchers,
                   sum(n) FILTER (WHERE month = 12) AS record_count,
                   sum(paid) FILTER (WHERE month = 12) / sum(paid) AS share
            FROM line_month
            WHERE month($as_of) = 12
            GROUP BY unit_code
            HAVING sum(paid) >= $min_total
               AND sum(paid) FILTER (WHERE month = 12) / sum(paid) > $december_share_pct / 100.0
        """,
    ),
    RuleSpec(
        code="split_payment",
        name=_("Split payments under the threshold"),
        description=_(
            "Payments from one unit to one payee no more than N days apart, each below the "
            "large-payment threshold and together at or above it."
        ),
        severity="high",
        source="DOMAIN_RULES §4: split payments (same payee, same unit, within N days, default 3)",
        params=(
            LARGE_AMOUNT,
            Param(
                "window_days",
                "budget.split_window_days",
                3,
                _("Split payments window (days)"),
                "DOMAIN_RULES §4: within N days, default 3",
            ),
        ),
        title=_(
            "%(unit_code)s to %(payee_name)s: %(record_count)s payments %(first_date)s–%(last_date)s "
            "totalling %(amount)s"
        ),
        sql="""
            -- Prune cheaply first: one hash aggregate over three narrow columns keeps the unit/payee
            -- pairs whose small payments could reach the threshold at all; only their payments go
            -- through the window. The candidates are found by a join on the unit code column
            -- itself, so DuckDB pushes the pairs' unit range into the scan and skips the row groups
            -- of other units (files are sorted by unit). (No CTE is read twice: DuckDB would
            -- materialise it.)
            WITH pairs AS (SELECT unit_code, hash(unit_code, payee_name) AS h FROM payments
                           WHERE amount > 0 AND amount < $threshold GROUP BY 1, 2
                           HAVING count(*) >= 2 AND sum(amount) >= $threshold),
            cand AS (SELECT p.unit_code, p.payee_name, p.pay_date, p.voucher_no, p.amount FROM payments p
                     SEMI JOIN pairs ON p.unit_code = pairs.unit_code
                                    AND hash(p.unit_code, p.payee_name) = pairs.h
                     WHERE p.amount > 0 AND p.amount < $threshold),
            seq AS (
                SELECT unit_code, payee_name, pay_date, voucher_no, amount,
                       CASE WHEN date_diff('day', lag(pay_date) OVER w, pay_date) <= $window_days
                            THEN 0 ELSE 1 END AS brk
                FROM cand WINDOW w AS (PARTITION BY unit_code, payee_name ORDER BY pay_date, voucher_no)
            ),
            grp AS (
                SELECT *, sum(brk) OVER (PARTITION BY unit_code, payee_name ORDER BY pay_date, voucher_no
                                         ROWS UNBOUNDED PRECEDING) AS g
                FROM seq
            )
            SELECT 'split:' || unit_code || '|' || payee_name || '|' || min(pay_date) AS key, unit_code,
                   sum(amount) AS amount, list(voucher_no ORDER BY pay_date, voucher_no)[1:200] AS vouchers,
                   count(*) AS record_count, payee_name, min(pay_date) AS first_date, max(pay_date) AS last_date
            FROM grp GROUP BY unit_code, payee_name, g
            HAVING count(*) >= 2 AND sum(amount) >= $threshold
        """,
    ),
    RuleSpec(
        code="holiday_payment",
        name=_("Payment on a weekend or public holiday"),
        description=_(
            "A payment dated on a weekend (not a make-up working day) or a public holiday, at or "
            "above the set amount."
        ),
        severity="low",
        source="DOMAIN_RULES §4: payments on public holidays and weekends above an amount",
        params=(
            Param(
                "min_amount",
                "budget.holiday_payment_amount",
                10000,
                _("Holiday payment threshold (yuan)"),
                "DOMAIN_RULES §4: above an amount; Renda default ¥10,000",
            ),
        ),
        title=_("%(pay_date)s (non-working day) %(amount)s to %(payee_name)s"),
        sql="""
            SELECT 'voucher:' || voucher_no AS key, unit_code, amount, [voucher_no] AS vouchers, 1 AS record_count,
                   payee_name, pay_date
            FROM payments SEMI JOIN nonworkdays n ON payments.pay_date = n.d
            WHERE amount >= $min_amount
        """,
    ),
    RuleSpec(
        code="cash_withdrawal",
        name=_("Cash withdrawal"),
        description=_(
            "A payment whose purpose or payee shows a cash withdrawal, at or above the set amount."
        ),
        severity="medium",
        source="现金管理暂行条例; DOMAIN_RULES §4: cash withdrawals above an amount",
        params=(
            Param(
                "min_amount",
                "budget.cash_withdrawal_amount",
                20000,
                _("Cash withdrawal threshold (yuan)"),
                "DOMAIN_RULES §4: cash withdrawals above an amount; Renda default ¥20,000",
            ),
            Param(
                "pattern",
                "budget.cash_withdrawal_words",
                "现金|提现|取现",
                _("Words that mark a cash withdrawal (separated by |)"),
                "Renda default",
            ),
        ),
        title=_("%(pay_date)s cash withdrawal %(amount)s (%(purpose)s)"),
        sql="""
            SELECT 'voucher:' || voucher_no AS key, unit_code, amount, [voucher_no] AS vouchers, 1 AS record_count,
                   payee_name, pay_date, purpose
            FROM payments
            WHERE amount >= $min_amount
              AND regexp_matches(coalesce(purpose, '') || ' ' || coalesce(payee_name, ''), $pattern)
        """,
    ),
    RuleSpec(
        code="special_fund_delay",
        name=_("Special fund not disbursed in time"),
        description=_(
            "A special fund line with no payment within the set number of days after it was issued."
        ),
        severity="medium",
        source="预算法 (2018) art 52 and its implementing regulations: transfers issued within 30 days "
        "(general) or 60 days (special)",
        params=(
            Param(
                "days",
                "budget.special_fund_days",
                60,
                _("Days allowed to disburse a special fund"),
                "预算法 art 52: special transfers within 60 days (default)",
            ),
        ),
        title=_("%(line)s: issued %(approved_on)s, first payment %(first_paid)s"),
        sql=f"""
            WITH f AS (SELECT {_LINE_KEYS}, min(pay_date) AS first_paid
                       FROM payments SEMI JOIN (SELECT {_LINE_KEYS} FROM lines WHERE is_special) USING ({_LINE_KEYS})
                       WHERE amount > 0 GROUP BY ALL)
            SELECT 'line:' || l.line_key AS key, l.unit_code, l.adjusted AS amount, []::VARCHAR[] AS vouchers,
                   0 AS record_count, l.line_label AS line, l.approved_on, f.first_paid
            FROM lines l LEFT JOIN f USING ({_LINE_KEYS})
            WHERE l.is_special AND l.approved_on + CAST($days AS INTEGER) < CAST($as_of AS DATE)
              AND (f.first_paid IS NULL OR f.first_paid > l.approved_on + CAST($days AS INTEGER))
        """,  # noqa: S608
    ),
    RuleSpec(
        code="idle_project",
        name=_("Funded project with no spending in a quarter"),
        description=_(
            "A project budget line at or above the set amount, not yet fully paid, with no spending in a "
            "whole quarter that has ended since it was approved."
        ),
        severity="medium",
        source="DOMAIN_RULES §4: a funded project with no spending in a quarter (Hubei)",
        params=(
            Param(
                "min_amount",
                "budget.idle_project_min_amount",
                100000,
                _("Projects checked from (yuan)"),
                "DOMAIN_RULES §4 (Hubei) gives no amount; Renda default ¥100,000",
            ),
        ),
        title=_("%(line)s: no spending in quarter %(quarter)s (%(quarter_start)s–%(quarter_end)s)"),
        sql=f"""
            WITH q AS (
                SELECT q, make_date(year($as_of), 3 * q - 2, 1) AS quarter_start,
                       last_day(make_date(year($as_of), 3 * q, 1)) AS quarter_end
                FROM range(1, 5) t(q)
            ),
            cand AS (
                SELECT l.*, q.q, q.quarter_start, q.quarter_end FROM lines l, q
                WHERE l.project_code <> '' AND l.adjusted >= $min_amount AND l.adjusted > 0
                  AND q.quarter_start >= l.approved_on AND q.quarter_end <= CAST($as_of AS DATE)
            ),
            s AS (
                SELECT c.line_key, c.q,
                       coalesce(sum(m.paid) FILTER (WHERE m.month BETWEEN 3 * c.q - 2 AND 3 * c.q), 0) AS in_quarter,
                       coalesce(sum(m.paid) FILTER (WHERE m.month < 3 * c.q - 2), 0) AS before
                FROM cand c LEFT JOIN line_month m USING ({_LINE_KEYS})
                GROUP BY c.line_key, c.q
            )
            SELECT 'idle:' || c.line_key || '|Q' || c.q AS key, c.unit_code, c.adjusted AS amount,
                   []::VARCHAR[] AS vouchers, 0 AS record_count, c.line_label AS line, c.q AS quarter,
                   c.quarter_start, c.quarter_end
            FROM cand c JOIN s USING (line_key, q)
            WHERE s.in_quarter <= 0 AND s.before < c.adjusted
        """,  # noqa: S608
    ),
    RuleSpec(
        code="duplicate_payment",
        name=_("Duplicate payment"),
        description=_(
            "Payments to the same payee with the same amount and purpose no more than N days apart."
        ),
        severity="high",
        source="DOMAIN_RULES §4: duplicate payments (same payee, amount and purpose within N days)",
        params=(
            Param(
                "window_days",
                "budget.duplicate_window_days",
                7,
                _("Duplicate payments window (days)"),
                "DOMAIN_RULES §4: within N days; Renda default 7",
            ),
        ),
        title=_(
            "%(payee_name)s: %(record_count)s payments of %(each)s for %(purpose)s, %(first_date)s–%(last_date)s"
        ),
        sql="""
            -- Prune first: the payee/amount/purpose keys paid twice at all. Nearly every key is
            -- unique, so sorting the 64-bit hashes and comparing neighbours is cheaper than a hash
            -- aggregate with one group per payment.
            WITH same AS (SELECT DISTINCT h FROM (
                              SELECT h, lead(h) OVER (ORDER BY h) AS next_h
                              FROM (SELECT hash(payee_name, amount, purpose) AS h FROM payments WHERE amount > 0)
                          ) WHERE h = next_h),
            cand AS (SELECT unit_code, payee_name, amount, purpose, pay_date, voucher_no FROM payments
                     WHERE amount > 0 AND hash(payee_name, amount, purpose) IN (SELECT h FROM same)),
            seq AS (
                SELECT unit_code, payee_name, amount, purpose, pay_date, voucher_no,
                       CASE WHEN date_diff('day', lag(pay_date) OVER w, pay_date) <= $window_days
                            THEN 0 ELSE 1 END AS brk
                FROM cand WHERE amount > 0
                WINDOW w AS (PARTITION BY payee_name, amount, purpose ORDER BY pay_date, voucher_no)
            ),
            grp AS (
                SELECT *, sum(brk) OVER (PARTITION BY payee_name, amount, purpose ORDER BY pay_date, voucher_no
                                         ROWS UNBOUNDED PRECEDING) AS g
                FROM seq
            )
            SELECT 'dup:' || payee_name || '|' || amount || '|' || coalesce(purpose, '') || '|' || min(pay_date)
                       AS key,
                   min(unit_code) AS unit_code, sum(amount) - any_value(amount) AS amount,
                   list(voucher_no ORDER BY pay_date, voucher_no)[1:200] AS vouchers, count(*) AS record_count,
                   payee_name, any_value(amount) AS each, purpose, min(pay_date) AS first_date,
                   max(pay_date) AS last_date
            FROM grp GROUP BY payee_name, amount, purpose, g
            HAVING count(*) >= 2
        """,
    ),
)

RULES_BY_CODE = {rule.code: rule for rule in RULES}


def _define_settings() -> None:
    for rule in RULES:
        for param in rule.params:
            define_setting(param.key, default=param.default, label=param.label, source=param.source)


_define_settings()
