"""Reference vocabularies used by the roster import and the composition statistics. These are
data values as they appear in official rosters (Chinese), not UI text."""

from __future__ import annotations

# The 56 ethnic groups as listed by the National Bureau of Statistics (GB/T 3304-1991).
HAN = "汉族"
ETHNICITIES = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
    "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族",
    "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族",
    "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族",
    "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族",
    "门巴族", "珞巴族", "基诺族",
)  # fmt: skip

# The eight democratic parties, by the short names used in rosters (政治面貌 "民革党员" etc.).
DEMOCRATIC_PARTIES = ("民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟")
CPC_PREFIX = "中共"  # 中共党员, 中共预备党员
NON_PARTISAN = "无党派人士"
MASSES = "群众"


def normalise_ethnicity(value: str) -> str | None:
    """'汉' and '汉族' both give '汉族'; an unknown name gives None."""
    value = value.strip()
    if value in ETHNICITIES:
        return value
    if f"{value}族" in ETHNICITIES:
        return f"{value}族"
    return None


def party_group(party: str) -> str:
    """The composition group of a 政治面貌 value: cpc, democratic, non_partisan, masses or unknown."""
    party = party.strip()
    if not party:
        return "unknown"
    if party.startswith(CPC_PREFIX) or party == "共产党员":
        return "cpc"
    if any(party.startswith(name) for name in DEMOCRATIC_PARTIES):
        return "democratic"
    if party.startswith("无党派"):
        return "non_partisan"
    if party == MASSES:
        return "masses"
    return "unknown"
