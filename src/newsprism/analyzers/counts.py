"""Find counted things ("18 airstrikes", "at least 12 people", "dozens of vehicles") and their role.

A count is a number (digits, number words, "a dozen") or a vague quantity ("dozens",
"hundreds", kept as ranges), with an optional qualifier ("at least", "more than", "up to") and
a head noun within a few words. The head noun gives the role: strikes, sorties, targets,
vehicles, places, or people; people are `killed`, `wounded` or `captured` by the verbs around
the count ("killed 27 commanders", "12 people were killed", "killing 12 people"), otherwise
`people`. Numbers without a countable head (years, percentages, times, dates) are not counts of
an event (percentages are still returned, with role `percent`, as QUANTITY mentions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
# Vague quantities as ranges: "dozens" is two dozen up to just under a hundred, and so on by
# the same reading for larger words; "a few"/"several" follow common usage (2-5, 3-9).
VAGUE = {
    "dozens": (24, 99),
    "scores": (40, 99),
    "hundreds": (200, 999),
    "thousands": (2000, 9999),
    "tens of thousands": (20000, 99999),
    "hundreds of thousands": (200_000, 999_999),
    "several": (3, 9),
    "a few": (2, 5),
    "a handful": (2, 5),
}

_WORD_NUMBER = (
    r"(?:(?:"
    + "|".join(_TENS)
    + r")(?:[-\s](?:"
    + "|".join(k for k in _UNITS if k != "zero")
    + r"))?|"
    + "|".join(_UNITS)
    + r")(?:\s+(?:hundred|thousand|million))?"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s+(?:hundred|thousand|million))?"
_NUM = rf"(?:{_DIGITS}|(?:a|one|two|three)\s+dozen|a\s+(?:hundred|thousand)|{_WORD_NUMBER})"
_QUALIFIER = (
    r"(?P<qual>at\s+least|more\s+than|over|nearly|almost|about|around|some|up\s+to|"
    r"fewer\s+than|less\s+than|as\s+many\s+as|approximately|roughly|an\s+estimated)\s+"
)
_VAGUE = (
    r"(?:tens|hundreds)\s+of\s+thousands|dozens|scores|hundreds|thousands|several|a\s+few|"
    r"a\s+handful"
)
NUMBER = rf"(?:{_NUM}|{_VAGUE})"
"""A number as counts read it (digits, number words, "a dozen", "dozens"), for patterns
elsewhere that must know where a figure stands."""
_COUNT = re.compile(
    rf"(?<![\w.,-])(?:{_QUALIFIER})?"
    rf"(?:(?P<vague>{_VAGUE})|(?P<num>{_NUM})(?:\s*(?:-|–|to|or)\s*(?P<num2>{_NUM}))?)"
    rf"(?P<pct>\s*%|\s+per\s*cent|\s+percent)?"
    rf"(?![\w%])",
    re.IGNORECASE,
)
# Up to this many words may stand between a number and its head noun, and only words that can
# modify a noun ("27 ISIS field commanders", "two convoys of armored vehicles"): a preposition,
# article or verb ends the search ("26 in a bombing raid" counts no raids).
_HEAD_MAX_WORDS = 4
_WORD = re.compile(r"[A-Za-z][\w’'-]*")
_STOP = frozenset(
    [
        "in",
        "on",
        "at",
        "a",
        "an",
        "the",
        "to",
        "for",
        "by",
        "with",
        "from",
        "and",
        "or",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "had",
        "has",
        "have",
        "that",
        "which",
        "who",
        "as",
        "than",
        "per",
        "since",
        "during",
        "after",
        "before",
        "this",
        "these",
        "those",
        "its",
        "their",
        "his",
        "her",
    ]
)

ROLE_OF_HEAD: dict[str, str] = {}
for _role, _words in {
    "strikes": "airstrike airstrikes strike strikes raid raids bombing bombings bombardments "
    "missiles rockets shells",
    "sorties": "sortie sorties flights missions",
    "targets": "target targets objects facilities positions sites",
    "vehicles": "vehicle vehicles tanks tank trucks",
    "convoys": "convoy convoys",
    "killed": "killed dead deaths fatalities martyrs",
    "wounded": "wounded injured injuries",
    "aircraft": "aircraft jets warplanes planes helicopters drones",
    "places": "towns villages cities areas settlements localities",
    "people": "people persons civilians children women men soldiers fighters militants "
    "terrorists rebels commanders officers doctors patients troops members insurgents "
    "jihadists policemen residents bodies militiamen servicemen refugees casualties "
    "victims pilots gunmen others civilian child woman man soldier fighter militant member "
    "commander officer person forces guards workers journalists",
}.items():
    for _word in _words.split():
        ROLE_OF_HEAD[_word] = _role

_KILL = re.compile(
    r"\b(?:kill(?:ed|ing|s)?|dead|died|deaths?|murder(?:ed|ing)?|execut(?:ed|ing)|"
    r"eliminat(?:ed|ing)|massacr(?:ed|ing)|slain|death\s+toll|lost\s+their\s+lives|"
    r"(?:cost|claim(?:ed|ing|s)?)\s+the\s+lives|fatalit)",
    re.IGNORECASE,
)
_WOUND = re.compile(r"\b(?:wound(?:s|ed|ing)?|injur(?:es|ed|ing|ies)|hurt)\b", re.IGNORECASE)
_CAPTURE = re.compile(
    r"\b(?:captur(?:ed|ing)|arrest(?:ed|ing)|detain(?:ed|ing)|abduct)", re.IGNORECASE
)
_BARE_VERB = re.compile(
    r"\s+(?:others\s+)?(?:were|have\s+been|had\s+been|are|got)\s+(?:also\s+|reportedly\s+)?"
    r"(?P<verb>killed|dead|wounded|injured)\b",
    re.IGNORECASE,
)
_PREDICATE = re.compile(
    r"\s*(?:others\s+)?(?:were|was|are|is|got|have\s+been|has\s+been|had\s+been)\s+"
    r"(?:also\s+|reportedly\s+|later\s+|seriously\s+|critically\s+|lightly\s+)?"
    r"(?:killed|dead|wounded|injured|hurt|captured|arrested|detained|abducted)\b"
    r"|\s*(?:others\s+)?(?:sustained|suffered|received)\s+(?:\w+\s+)?(?:injuries|wounds)\b",
    re.IGNORECASE,
)
"""A verb that is the count's own predicate ("12 other civilians were injured", "100 others
sustained injuries"): it says what was counted, whatever verb comes before ("two civilians were
killed and 12 other civilians were injured")."""
_SECOND_GROUP = re.compile(r"\bothers?\b|\bmore\s+(?!than\b)[a-z]", re.IGNORECASE)
_PARTICIPLE = re.compile(r"\s*(?:killed|dead|wounded|injured|hurt)\b", re.IGNORECASE)
"""A second group's count ("12 others", "dozens more wounded") and the participle that, with no
copula, is its predicate in headline style ("Three civilians killed 12 others injured")."""
_VERB_BEFORE = re.compile(
    r"\b(?P<verb>kill(?:s|ed|ing)?|wound(?:s|ed|ing)?|injur(?:e|es|ed|ing))\s+$", re.IGNORECASE
)
"""A verb of killing or wounding right before a count that names no head noun."""
_YEAR_AFTER = re.compile(r"\b(?:since|in|of|by|until|from|before|after)\s+$", re.IGNORECASE)
_PARTITIVE = re.compile(rf"\b(?P<part>{_NUM})\s+of\s+(?:the|these|those|its|their)\s+$", re.I)
"""A part of a counted group before its count: "one of the two pilots", "two of the five men"."""
_GOVERNS = re.compile(r"(?:\s+of)?\s+", re.IGNORECASE)
"""What lies between a verb and the count it governs: a space, or "of" ("the lives of 12")."""
_VERB_WINDOW = 40
"""Characters before a people count searched for killed/wounded verbs (about six words)."""
_VERB_AFTER = 64
"""Characters after a people count searched (about ten words: the head may run on)."""


