"""The bodies that sit and vote in a village, and how each is named in three languages.

>>> Body.VILLAGERS_MEETING.label(), Body.PARTY_MEMBERS_MEETING.label("en")
('村民会议', "party members' meeting")
"""

from __future__ import annotations

from enum import Enum

from .i18n import DEFAULT_LANG, LANGS, check_lang

__all__ = ["Body"]


class Body(Enum):
    """A body that holds sittings (会议). Values are the GLOSSARY identifiers."""

    VILLAGERS_MEETING = "villagers_meeting"
    REPRESENTATIVES_MEETING = "representatives_meeting"
    VILLAGER_GROUP_MEETING = "villager_group_meeting"
    PARTY_MEMBERS_MEETING = "party_members_meeting"
    BRANCH_COMMITTEE = "branch_committee"
    TWO_COMMITTEES = "two_committees"
    COLLECTIVE_MEMBERS_MEETING = "collective_members_meeting"

    def label(self, lang: str = DEFAULT_LANG) -> str:
        """The body's name in ``lang``."""
        return _LABELS[self][LANGS.index(check_lang(lang))]


_LABELS: dict[Body, tuple[str, str, str]] = {
    Body.VILLAGERS_MEETING: ("村民会议", "村民會議", "villagers' meeting"),
    Body.REPRESENTATIVES_MEETING: ("村民代表会议", "村民代表會議", "villagers' representatives' meeting"),
    Body.VILLAGER_GROUP_MEETING: ("村民小组会议", "村民小組會議", "villager group meeting"),
    Body.PARTY_MEMBERS_MEETING: ("党员大会", "黨員大會", "party members' meeting"),
    Body.BRANCH_COMMITTEE: ("村党组织委员会", "村黨組織委員會", "party branch committee"),
    Body.TWO_COMMITTEES: ("村“两委”联席会议", "村「兩委」聯席會議",
                          "joint meeting of the two committees"),
    Body.COLLECTIVE_MEMBERS_MEETING: ("集体经济组织成员大会", "集體經濟組織成員大會",
                                      "collective economic organisation members' meeting"),
}
