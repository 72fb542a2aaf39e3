"""Target groups of hateful or abusive comments, and coded slurs that are hateful on their own.

A learned model knows the words its training posts used; coded antisemitic terms of far-right
comment sections ("ZOG", "IzraHell", "zionist scum") are rare there, so a short lexicon names them.
Group words only say *who* a comment targets; slurs also make it hateful. Lower-case patterns,
matched on word boundaries (case-insensitive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GROUP_TERMS: dict[str, tuple[str, ...]] = {
    "jewish": (
        r"jews?",
        r"jewish",
        r"zionists?",
        r"zionism",
        r"zio",
        r"israel",
        r"israelis?",
        r"izra[h]?ell?",
        r"zog",
        r"kikes?",
        r"yids?",
        r"goyim",
        r"khazars?",
    ),
    "muslim": (r"muslims?", r"moslems?", r"islam\w*", r"muzzies?", r"ragheads?"),
    "arab": (r"arabs?", r"sand ?n[i1]gg\w*"),
    "black": (r"blacks?", r"african ?americans?", r"n[i1]gg(?:er|a|ah|az|ers)s?", r"coons?"),
    "hispanic": (r"hispanics?", r"latinos?", r"latinas?", r"mexicans?", r"beaners?", r"wetbacks?"),
    "asian": (r"asians?", r"chinese", r"chinks?", r"gooks?"),
    "women": (r"women", r"woman", r"females?", r"bitch\w*", r"whores?", r"sluts?", r"cunts?"),
    "lgbt": (r"gays?", r"lesbians?", r"trans", r"fag\w*", r"dykes?", r"trann(?:y|ies)", r"queers?"),
    "refugees": (r"refugees?", r"immigrants?", r"migrants?", r"illegals?"),
    "russian": (r"russians?", r"ruskies?"),
    "american": (r"americans?", r"yankees?", r"amerikk?a"),
}
"""Words naming (or slurring) a group, per group."""

SLURS: dict[str, tuple[str, ...]] = {
    "jewish": (
        r"zog",
        r"izra[h]?ell?",
        r"kikes?",
        r"yids?",
        r"zionist\W+(?:scum|filth|pigs?|vermin|terrorists?)",
        r"zionist-owned",
        r"khazars?",
        r"jew\W+(?:scum|pigs?|rats?|vermin)",
    ),
    "muslim": (r"muzzies?", r"ragheads?", r"sand ?n[i1]gg\w*"),
    "black": (r"n[i1]gg(?:er|ers|ah|az)", r"coons?", r"jungle bunn(?:y|ies)"),
    "hispanic": (r"beaners?", r"wetbacks?"),
    "asian": (r"chinks?", r"gooks?"),
    "lgbt": (r"faggots?", r"dykes?", r"trann(?:y|ies)"),
}
"""Terms hateful in themselves, with the group they target."""


def _compile(table: dict[str, tuple[str, ...]]) -> dict[str, re.Pattern[str]]:
    return {
        group: re.compile(r"\b(?:" + "|".join(terms) + r")\b", re.IGNORECASE)
        for group, terms in table.items()
    }


_GROUPS = _compile(GROUP_TERMS)
_SLURS = _compile(SLURS)


@dataclass(frozen=True, slots=True)
class LexiconHit:
    """One matched term: character offsets within the searched text, group, and whether a slur."""

    start: int
    end: int
    group: str
    slur: bool


def lexicon_hits(text: str) -> list[LexiconHit]:
    """Every group word and slur in `text`, in order (a slur is not also listed as a word)."""
    hits: dict[tuple[int, int, str], LexiconHit] = {}
    for group, pattern in _SLURS.items():
        for m in pattern.finditer(text):
            hits[(m.start(), m.end(), group)] = LexiconHit(m.start(), m.end(), group, True)
    slur_ranges = [(h.start, h.end) for h in hits.values()]
    for group, pattern in _GROUPS.items():
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in slur_ranges):
                continue
            hits[(m.start(), m.end(), group)] = LexiconHit(m.start(), m.end(), group, False)
    return sorted(hits.values(), key=lambda h: (h.start, h.end, h.group))