def number_value(text: str) -> float | None:
    """The value of a numeral or English number words ("twenty-seven", "1,200", "a dozen")."""
    words = text.lower().replace(",", "").replace("-", " ").split()
    if not words:
        return None
    if words[0] == "a":
        words[0] = "one"
    total = 0.0
    current = 0.0
    seen = False
    for word in words:
        if re.fullmatch(r"\d+(?:\.\d+)?", word):
            current += float(word)
        elif word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "dozen":
            current = (current or 1) * 12
        elif word in _SCALES:
            current = (current or 1) * _SCALES[word]
            if word != "hundred":
                total += current
                current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


@dataclass(frozen=True, slots=True)
class Count:
    """One QUANTITY mention: offsets, text, value range and role."""

    start: int
    end: int
    text: str
    min: int | None
    max: int | None
    role: str | None
    unit: str | None
    """The head noun counted ("commanders", "airstrikes")."""
    stated: int | None = None
    """The number as written ("at least 18" states 18); None for vague words and ranges."""
    qualifier: str | None = None
    """"at least", "more than", ... as written (lower case, single spaces), or None."""

    @property
    def exact(self) -> int | None:
        """The value when the count is exact, else None."""
        return self.min if self.min is not None and self.min == self.max else None

    def value(self) -> int | dict[str, int | None]:
        """The number for an event's `counts`: the stated number when one is written ("at least
        18" gives 18, as ACLED records the lowest reported figure; the qualifier is kept apart),
        else {"min", "max"} for ranges and vague words ("dozens")."""
        if self.stated is not None:
            return self.stated
        exact = self.exact
        return exact if exact is not None else {"min": self.min, "max": self.max}

    def to_attrs(self) -> dict[str, Any]:
        """Entity attrs of the contract's QUANTITY label."""
        return {
            "value": {"min": self.min, "max": self.max},
            "role": self.role,
            "unit": self.unit,
            "qualifier": self.qualifier,
        }


