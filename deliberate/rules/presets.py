"""The statutory presets: one rule per row of RULES.md, each with its citation and edition.

Village law is cited in its 2018 edition. The law was amended on 2025-10-28 (in force 2026-01-01)
and the amendment renumbers its articles; until the consolidated text is at hand the presets keep
the 2018 article numbers and say so in their ``note``. Every preset can be overridden with
:meth:`~deliberate.rules.Rule.replace`, because provinces implement these laws differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from types import MappingProxyType

from ..bodies import Body
from ..citations import organic_law
from ..errors import InvalidRule
from .model import Citation, Comparison, Count, PassRule, QuorumClause, Rule, Threshold, Wording

__all__ = [
    "AT_LEAST_FOUR_FIFTHS",
    "AT_LEAST_HALF",
    "AT_LEAST_TWO_THIRDS",
    "MORE_THAN_HALF",
    "PRESETS",
    "names",
    "preset",
]

MORE_THAN_HALF = Threshold(Fraction(1, 2), Comparison.MORE_THAN)  # 过半数
AT_LEAST_HALF = Threshold(Fraction(1, 2), Comparison.AT_LEAST)  # 半数以上
AT_LEAST_TWO_THIRDS = Threshold(Fraction(2, 3), Comparison.AT_LEAST)  # 三分之二以上
AT_LEAST_FOUR_FIFTHS = Threshold(Fraction(4, 5), Comparison.AT_LEAST)  # 五分之四以上

_RENUMBERED = Wording(
    "条号依2018年修正文本；2025年10月28日修正（2026年1月1日施行）后条号有调整",
    "條號依2018年修正文本；2025年10月28日修正（2026年1月1日施行）後條號有調整",
    "article numbers of the 2018 text; the 2025-10-28 amendment (in force 2026-01-01) renumbers them",
)


_VILLAGERS_QUORUM = (
    QuorumClause(Count.PRESENT, Count.EXPECTED, MORE_THAN_HALF),  # 十八周岁以上村民的过半数
    QuorumClause(Count.HOUSEHOLDS_PRESENT, Count.HOUSEHOLDS, AT_LEAST_TWO_THIRDS),  # 三分之二以上的户
)
_VILLAGERS_NOTICE = organic_law(21)  # 应当提前十天通知村民

_PARTY_RULES = Citation(Wording(
    "《中国共产党支部工作条例（试行）》关于党员大会的规定",
    "《中國共產黨支部工作條例（試行）》關於黨員大會的規定",
    "Regulations on the Work of Branches of the CPC (Trial), on the party members' meeting"),
    "2018")
_BRANCH_RULES = Citation(Wording(
    "《中国共产党支部工作条例（试行）》关于支部委员会的规定",
    "《中國共產黨支部工作條例（試行）》關於支部委員會的規定",
    "Regulations on the Work of Branches of the CPC (Trial), on the branch committee"), "2018")
_LAND = Citation(Wording(
    "《中华人民共和国农村土地承包法》第十九条、第二十八条、第五十二条；《中华人民共和国土地管理法》第六十三条",
    "《中華人民共和國農村土地承包法》第十九條、第二十八條、第五十二條；《中華人民共和國土地管理法》第六十三條",
    "Rural Land Contracting Law arts. 19, 28, 52; Land Administration Law art. 63"),
    "2018 (土地承包法) / 2019 (土地管理法)")
_LAND_NOTE = Wording(
    "须经全体成员（或全体村民代表）三分之二以上同意，而非到会人员的三分之二",
    "須經全體成員（或全體村民代表）三分之二以上同意，而非到會人員的三分之二",
    "two thirds of ALL members (or of all representatives), not of those present")

_PRESETS: dict[str, Rule] = {}


def _add(rule: Rule) -> None:
    _PRESETS[rule.name] = rule


_add(Rule(
    name="villagers_meeting",
    body=Body.VILLAGERS_MEETING,
    title=Wording("村民会议", "村民會議", "villagers' meeting"),
    quorum=_VILLAGERS_QUORUM,
    passing=PassRule(Count.PRESENT, MORE_THAN_HALF),  # 经到会人员的过半数通过
    citation=organic_law(22),
    notice_days=10,
    notice_citation=_VILLAGERS_NOTICE,
    note=_RENUMBERED,
))
_add(Rule(
    name="representatives_meeting",
    body=Body.REPRESENTATIVES_MEETING,
    title=Wording("村民代表会议", "村民代表會議", "villagers' representatives' meeting"),
    quorum=(QuorumClause(Count.PRESENT, Count.MEMBERS, AT_LEAST_TWO_THIRDS),),  # 三分之二以上的组成人员
    passing=PassRule(Count.PRESENT, MORE_THAN_HALF),  # 到会人员的过半数同意
    citation=organic_law(26),
    note=Wording(
        "通知期无全国性规定（如山东5日、浙江3日），可按本地规定设置；" + _RENUMBERED.zh_Hans,
        "通知期無全國性規定（如山東5日、浙江3日），可按本地規定設置；" + _RENUMBERED.zh_Hant,
        "no national notice period (Shandong 5 days, Zhejiang 3): set the local one; "
        + _RENUMBERED.en),
))
_add(Rule(
    name="villager_group_meeting",
    body=Body.VILLAGER_GROUP_MEETING,
    title=Wording("村民小组会议", "村民小組會議", "villager group meeting"),
    quorum=(QuorumClause(Count.PRESENT, Count.EXPECTED, AT_LEAST_TWO_THIRDS),
            QuorumClause(Count.HOUSEHOLDS_PRESENT, Count.HOUSEHOLDS, AT_LEAST_TWO_THIRDS)),
    passing=PassRule(Count.PRESENT, MORE_THAN_HALF),
    citation=organic_law(28),
    note=_RENUMBERED,
))
_add(Rule(
    name="party_members_meeting",
    body=Body.PARTY_MEMBERS_MEETING,
    title=Wording("党员大会", "黨員大會", "party members' meeting"),
    # 有表决权的到会人数须达应到会人数的半数以上; one text reads 超过半数 — override if so.
    quorum=(QuorumClause(Count.PRESENT, Count.EXPECTED, AT_LEAST_HALF),),
    # Counted against those who should attend, not those present.
    passing=PassRule(Count.EXPECTED, MORE_THAN_HALF),
    citation=_PARTY_RULES,
    excusable=True,
    note=Wording(
        "应到人数为应到会的有表决权的正式党员；预备党员可列席但无表决权；会议材料一般提前3日送达（地方惯例）",
        "應到人數為應到會的有表決權的正式黨員；預備黨員可列席但無表決權；會議材料一般提前3日送達（地方慣例）",
        "expected: full members with voting rights who should attend; probationary members attend "
        "without a vote; materials usually sent 3 days ahead (local practice)"),
))
_add(Rule(
    name="branch_committee",
    body=Body.BRANCH_COMMITTEE,
    title=Wording("支部委员会会议", "支部委員會會議", "branch committee meeting"),
    quorum=(QuorumClause(Count.PRESENT, Count.EXPECTED, AT_LEAST_HALF),),
    passing=PassRule(Count.EXPECTED, MORE_THAN_HALF),
    citation=_BRANCH_RULES,
    note=Wording("通过以应到委员过半数为准（党内惯例，可调整）", "通過以應到委員過半數為準（黨內慣例，可調整）",
                 "passing by more than half of all committee members (party practice; configurable)"),
))
_add(Rule(
    name="two_committees",
    body=Body.TWO_COMMITTEES,
    title=Wording("村“两委”联席会议", "村「兩委」聯席會議", "joint meeting of the two committees"),
    quorum=(QuorumClause(Count.PRESENT, Count.EXPECTED, MORE_THAN_HALF),),
    passing=PassRule(Count.EXPECTED, MORE_THAN_HALF),
    citation=Citation(Wording("无全国性规定，按地方惯例", "無全國性規定，按地方慣例",
                              "no national text; local practice"), "—"),
    note=Wording("两委成员交叉任职的只计一人；规则可按本地规定调整",
                 "兩委成員交叉任職的只計一人；規則可按本地規定調整",
                 "a person on both committees counts once; configurable to local rules"),
))
_add(Rule(
    name="land_contracting",
    body=Body.VILLAGERS_MEETING,
    title=Wording("村民会议（土地承包事项）", "村民會議（土地承包事項）",
                  "villagers' meeting on land contracting"),
    quorum=_VILLAGERS_QUORUM,
    passing=PassRule(Count.MEMBERS, AT_LEAST_TWO_THIRDS),
    citation=_LAND,
    notice_days=10,
    notice_citation=_VILLAGERS_NOTICE,
    note=_LAND_NOTE,
))
_add(Rule(
    name="land_contracting_representatives",
    body=Body.REPRESENTATIVES_MEETING,
    title=Wording("村民代表会议（土地承包事项）", "村民代表會議（土地承包事項）",
                  "representatives' meeting on land contracting"),
    quorum=(QuorumClause(Count.PRESENT, Count.MEMBERS, AT_LEAST_TWO_THIRDS),),
    passing=PassRule(Count.MEMBERS, AT_LEAST_TWO_THIRDS),
    citation=_LAND,
    note=_LAND_NOTE,
))
_add(Rule(
    name="collective_members_meeting",
    body=Body.COLLECTIVE_MEMBERS_MEETING,
    title=Wording("集体经济组织成员大会", "集體經濟組織成員大會",
                  "collective economic organisation members' meeting"),
    quorum=(QuorumClause(Count.PRESENT, Count.MEMBERS, AT_LEAST_TWO_THIRDS),),
    passing=PassRule(Count.MEMBERS, AT_LEAST_TWO_THIRDS),
    citation=Citation(Wording("《中华人民共和国农村集体经济组织法》第二十七条",
                              "《中華人民共和國農村集體經濟組織法》第二十七條",
                              "Rural Collective Economic Organisations Law, art. 27"), "2024"),
    note=Wording("成员指具有完全民事行为能力的成员", "成員指具有完全民事行為能力的成員",
                 "members: those with full civil capacity"),
))

PRESETS: Mapping[str, Rule] = MappingProxyType(_PRESETS)


def names() -> tuple[str, ...]:
    """The preset names, in the order of RULES.md."""
    return tuple(PRESETS)


def preset(name: str) -> Rule:
    """The statutory rule named ``name``.

    >>> from deliberate import rules, Attendance, Tally
    >>> rule = rules.preset("representatives_meeting")
    >>> rule.decide(Attendance(expected=30, present=9), Tally(4, 0, 5)).passed
    False
    >>> str(rule.citation)
    '《中华人民共和国村民委员会组织法》第二十六条'
    """
    try:
        return PRESETS[name]
    except (KeyError, TypeError):
        raise InvalidRule("err_unknown_preset", name=name, choices=", ".join(PRESETS)) from None
