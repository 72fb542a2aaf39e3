"""Who a casualty count counts: civilians or fighters, and whose fighters.

Two outlets' tolls disagree only when they count one group. "35 ISIS militants were killed in
coalition strikes" and "30 Kurdish fighters were killed by suicide bombers" are two tolls of two
sides, and "14 Daesh terrorists" against "15 civilians" counts different dead, even where both
reports speak of one place and day. The group comes from the head noun the counts layer found
(`unit`) and the parties named inside the count's phrase ("38 regime forces", "At least 10
Kurdish fighters"); counts of people in general ("people", "persons", "others", "the dead")
belong to no group and may be compared with any.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsprism.analyzers.events import actor_mentions
from newsprism.document import Document, Span

_CIVILIAN_WORDS = (
    "civilians civilian children child women woman residents villagers refugees patients "
    "doctors workers journalists students pupils worshippers"
)
CIVILIAN_UNITS = frozenset(_CIVILIAN_WORDS.split())
"""Head nouns of counts of non-combatants (children and women are civilians' parts: whether
they are a part is `count_parts`' question, not this module's)."""
_FIGHTER_WORDS = (
    "soldiers soldier fighters fighter militants militant terrorists terrorist rebels rebel "
    "commanders commander officers officer troops members member insurgents jihadists "
    "jihadist militiamen servicemen pilots gunmen forces guards mercenaries"
)
FIGHTER_UNITS = frozenset(_FIGHTER_WORDS.split())
"""Head nouns of counts of combatants ("members" of a group, "forces" of a side)."""
_SIDE_WORDS = re.compile(r"\b(?:regime|government|pro-government|loyalist|army)\b", re.I)
"""Words that name the Syrian government's side inside a count ("38 regime forces")."""
_OPPOSITION_WORDS = re.compile(
    r"\b(?:rebels?|opposition|terrorists?|takfiri|jihadists?|militants?|insurgents?|"
    r"mercenar(?:y|ies)|gunmen)\b",
    re.I,
)
"""Words for fighters against the government ("Syrian rebels", "Takfiri terrorists")."""
ANY_OPPOSITION = "(armed opposition)"
"""The side of fighters whose phrase names no party but calls them rebels, militants or
terrorists: against the government's side, any other armed group may be meant."""
GOVERNMENT_SIDE = frozenset({"Syria", "Russia", "Iran", "Hezbollah"})
"""The Syrian government and the parties fighting for it."""
_IS_ACRONYM = re.compile(r"\bIS\b")
""""18 IS jihadists": the group by its acronym, which reads as a verb elsewhere."""
_FAMILIES = re.compile(r"\b(?:famil(?:y|ies)|wives|relatives)\b", re.I)
"""A count of fighters' families ("six families of rebel fighters") is not of fighters."""


@dataclass(frozen=True, slots=True)
class Victims:
    """The group a count counts: `kind` "civilians" or "fighters", and for fighters the
    parties their phrase names (canonical actor names; empty when it names none)."""

    kind: str
    sides: frozenset[str] = frozenset()

    def differ(self, other: Victims) -> bool:
        """Whether two counts certainly count different dead: civilians against fighters, or
        fighters of parties neither phrase shares ("ISIS militants", "Kurdish fighters")."""
        if self.kind != other.kind:
            return True
        if not (self.sides and other.sides) or self.sides & other.sides:
            return False
        if ANY_OPPOSITION in self.sides | other.sides:
            # Unnamed rebels differ only from the government's side ("19 regime forces" and
            # "30 Takfiri terrorists"), not from a named group ("militants", "ISIS militants").
            return bool((self.sides | other.sides) & GOVERNMENT_SIDE)
        return True


def victims_of(doc: Document, mention: Span) -> Victims | None:
    """The group of a count mention (a `mentions` span with a `unit`), None for people in
    general."""
    unit = mention.attrs.get("unit")
    if not isinstance(unit, str):
        return None
    phrase = doc.span_text(mention)
    if _FAMILIES.search(phrase):
        return None
    unit = unit.lower()
    if unit in CIVILIAN_UNITS:
        return Victims("civilians")
    if unit not in FIGHTER_UNITS:
        return None
    sides = {name for _s, _e, name in actor_mentions(doc.text, mention.start, mention.end)}
    if _IS_ACRONYM.search(phrase):
        sides.add("Islamic State")
    if _SIDE_WORDS.search(phrase):
        sides.add("Syria")
    elif _OPPOSITION_WORDS.search(phrase):
        sides.discard("Syria")  # "Syrian rebel fighters" are not the state's
        sides = sides or {ANY_OPPOSITION}
    return Victims("fighters", frozenset(sides))
