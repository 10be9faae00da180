"""Citations of the statutes the presets and findings rest on, built one way.

>>> str(organic_law(22))
'《中华人民共和国村民委员会组织法》第二十二条'
>>> organic_law(26).text("en"), organic_law(26).edition
("Organic Law of the Villagers' Committees of the PRC, art. 26", '2018')
"""

from __future__ import annotations

from .i18n import chinese_number
from .rules.model import Citation, Wording

__all__ = ["NUMBERED_2018", "ORGANIC_LAW", "organic_law"]

ORGANIC_LAW = Wording("《中华人民共和国村民委员会组织法》", "《中華人民共和國村民委員會組織法》",
                      "Organic Law of the Villagers' Committees of the PRC")


# The 2025-10-28 amendment (in force 2026-01-01) renumbered the articles; its consolidated text is
# not at hand, so the numbers cited are the 2018 text's, and every explanation says so.
NUMBERED_2018 = Wording("2018年文本条号", "2018年文本條號", "article numbers of the 2018 text")


def organic_law(article: int) -> Citation:
    """An article of the village law, in its 2018 edition (see the presets' note on 2025)."""
    n = chinese_number(article)
    return Citation(Wording(f"{ORGANIC_LAW.zh_Hans}第{n}条", f"{ORGANIC_LAW.zh_Hant}第{n}條",
                            f"{ORGANIC_LAW.en}, art. {article}"), "2018", NUMBERED_2018)