def _bounds(qual: str | None, low: float, high: float) -> tuple[int | None, int | None]:
    """Apply a qualifier to a value range."""
    lo, hi = int(low), int(high)
    q = " ".join((qual or "").lower().split())
    if q in ("at least", "as many as", "an estimated") and q != "as many as":
        return lo, None
    if q == "as many as":
        return None, hi
    if q in ("more than", "over"):
        return lo + 1, None
    if q in ("up to",):
        return None, hi
    if q in ("fewer than", "less than"):
        return None, max(hi - 1, 0)
    if q in ("nearly", "almost"):
        return None, hi
    return lo, hi


def _people_role(text: str, start: int, end: int) -> str:
    """killed / wounded / captured / people from the verbs near a people count."""
    before = text[max(0, start - _VERB_WINDOW) : start]
    # After the count the verb may follow a long head ("two members of Syria's National Defence
    # Forces were killed"): look further, but not past the sentence.
    after = re.split(r"[.;!?]", text[end : end + _VERB_AFTER], maxsplit=1)[0]
    predicate = _PREDICATE.match(after)
    if predicate is None and _SECOND_GROUP.search(text, start, end):
        # Headline style, no copula: "Three civilians killed 12 others injured".
        predicate = _PARTICIPLE.match(after)
    if predicate is not None:
        after = predicate.group(0)
        before = ""
    # The nearest verb wins: "killing 12 people and wounding 30" gives 12 killed, 30 wounded.
    best: tuple[int, str] | None = None
    for role, pattern in (("killed", _KILL), ("wounded", _WOUND), ("captured", _CAPTURE)):
        for match in pattern.finditer(before):
            distance = len(before) - match.end()
            if _GOVERNS.fullmatch(before, match.end()):
                # The count is the verb's own object ("claimed the lives of over 470000 people
                # injured 1.9 million others"): no verb after its head takes it.
                return role
            if best is None or distance < best[0]:
                best = (distance, role)
        following = pattern.search(after)
        if following is not None and (best is None or following.start() < best[0]):
            best = (following.start(), role)
    return best[1] if best else "people"


