"""A deterministic generator of a county's budget and treasury payments (test data, demo data and
the benchmark). Normal spending is shaped so that no rule should fire on it (payments on working
days, every payment on a budget line, lines about 90 % executed, small amounts); then it injects
known anomalies of every rule kind and returns the list of what it injected, so tests can measure
each rule's recall and the false alarms. Bulk rows are generated inside DuckDB and written straight
to the Parquet store (no Python loop per payment)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import pyarrow as pa

from renda.budget import store
from renda.budget.classification import classification

# (code, name, function codes: basic first, subunit kind, subunit function codes, three public codes)
DEPARTMENTS: tuple[tuple[str, str, tuple[str, ...], str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("101", "县人大常委会办公室", ("2010101", "2010108"), "", (), ("30217", "30231", "30212")),
    ("102", "县人民政府办公室", ("2010301", "2010302"), "", (), ("30217", "30231", "30212")),
    ("103", "县财政局", ("2010601", "2010602"), "", (), ("30217", "30231")),
    ("104", "县公安局", ("2040201", "2040202"), "派出所", ("2040201", "2040202"), ("30231",)),
    ("105", "县教育局", ("2050101", "2050102"), "中心小学", ("2050202", "2050203"), ("30217", "30231")),
    ("106", "县文化旅游局", ("2070101", "2070109"), "", (), ("30217",)),
    ("107", "县人力资源和社会保障局", ("2080101", "2080505"), "", (), ("30217",)),
    ("108", "县民政局", ("2081002", "2081902"), "", (), ("30231",)),
    ("109", "县卫生健康局", ("2100101", "2100408"), "卫生院", ("2100201", "2100408"), ("30217", "30231")),
    ("110", "县生态环境局", ("2110301", "2110302"), "", (), ("30231",)),
    ("111", "县住房和城乡建设局", ("2120101", "2120399"), "", (), ("30231",)),
    ("112", "县农业农村局", ("2130101", "2130122"), "", (), ("30217", "30231")),
    ("113", "县水利局", ("2130301", "2130314"), "", (), ("30231",)),
    ("114", "县交通运输局", ("2140101", "2140106"), "", (), ("30217", "30231")),
)
SPECIAL_FUND_DEPARTMENTS = ("105", "109", "112", "113", "114")
PLACES = (
    "城关",
    "青山",
    "绿水",
    "白沙",
    "石门",
    "桃源",
    "龙潭",
    "新塘",
    "高桥",
    "柳溪",
    "东岭",
    "西河",
    "南岗",
    "北坪",
    "长乐",
    "安宁",
    "永兴",
    "太平",
    "三江",
    "金田",
    "云台",
    "凤凰",
    "双井",
    "花园",
    "黄土",
    "大坪",
    "官庄",
    "杨林",
    "马鞍",
    "沙坪",
)
# Basic expenditure economic codes with a payment weight and the payee kind.
BASIC_ECONOMIC = (
    ("30101", 3, "person"),
    ("30102", 2, "person"),
    ("30107", 2, "person"),
    ("30201", 2, "company"),
    ("30211", 1, "person"),
    ("30213", 1, "company"),
    ("30226", 1, "person"),
    ("31002", 1, "company"),
)
COMPANY_HEADS = (
    "华兴",
    "恒通",
    "德润",
    "金信",
    "永安",
    "同创",
    "瑞丰",
    "宏远",
    "安达",
    "鑫盛",
    "博雅",
    "正源",
    "嘉禾",
    "天成",
    "汇通",
    "中和",
    "长城",
    "利民",
    "兴业",
    "东方",
    "新华",
    "宝丰",
    "明达",
    "合力",
    "绿源",
    "精诚",
    "九州",
    "星光",
    "润泽",
    "科创",
)
COMPANY_TAILS = (
    "商贸有限公司",
    "建筑工程有限公司",
    "办公设备经营部",
    "信息技术有限公司",
    "印务有限公司",
    "物业服务有限公司",
    "汽车维修有限公司",
    "餐饮管理有限公司",
    "医疗器械有限公司",
    "文化传媒有限公司",
    "环保科技有限公司",
    "农业开发有限公司",
    "水利水电工程有限公司",
    "交通设施有限公司",
    "电气安装有限公司",
    "图书发行有限公司",
    "劳务服务有限公司",
    "家具有限公司",
    "石油销售有限公司",
    "通信服务有限公司",
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = (
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "文",
    "华",
    "红",
    "建国",
    "志强",
    "海燕",
)

NORMAL_EXECUTION = Decimal("0.9")
CENT = Decimal("0.01")


@dataclass
class GeneratedUnit:
    code: str
    name: str
    department: str | None


@dataclass
class GeneratedLine:
    unit_code: str
    function_code: str
    economic_code: str
    project_code: str
    project_name: str
    fund_source: str
    initial_amount: Decimal
    adjusted_amount: Decimal
    is_special: bool
    approved_on: dt.date
    year: int
    count: int = 0
    adjustment_on: dt.date | None = None

    @property
    def key(self) -> str:
        return f"{self.unit_code}|{self.function_code}|{self.economic_code}|{self.project_code}"


@dataclass
class Injection:
    rule: str
    key: str  # the rule's raw key (engine.stable_key adds the year)
    note: str
    vouchers: list[str] = field(default_factory=list)


@dataclass
class GeneratedCounty:
    year: int
    as_of: dt.date
    units: list[GeneratedUnit]
    lines: list[GeneratedLine]
    prev_lines: list[GeneratedLine]
    injections: list[Injection]
    payment_count: int = 0
    prev_payment_count: int = 0
    files: list[str] = field(default_factory=list)


def workdays(year: int, until: dt.date | None = None) -> list[dt.date]:
    """Working days of the year from ``chinese_calendar`` (Monday–Friday when it does not know the year)."""
    import chinese_calendar

    end = until or dt.date(year, 12, 31)
    day, out = dt.date(year, 1, 1), []
    while day <= end:
        try:
            ok = chinese_calendar.is_workday(day)
        except NotImplementedError:
            ok = day.weekday() < 5
        if ok:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _company(i: int) -> str:
    return (
        f"{COMPANY_HEADS[i % len(COMPANY_HEADS)]}{COMPANY_TAILS[(i // len(COMPANY_HEADS)) % len(COMPANY_TAILS)]}"
        + (
            ""
            if i < len(COMPANY_HEADS) * len(COMPANY_TAILS)
            else f"{i // (len(COMPANY_HEADS) * len(COMPANY_TAILS))}分公司"
        )
    )


def _person(i: int) -> str:
    return f"{SURNAMES[i % len(SURNAMES)]}{GIVEN[(i // len(SURNAMES)) % len(GIVEN)]}" + (
        "" if i < len(SURNAMES) * len(GIVEN) else str(i // (len(SURNAMES) * len(GIVEN)))
    )


def _units(payments: int) -> list[GeneratedUnit]:
    units = [GeneratedUnit(code, name, None) for code, name, *_ in DEPARTMENTS]
    extra = max(0, min(186, payments // 5000 - len(DEPARTMENTS)))
    parents = [d for d in DEPARTMENTS if d[3]]
    for i in range(extra):
        dept = parents[i % len(parents)]
        n = i // len(parents)
        place = PLACES[n % len(PLACES)] + (str(n // len(PLACES) + 1) if n >= len(PLACES) else "")
        units.append(
            GeneratedUnit(
                f"{dept[0]}{n + 1:03d}", f"{place}{'镇' if dept[3] != '派出所' else ''}{dept[3]}", dept[0]
            )
        )
    return units


def _round_up(value: Decimal, step: int = 100) -> Decimal:
    return (value / step).to_integral_value(ROUND_CEILING) * step


def generate(
    *,
    congress_id: int,
    year: int,
    payments: int,
    seed: int = 1,
    as_of: dt.date | None = None,
    write: bool = True,
    threads: int | None = None,
) -> GeneratedCounty:
    """Generate about ``payments`` treasury payments for ``year`` up to ``as_of`` (default 31 December),
    the budget lines they were paid from, a previous year's three public expenses, and anomalies."""
    if payments < 2000:
        raise ValueError("payments must be at least 2000")
    as_of = as_of or dt.date(year, 12, 31)
    cls = classification()
    days = workdays(year, as_of)
    units = _units(payments)
    dept_by_code = {d[0]: d for d in DEPARTMENTS}
    # --- budget lines (counts now, amounts after the payments exist)
    lines: list[GeneratedLine] = []
    weights: list[float] = []
    kinds: list[str] = []
    special_day = days[min(len(days) - 1, 25)]  # issued in February
    zero = Decimal(0)
    for u_index, unit in enumerate(units):
        dept = dept_by_code[unit.department or unit.code]
        functions = dept[4] if unit.department else dept[2]
        basic_fn, project_fn = functions[0], functions[-1]

        def add(
            fn: str,
            econ: str,
            weight: float,
            kind: str,
            project: str = "",
            name: str = "",
            special: bool = False,
            unit: GeneratedUnit = unit,
        ) -> None:
            lines.append(
                GeneratedLine(
                    unit.code,
                    fn,
                    econ,
                    project,
                    name,
                    "上级专项转移支付" if special else "一般公共预算",
                    zero,
                    zero,
                    special,
                    special_day if special else dt.date(year, 1, 1),
                    year,
                )
            )
            weights.append(weight)
            kinds.append(kind)

        for econ, weight, kind in BASIC_ECONOMIC:
            add(basic_fn, econ, weight, kind)
        if not unit.department:
            for econ in dept[5]:
                add(basic_fn, econ, 0.5, "company")
        add(project_fn, "30227", 2, "company", f"XM{year}{unit.code}01", f"{unit.name}业务委托项目")
        if u_index % 2 == 0:
            add(project_fn, "31005", 2, "company", f"XM{year}{unit.code}02", f"{unit.name}设施建设项目")
        if not unit.department and unit.code in SPECIAL_FUND_DEPARTMENTS:
            add(
                project_fn,
                "31005",
                2,
                "company",
                f"ZX{year}{unit.code}01",
                f"{unit.name}上级专项资金项目",
                True,
            )
            add(project_fn, "30227", 2, "company", f"ZX{year}{unit.code}02", f"{unit.name}专项业务经费", True)
    total_weight = sum(weights)
    for line, share in zip(lines, weights, strict=True):
        line.count = max(3, round(payments * share / total_weight))

    injections: list[Injection] = []
    tpe = set(cls.three_public_codes)
    plain = [i for i, ln in enumerate(lines) if ln.economic_code not in tpe and not ln.is_special]
    used_units: set[str] = set()
    used_lines: set[int] = set()

    def pick_line(predicate: Callable[[GeneratedLine], bool] = lambda ln: True) -> int:
        for i in plain:
            if i not in used_lines and lines[i].unit_code not in used_units and predicate(lines[i]):
                used_lines.add(i)
                return i
        raise ValueError("not enough budget lines for the injections; raise payments")

    def pick_unit(predicate: Callable[[GeneratedUnit], bool] = lambda u: True) -> GeneratedUnit:
        for unit in reversed(units):
            if unit.code not in used_units and predicate(unit):
                used_units.add(unit.code)
                return unit
        raise ValueError("not enough units for the injections; raise payments")

    # Units with one anomaly each, chosen before the payments are generated.
    rush_unit = pick_unit(lambda u: u.department is None and u.code not in SPECIAL_FUND_DEPARTMENTS)
    tpe_over_unit = pick_unit(lambda u: u.department is None)
    tpe_growth_unit = pick_unit(lambda u: u.department is None)
    delayed_special = next(
        i for i, ln in enumerate(lines) if ln.is_special and ln.unit_code not in used_units
    )
    used_units.add(lines[delayed_special].unit_code)
    n_days = len(days)
    # A project with no spending in the last quarter ended by ``as_of`` (Hubei's rule).
    quarter = next((q for q in (3, 2, 1) if _quarter_end(year, q) <= as_of), 0)
    idle_line = -1
    gap_lo = gap_n = 0
    if quarter:
        idle_line = pick_line(lambda ln: ln.project_code != "")
        gap_lo = next(i for i, d in enumerate(days) if d.month >= 3 * quarter - 2)
        gap_n = next((i for i, d in enumerate(days) if d.month > 3 * quarter), n_days) - gap_lo
    approved_idx = days.index(special_day)

    con = store.connect(threads)
    con.register(
        "wd_arrow",
        pa.table({"idx": pa.array(range(n_days), type=pa.int32()), "d": pa.array(days, type=pa.date32())}),
    )
    con.execute("CREATE TEMP TABLE wd AS SELECT * FROM wd_arrow")
    dec_idx = [i for i, d in enumerate(days) if d.month == 12]
    companies = pa.array([_company(i) for i in range(3000)], type=pa.string())
    persons = pa.array([_person(i) for i in range(3000)], type=pa.string())
    con.register("companies", pa.table({"idx": pa.array(range(3000), type=pa.int32()), "name": companies}))
    con.register("persons", pa.table({"idx": pa.array(range(3000), type=pa.int32()), "name": persons}))
    start_rows, row = [], 0
    for line in lines:
        start_rows.append(row)
        row += line.count
    normal_count = row
    line_rows: dict[str, list[Any]] = {
        "line_idx": list(range(len(lines))),
        "unit_code": [ln.unit_code for ln in lines],
        "function_code": [ln.function_code for ln in lines],
        "economic_code": [ln.economic_code for ln in lines],
        "project_code": [ln.project_code for ln in lines],
        "n": [ln.count for ln in lines],
        "start_row": start_rows,
        "min_idx": [approved_idx if ln.is_special else 0 for ln in lines],
        "first_idx": [min(n_days - 1, approved_idx + 3) if ln.is_special else -1 for ln in lines],
        "rush": [ln.unit_code == rush_unit.code and not ln.is_special for ln in lines],
        "gap_lo": [gap_lo if i == idle_line else 0 for i in range(len(lines))],
        "gap_n": [gap_n if i == idle_line else 0 for i in range(len(lines))],
        "payee_kind": kinds,
        "purpose": [
            f"{cls.economic.get(ln.economic_code, '')}支出"
            if not ln.project_code
            else f"{ln.project_name}款项"
            for ln in lines
        ],
        "fund_source": [ln.fund_source for ln in lines],
    }
    # The delayed special fund: nothing paid until 90 days after issue.
    line_rows["min_idx"][delayed_special] = min(n_days - 1, approved_idx + 70)
    line_rows["first_idx"][delayed_special] = -1
    con.register("gen_lines_arrow", pa.table(line_rows))
    con.execute("CREATE TEMP TABLE gen_lines AS SELECT * FROM gen_lines_arrow")
    dec_lo, dec_n = (dec_idx[0], len(dec_idx)) if dec_idx else (0, 0)
    voucher_prefix = f"ZF{year}{congress_id % 100:02d}"
    con.execute(f"""
        CREATE TEMP TABLE gen AS
        WITH r AS (
            SELECT l.*, unnest(range(l.n)) AS k FROM gen_lines l
        ), h AS (
            SELECT r.*, start_row + k AS rowno,
                   hash(start_row + k, {seed}, 1) AS h1, hash(start_row + k, {seed}, 2) AS h2,
                   hash(start_row + k, {seed}, 3) AS h3
            FROM r
        )
        SELECT '{voucher_prefix}' || lpad(CAST(rowno AS VARCHAR), 10, '0') AS voucher_no,
               wd.d AS pay_date, unit_code, function_code, economic_code, project_code,
               CASE WHEN payee_kind = 'person' THEN p.name ELSE c.name END AS payee_name,
               CASE WHEN payee_kind = 'person' THEN 'personal' ELSE 'unit' END AS payee_account_kind,
               CAST((50000 + h1 % 1450000) / 100.0 AS DECIMAL(18,2)) AS amount,
               purpose, CASE WHEN h3 % 3 = 0 THEN 'authorized' ELSE 'direct' END AS pay_way,
               fund_source, CAST(0 AS BIGINT) AS import_id
        FROM h
        JOIN wd ON wd.idx = CASE
            WHEN k = 0 AND first_idx >= 0 THEN first_idx
            WHEN rush AND {dec_n} > 0 AND h2 % 100 < 45 THEN {dec_lo} + CAST(h2 // 100 % {max(dec_n, 1)} AS INTEGER)
            WHEN gap_n > 0 THEN CAST(h2 // 100 % ({n_days} - gap_n) AS INTEGER)
                + CASE WHEN CAST(h2 // 100 % ({n_days} - gap_n) AS INTEGER) >= gap_lo THEN gap_n ELSE 0 END
            ELSE min_idx + CAST(h2 // 100 % ({n_days} - min_idx) AS INTEGER) END
        LEFT JOIN companies c ON c.idx = CAST(h3 // 7 % 3000 AS INTEGER)
        LEFT JOIN persons p ON p.idx = CAST(h3 // 7 % 3000 AS INTEGER)
    """)  # noqa: S608
    sums = dict(
        con.execute(
            "SELECT unit_code || '|' || function_code || '|' || economic_code || '|' || "
            "project_code, sum(amount) FROM gen GROUP BY 1"
        ).fetchall()
    )
    for line in lines:
        paid = Decimal(str(sums.get(line.key, 0)))
        line.adjusted_amount = _round_up(paid / NORMAL_EXECUTION)

    # --- injected anomalies: extra payments (rows after the normal ones) and budget changes
    extra: list[dict[str, object]] = []
    seq = [normal_count]

    def voucher() -> str:
        seq[0] += 1
        return f"{voucher_prefix}{seq[0]:010d}"

    def pay(
        line: GeneratedLine,
        day: dt.date,
        amount: Decimal,
        payee: str,
        kind: str,
        purpose: str,
        economic: str | None = None,
        absorb: bool = True,
    ) -> str:
        number = voucher()
        extra.append(
            {
                "voucher_no": number,
                "pay_date": day,
                "unit_code": line.unit_code,
                "function_code": line.function_code,
                "economic_code": economic or line.economic_code,
                "project_code": line.project_code if economic is None else "",
                "payee_name": payee,
                "payee_account_kind": kind,
                "amount": amount,
                "purpose": purpose,
                "pay_way": "direct",
                "fund_source": line.fund_source,
                "import_id": 0,
            }
        )
        if absorb and economic is None:  # keep the line 90 % executed
            line.adjusted_amount += _round_up(amount / NORMAL_EXECUTION)
        return number

    mid = [d for d in days if 3 <= d.month <= 10]
    step = max(1, len(mid) // 17)
    free_days = iter(mid[::step])

    ln = lines[pick_line(lambda x: x.adjusted_amount > 0)]
    ln.adjusted_amount = max(
        _round_up(ln.adjusted_amount / Decimal("0.4") * NORMAL_EXECUTION), Decimal(1200000)
    )
    injections.append(Injection("execution_lag", f"line:{ln.key}", "line paid well behind the time progress"))

    ln = lines[pick_line()]
    paid = ln.adjusted_amount * NORMAL_EXECUTION
    ln.adjusted_amount = (paid / Decimal("1.2") / 100).to_integral_value(ROUND_FLOOR) * 100
    injections.append(Injection("over_budget", f"line:{ln.key}", "line paid 120 % of its budget"))

    ln = lines[pick_line()]
    vouchers = [
        pay(
            ln,
            next(free_days),
            Decimal("4321.50") + i,
            _company(7 + i),
            "unit",
            "其他商品和服务支出",
            economic="30299",
        )
        for i in range(3)
    ]
    injections.append(
        Injection(
            "no_budget_line",
            f"combo:{ln.unit_code}|{ln.function_code}|30299|",
            "payments on an economic code the unit has no line for",
            vouchers,
        )
    )

    ln = lines[pick_line()]
    v = pay(
        ln, next(free_days), Decimal("786500.00"), _company(11), "unit", f"{ln.project_name or '设备'}采购款"
    )
    injections.append(Injection("large_payment", f"voucher:{v}", "single payment of ¥786,500", [v]))

    ln = lines[pick_line()]
    v = pay(ln, next(free_days), Decimal("68000.00"), "赵某某", "personal", "劳务报酬")
    injections.append(Injection("personal_account", f"voucher:{v}", "¥68,000 to a personal account", [v]))

    for i, line in enumerate(lines):
        if line.unit_code == tpe_over_unit.code and line.economic_code in tpe:
            paid = line.adjusted_amount * NORMAL_EXECUTION
            line.adjusted_amount = (paid / Decimal("1.25") / 100).to_integral_value(ROUND_FLOOR) * 100
            used_lines.add(i)
            injections.append(Injection("over_budget", f"line:{line.key}", "three public line over budget"))
    injections.append(
        Injection(
            "three_public_over_budget", f"unit:{tpe_over_unit.code}", "three public expenses 125 % of budget"
        )
    )
    injections.append(
        Injection(
            "three_public_growth",
            f"unit:{tpe_growth_unit.code}",
            "three public expenses 25 % above last year",
        )
    )
    injections.append(Injection("year_end_rush", f"unit:{rush_unit.code}", "45 % of payments in December"))

    ln = lines[pick_line()]
    start = next(d for d in mid if all(d + dt.timedelta(days=j) in days for j in range(3)) and d.month >= 5)
    split_payee = "速达工程咨询有限公司"
    vouchers = [
        pay(
            ln,
            start + dt.timedelta(days=j),
            Decimal("230000.00") + j * 1000,
            split_payee,
            "unit",
            "工程咨询服务费",
        )
        for j in range(3)
    ]
    injections.append(
        Injection(
            "split_payment",
            f"split:{ln.unit_code}|{split_payee}|{start.isoformat()}",
            "three payments of about ¥230,000 on three days",
            vouchers,
        )
    )

    ln = lines[pick_line()]
    day_set = set(days)
    saturday = next(
        d
        for d in (dt.date(year, 6, 1) + dt.timedelta(days=j) for j in range(120))
        if d.weekday() == 5 and d not in day_set and d <= as_of
    )
    v = pay(ln, saturday, Decimal("26800.00"), _company(19), "unit", "设备维修款")
    injections.append(Injection("holiday_payment", f"voucher:{v}", "¥26,800 paid on a Saturday", [v]))

    ln = lines[pick_line()]
    v = pay(ln, next(free_days), Decimal("35000.00"), "本单位", "unit", "提取现金（备用金）")
    injections.append(Injection("cash_withdrawal", f"voucher:{v}", "¥35,000 cash withdrawal", [v]))

    if quarter:
        injections.append(
            Injection(
                "idle_project",
                f"idle:{lines[idle_line].key}|Q{quarter}",
                f"project line with no payment in quarter {quarter}",
            )
        )

    injections.append(
        Injection(
            "special_fund_delay",
            f"line:{lines[delayed_special].key}",
            "special fund first paid 70 working days after issue",
        )
    )

    ln = lines[pick_line()]
    d1 = next(free_days)
    d2 = days[days.index(d1) + 2]
    dup_payee = "诚信办公用品商行"
    vouchers = [pay(ln, d, Decimal("12860.00"), dup_payee, "unit", "购置办公用品") for d in (d1, d2)]
    injections.append(
        Injection(
            "duplicate_payment",
            f"dup:{dup_payee}|12860.00|购置办公用品|{d1.isoformat()}",
            "the same invoice paid twice two working days apart",
            vouchers,
        )
    )

    if extra:
        con.register("extra_arrow", pa.Table.from_pylist(extra, schema=store.ARROW_SCHEMA))
        con.execute("INSERT INTO gen SELECT * FROM extra_arrow")

    # --- last year's three public expenses (for the year-on-year rule) and their lines
    prev_days = workdays(year - 1, _same_day(as_of, year - 1))
    con.register(
        "pwd_arrow",
        pa.table(
            {
                "idx": pa.array(range(len(prev_days)), type=pa.int32()),
                "d": pa.array(prev_days, type=pa.date32()),
            }
        ),
    )
    con.execute("CREATE TEMP TABLE pwd AS SELECT * FROM pwd_arrow")
    prev_prefix = f"ZF{year - 1}{congress_id % 100:02d}"
    con.execute(
        f"""
        CREATE TEMP TABLE prev AS
        SELECT '{prev_prefix}' || substr(voucher_no, {len(voucher_prefix) + 1}) AS voucher_no, pwd.d AS pay_date,
               unit_code, function_code, economic_code, project_code, payee_name, payee_account_kind,
               CAST(amount * CASE WHEN unit_code = '{tpe_growth_unit.code}' THEN 0.8 ELSE 1.1 END AS DECIMAL(18,2))
                   AS amount,
               purpose, pay_way, fund_source, import_id
        FROM gen JOIN wd ON wd.d = gen.pay_date
        JOIN pwd ON pwd.idx = CAST(wd.idx * {len(prev_days)} // {n_days} AS INTEGER)
        WHERE economic_code IN (SELECT unnest($tpe))
    """,  # noqa: S608
        {"tpe": sorted(tpe)},
    )
    prev_sums = con.execute(
        "SELECT unit_code, function_code, economic_code, project_code, sum(amount) "
        "FROM prev GROUP BY ALL ORDER BY 1, 2, 3, 4"
    ).fetchall()
    prev_lines = [
        GeneratedLine(
            u,
            f,
            e,
            p,
            "",
            "一般公共预算",
            _round_up(Decimal(str(s)) / NORMAL_EXECUTION),
            _round_up(Decimal(str(s)) / NORMAL_EXECUTION),
            False,
            dt.date(year - 1, 1, 1),
            year - 1,
        )
        for u, f, e, p, s in prev_sums
    ]

    # Mid-year adjustments on every seventh line (预算调整), for realistic drill-down figures.
    for i, line in enumerate(lines):
        line.initial_amount = line.adjusted_amount
        if i % 7 == 3 and line.adjusted_amount > 0:
            line.initial_amount = _round_up(line.adjusted_amount * Decimal("0.9"))
            line.adjustment_on = dt.date(year, 7, 1)

    result = GeneratedCounty(year, as_of, units, lines, prev_lines, injections)
    counts = store.first_row(con, "SELECT (SELECT count(*) FROM gen), (SELECT count(*) FROM prev)")
    if counts is None:
        raise RuntimeError("generation produced no counts")
    result.payment_count, result.prev_payment_count = int(counts[0]), int(counts[1])
    if write:
        tag = f"generated-{seed}"
        for table, y in (("gen", year), ("prev", year - 1)):
            path = store.write_partition(
                con,
                f"SELECT * FROM {table}",  # noqa: S608
                congress_id=congress_id,
                year=y,
                tag=tag,  # noqa: S608
            )
            if path:
                result.files.append(str(path))
    con.close()
    return result


def _quarter_end(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter, 1).replace(day=31 if quarter in (1, 4) else 30)


def _same_day(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def expected_keys(county: GeneratedCounty) -> set[tuple[str, str]]:
    from renda.budget.engine import stable_key

    return {(inj.rule, stable_key(county.year, inj.key)) for inj in county.injections}