def _head_words(text: str, position: int, stop: int) -> list[re.Match[str]]:
    """The words after a number that may hold its head noun (see `_HEAD_MAX_WORDS`)."""
    out: list[re.Match[str]] = []
    for index, word in enumerate(_WORD.finditer(text, position, stop)):
        gap = text[out[-1].end() if out else position : word.start()]
        if len(out) >= _HEAD_MAX_WORDS or (not gap.isspace() and gap != ""):
            break
        lowered = word.group(0).lower()
        if lowered in _UNITS or lowered in _TENS:
            break  # "2015 Three civilians": the second number owns the head
        if lowered == "of" and index == 0:
            position = word.end()
            continue
        if lowered in _STOP and word.group(0) != "IS":  # "9 IS fighters": the group, no verb
            break
        out.append(word)
    return out


def find_counts(
    text: str, start: int = 0, end: int | None = None, skip: Sequence[tuple[int, int]] = ()
) -> list[Count]:
    """Counted things in `text[start:end]` (offsets in `text`), with roles.

    Numbers inside the `skip` ranges (date mentions: "February 23 2015") are not counts.
    """
    stop = len(text) if end is None else end
    out: list[Count] = []
    for match in _COUNT.finditer(text, start, stop):
        if any(s < match.end() and match.start() < e for s, e in skip):
            continue
        if _YEAR_AFTER.search(text, max(start, match.start() - 8), match.start()) and re.fullmatch(
            r"(?:19|20)\d\d", match.group(0)
        ):
            continue  # "since 2012 targeting crowded areas": a year, not 2012 areas
        low: float
        high: float
        if match.group("vague"):
            low, high = VAGUE[" ".join(match.group("vague").lower().split())]
        else:
            first = number_value(match.group("num"))
            if first is None:
                continue
            second = number_value(match.group("num2")) if match.group("num2") else first
            low, high = first, second if second is not None else first
        if match.group("pct"):
            lo, hi = _bounds(match.group("qual"), low, high)
            out.append(Count(match.start(), match.end(), match.group(0), lo, hi, "percent", "%"))
            continue
        role = unit = None
        count_end = match.end()
        for word in _head_words(text, match.end(), stop):
            if word.group(0).lower() in ROLE_OF_HEAD:
                unit = word.group(0).lower()
                role = ROLE_OF_HEAD[unit]
                count_end = word.end()
                break
        if role is None:
            # No head noun, but a verb says what was counted: the count's own ("10 were
            # wounded") or, in headline style, the one right before it ("Car bomb kills four
            # in Damascus", "attacks kill 10 injure scores").
            verb = _BARE_VERB.match(text, match.end(), stop) or _VERB_BEFORE.search(
                text, max(start, match.start() - 16), match.start()
            )
            if verb is not None:
                role = "killed" if _KILL.match(verb.group("verb")) else "wounded"
                unit = "people"
        if role is None:
            continue  # years, times, ages, ordinal-like numbers: not a count of anything here
        count_start = match.start()
        if role == "people":
            role = _people_role(text, match.start(), count_end)
            # "One of the two pilots was killed": the verb counts the part, not the group (a
            # noun that itself counts the dead, "one of the 40 victims", keeps its number).
            part = _PARTITIVE.search(text, max(start, match.start() - 24), match.start())
            part_value = number_value(part.group("part")) if part else None
            if part and part_value is not None and role != "people" and not match.group("vague"):
                low = high = part_value
                count_start = part.start()
        lo, hi = _bounds(match.group("qual"), low, high)
        single = not match.group("vague") and low == high
        qual = " ".join(match.group("qual").lower().split()) if match.group("qual") else None
        out.append(
            Count(
                count_start,
                count_end,
                text[count_start:count_end],
                lo,
                hi,
                role,
                unit,
                int(low) if single else None,
                qual,
            )
        )
    return out
