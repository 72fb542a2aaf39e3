"""Conflicts between aligned claims of different independent sources, each with both spans.

Kinds: `polarity` (one asserts what the other denies; a denial of a party's part, "denied any
involvement", "denied firing on Varo", only what names that party as the actor; a denial that
speaks of civilians only a report of harm to civilians), `number` (the same count role of one
group of dead with ranges that do not overlap: 26 vs 27 killed; "at least 14" does not
contradict 17, fighters' tolls do not contradict civilians', a part of a toll or a further toll
none; where the higher toll says it revises an earlier one, "updating an earlier toll", the
note says so), `actor` (different acting parties, under any of their names), `date`
(different dates stated in both claims, at most `date_conflict_days` apart, unless both come
from one relative word: "on Saturday" in two reports published on different days, and not
when the earlier one tells when an act began), `place`
(places the gazetteer put the two events in from their own words, outside one area: not a
town and its province, not two places within `toll_city_km`; names alone only where it knows
none of the story's places, as in a fictional region). Claims of one independent source never
conflict with each other: an outlet (or the wire agency two outlets credit) updating its own
toll contradicts no one. One exception: two outlets carrying one text (a republication or a
near-duplicate) conflict where one of them changed it. A claim the other document also makes
(the same figures, nearly the same words) is their shared text, whatever it is aligned with; a
changed one is kept and noted as one text ("SANA said 25 injured, Al-Alam ran the report with
20"). One conflict is kept per alignment, kind and pair of documents."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from newsprism.analyzers.cues import NO_CIVILIAN_HARM
from newsprism.analyzers.events import actor_mentions
from newsprism.config import CorpusOptions
from newsprism.corpus.align import Alignment, Claim, comparable
from newsprism.corpus.areas import km, same_area, two_towns
from newsprism.corpus.articles import fold_name
from newsprism.corpus.count_ranges import format_range, ranges_overlap

KINDS = ("polarity", "number", "actor", "date", "place")
_VAGUE_ROLES = frozenset({"people"})
"""Count roles that say nothing of what was counted ("two women", "14 bodies"): a different
number there is a different group, not a contradiction."""
_GENERIC = frozenset(
    [
        "air",
        "force",
        "forces",
        "army",
        "ministry",
        "defence",
        "defense",
        "military",
        "government",
        "state",
        "group",
        "front",
        "the",
        "of",
        "and",
        "led",
        "jets",
        "aircraft",
        "warplanes",
        "troops",
        "republic",
        "coalition",
    ]
)


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two claims of one alignment that disagree on `kind`."""

    kind: str
    story_id: str
    alignment_id: str
    a: Claim
    b: Claim
    note: str

    def to_dict(self) -> dict[str, object]:
        """The stable JSON form of `newsprism conflicts`."""

        def side(claim: Claim) -> dict[str, object]:
            return {
                "doc": claim.doc_id,
                "span": claim.span_id,
                "start": claim.start,
                "end": claim.end,
                "text": claim.text,
            }

        return {
            "kind": self.kind,
            "story": self.story_id,
            "alignment": self.alignment_id,
            "a": side(self.a),
            "b": side(self.b),
            "note": self.note,
        }


def stem_tokens(name: str) -> set[str]:
    """Distinctive word stems of a name (5-letter prefixes; generic words left out)."""
    return {t[:5] for t in fold_name(name).split() if t not in _GENERIC and len(t) > 2}


def party_stems(name: str) -> set[str]:
    """`stem_tokens` of a name and of the parties it names under another form ("Damascus" and
    "Assad" name Syria, "Daesh" the Islamic State, "YPG" the Kurdish forces)."""
    stems = stem_tokens(name)
    for _start, _end, party in actor_mentions(name, 0, len(name)):
        stems |= stem_tokens(party)
    return stems


def actors_compatible(a: str, b: str, unnamed_fighters: bool = True) -> bool:
    """True when two actor names may be one party ("Russia" / "Russian and Syrian jets",
    "Ostravian Air Force" / "Ostravia", "Syria" / "Damascus"): they share a distinctive word
    stem, directly or through a party's other names (`party_stems`). Fighters named only by
    what they are ("Islamist militants", "rebels") may be any armed group but the
    government's side (unless `unnamed_fighters` is False: a named group's denial of its part
    does not answer what "rebels" are said to have done)."""
    ta, tb = party_stems(a), party_stems(b)
    if not ta or not tb:
        return True
    if ta & tb:
        return True
    if not unnamed_fighters:
        return False
    for generic, other in ((ta, tb), (tb, ta)):
        # "Syrian opposition" is the opposition's: the country's stem says nothing of whose.
        core = generic - {"syria"}
        if core and core <= _UNNAMED_FIGHTERS and not other & _GOVERNMENT_STEMS:
            return True
    return False


_UNNAMED_FIGHTERS = frozenset(
    {"islam", "milit", "rebel", "jihad", "terro", "insur", "gunme", "oppos", "armed", "group"}
)
"""Stems (`stem_tokens`) of names that say what fighters are, not whose: "Islamist militants",
"Syrian opposition", "rebels"."""
_GOVERNMENT_STEMS = frozenset({"syria", "damas", "assad", "regim", "russi", "iran", "hezbo"})
"""Stems of the government's side, which unnamed fighters are not."""


def pair_conflicts(
    a: Claim, b: Claim, options: CorpusOptions | None = None
) -> list[tuple[str, str]]:
    """(kind, note) for every way two aligned claims disagree (`options`: the area distances;
    the defaults when None)."""
    found: list[tuple[str, str]] = []
    limits = options or CorpusOptions()
    if _stated_apart(a, b, limits.date_conflict_days):
        # Both texts date their claim, days apart: two incidents ("10 civilians were killed
        # Friday" on 29 July, "20 people were killed Saturday" on 27 August), nothing to compare.
        return found
    asserting, denying = (a, b) if a.polarity == "assert" else (b, a)
    # Two places apart are two things said, not one asserted and denied ("all missiles hit
    # their targets in Syria" against "no missile fell on Iran").
    elsewhere = bool(a.places and b.places and not a.places & b.places and _apart(a, b, options))
    if (
        a.polarity != b.polarity
        and not elsewhere
        and not _two_countries(a, b)
        and not one_speaker(a.speaker, b.speaker)
        and _contradicts(asserting, denying)
    ):
        found.append(
            (
                "polarity",
                f"{_who(asserting)} asserts it; {_denier_name(denying)} denies it",
            )
        )
    roles = sorted({r for r, _l, _h in a.counts} & {r for r, _l, _h in b.counts} - _VAGUE_ROLES)
    for role in roles:
        ca, cb = a.count(role), b.count(role)
        if ca and cb and not ranges_overlap(ca, cb) and same_group(a, b, role):
            # Kept, but said: a toll that rose is a discrepancy in time, which readers of the
            # lower one should know of, more than a contradiction.
            revised = " (the higher toll says it revises an earlier one)"
            found.append(
                (
                    "number",
                    f"{role}: {format_range(*ca)} vs {format_range(*cb)}"
                    + (revised if _revises(a, b, ca[0], cb[0]) else ""),
                )
            )
    if a.layer != "events" or b.layer != "events":
        # Places, dates and actors are compared between reported events only: an attribution's
        # content names places and dates in passing (capitals as governments, "since March").
        return found
    if _one_and_many(a, b) or _one_and_many(b, a):
        # "Islamist militants killed a government pilot when he was forced to eject" and
        # "Thirty civilians were killed on Saturday in intensive Syrian air strikes": one
        # person's death and a mass killing are two acts, whoever did each and whenever.
        return found
    # Two actors of one event: both must be placed, by their own words or their paragraph's
    # (a ministry's "22 sorties over the past 24 hours" is no one incident), and one at least
    # dated (two undated commentaries' raids on Raqqa, the US's and Russia's, are two raids).
    # The places may differ: an outlet that blames another party often moves the incident too.
    placed = (a.places or a.context_places) and (b.places or b.context_places)
    dated = bool(a.date or b.date)
    if a.actor and b.actor and placed and dated and not actors_compatible(a.actor, b.actor):
        found.append(("actor", f"{a.actor} vs {b.actor}"))
    # One relative word ("on Saturday", "this week") resolved against two outlets' publication
    # dates gives two dates for one event: on FA-KES most date conflicts were of that sort.
    # A date carried over from the paragraph is the context's, not the claim's.
    same_word = a.date_word is not None and a.date_word == b.date_word
    stated = not (a.date_inferred or b.date_inferred)
    # Stated dates further apart than `date_conflict_days` returned early: two incidents.
    if (
        a.date
        and b.date
        and not dates_overlap(a.date, b.date)
        and stated
        and not same_word
        and not _began_before(a, b)
    ):
        found.append(("date", f"{a.date} vs {b.date}"))
    if elsewhere:
        found.append(("place", _place_note(a, b)))
    return found


def _one_and_many(one: Claim, many: Claim) -> bool:
    """Whether `one` tells of a single person killed ("killed a government pilot") and `many`
    of at least `_MANY` dead, strikes, sorties or targets ("at least 45 air strikes today")."""
    if _ONE_KILLED.search(one.text) is None or one.count("killed") is not None:
        return False
    return any(role in _MASS_ROLES and low >= _MANY for role, low, _high in many.counts)


_MASS_ROLES = frozenset({"killed", "strikes", "sorties", "targets"})
_MANY = 5
_ONE_KILLED = re.compile(
    r"\b(?:killed|executed|shot|murdered|beheaded|assassinated)\s+(?:a|an|the)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:pilot|officer|soldier|journalist|reporter|commander|doctor|nurse|"
    r"cameraman|photographer|activist|cleric|official|man|woman|boy|girl|child)\b"
    r"|\b(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?(?:pilot|officer|soldier|journalist|reporter|"
    r"commander)\s+(?:was|has\s+been)\s+(?:killed|executed|shot|murdered|beheaded)\b",
    re.IGNORECASE,
)


def _began_before(a: Claim, b: Claim) -> bool:
    """Whether the earlier-dated claim tells when an act began ("The bombardment - the first on
    Jayrud in at least two years - began" on Friday) and the other a day of it ("Thirty
    civilians were killed on Saturday in intensive Syrian air strikes"): one act, two days."""
    first, second = (a, b) if str(a.date) <= str(b.date) else (b, a)
    return _ONSET.search(first.text) is not None and not _ONSET.search(second.text)


_ONSET = re.compile(r"\b(?:began|begun|started|starting|beginning)\b", re.IGNORECASE)


def _revises(a: Claim, b: Claim, low_a: int, low_b: int) -> bool:
    """Whether the higher toll says it revises a lower one ("the Observatory reported Thursday
    updating an earlier toll", "the death toll has risen to 86"): a later count, not another
    source's contradiction."""
    higher = a if low_a > low_b else b
    return _REVISED.search(higher.text) is not None


_REVISED = re.compile(
    r"\bupdat(?:ing|ed)\s+(?:an?\s+|the\s+|its\s+)?(?:earlier|previous|initial)\s+"
    r"(?:death\s+)?toll\b|\btoll\s+(?:has\s+|had\s+)?(?:risen|rose|climbed|jumped)\s+to\b"
    r"|\braised\s+(?:the|its)\s+(?:death\s+)?toll\b|\b(?:new|updated)\s+(?:death\s+)?toll\b"
    r"|\btoll\s+(?:rises|rose|climbs|climbed|jumps|jumped)\s+to\b",
    re.IGNORECASE,
)


def _two_countries(a: Claim, b: Claim) -> bool:
    """Whether the texts put their events in two countries by name ("hit their targets in
    Syria", "fallen on Iranian territory"): too coarse for a place conflict (the gazetteer's
    slips cross borders), but no one event asserted and denied."""
    return (
        a.area is not None
        and b.area is not None
        and a.area.kind == b.area.kind == "country"
        and a.area.name != b.area.name
    )


def _stated_apart(a: Claim, b: Claim, days: int) -> bool:
    """Whether both claims state their own dates (neither carried over nor one relative word
    read against two publication dates) and these lie more than `days` apart."""
    if not a.date or not b.date or a.date_inferred or b.date_inferred:
        return False
    if a.date_word is not None and a.date_word == b.date_word:
        return False
    return days_apart(a.date, b.date) > days


def _contradicts(asserting: Claim, denying: Claim) -> bool:
    """Whether a denial contradicts an assertion: a denial of the event does; a denial of a
    party's part in it ("Ahrar al-Sham denied any involvement") only where the assertion names
    that party as the actor ("Ahrar al-Sham fighters set off the bomb"), never the mere report
    that the event happened. A statement that civilians came to no harm ("no civilians were
    killed"), or any denial that speaks of civilians ("claims about Russian air strikes killing
    civilians are false"), contradicts only a report of dead or wounded who are not all
    fighters, or of harm to civilians: not a government's report of "terrorist hideouts
    destroyed", nor "Russia has been targeting opposition forces"."""
    about_civilians = NO_CIVILIAN_HARM.search(denying.text) or _CIVILIANS.search(denying.text)
    if about_civilians and not _harms_civilians(asserting):
        return False
    parties = denying.denied_parties
    if parties is None:
        return True
    # An attribution names the party it blames in its content ("blamed Syrian regime forces");
    # an event with no actor blames no one, whoever it names in passing ("no comment from the
    # regime in Damascus").
    actors = [asserting.actor] if asserting.actor else []
    if not actors and asserting.layer == "attributions":
        actors = [name for _s, _e, name in actor_mentions(asserting.text, 0, len(asserting.text))]
    return any(
        actors_compatible(actor, party, unnamed_fighters=False)
        for actor in actors
        for party in parties
    )


def _harms_civilians(claim: Claim) -> bool:
    """Whether a claim reports dead or wounded other than fighters, or names civilians."""
    fighters = {role for role, group in claim.count_victims if group.kind == "fighters"}
    if any(role in _HARM_ROLES and role not in fighters for role, _l, _h in claim.counts):
        return True
    return _CIVILIANS.search(claim.text) is not None


_HARM_ROLES = frozenset({"killed", "wounded"})
_CIVILIANS = re.compile(r"\bcivilians?\b", re.IGNORECASE)


def _denier_name(claim: Claim) -> str:
    """Who denies, for a note: the party a denial of its part names ("the Syrian regime which
    denied any responsibility": Syria), else the claim's speaker or outlet."""
    if claim.denied_parties:
        return claim.denied_parties[0]
    return _who(claim)


def _place_note(a: Claim, b: Claim) -> str:
    """ "Khan Sheikhoun vs Ghouta (190 km apart)" where the gazetteer placed both events, else
    the names each claim gives."""
    if a.area is None or b.area is None:
        return f"{', '.join(a.place_names)} vs {', '.join(b.place_names)}"
    return f"{_shown(a)} vs {_shown(b)} ({km(a.area, b.area):.0f} km apart)"


def _shown(claim: Claim) -> str:
    """The name the claim's text gives its gazetteer place."""
    assert claim.area is not None
    for name in claim.place_names:
        if fold_name(name) == claim.area.name:
            return name
    return claim.area.name.title()


def _who(claim: Claim) -> str:
    """Who makes a claim, for a note: its speaker, else its outlet; an article with neither is
    named as one ("article 002_81e9f1...", not its independence key "doc:002_81e9f1...")."""
    who = claim.speaker or claim.source
    return f"article {who[4:]}" if who.startswith("doc:") else who


def one_speaker(a: str | None, b: str | None) -> bool:
    """Whether two speaker names name one party: every word of the shorter is in the longer
    ("observatory" and "Syrian Observatory for Human Rights"; not "Syrian army" and "Syrian
    Observatory"). One party asserting and denying one thing is the tagger reading a denial
    about it as its own, not a conflict between sources."""
    if not a or not b:
        return False
    wa, wb = set(fold_name(a).split()), set(fold_name(b).split())
    shorter, longer = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return bool(shorter) and shorter <= longer


def same_group(a: Claim, b: Claim, role: str) -> bool:
    """Whether two counts of `role` count one group: both the whole toll, or both the same part
    of it ("18 civilians" and "four children were among the dead" do not disagree), and not
    two groups of dead (`victims_differ`)."""
    pa, pb = dict(a.count_parts).get(role), dict(b.count_parts).get(role)
    return pa == pb and not victims_differ(a, b, role)


def victims_differ(a: Claim, b: Claim, role: str) -> bool:
    """Whether two claims' counts of `role` certainly count different dead (`Victims.differ`:
    "35 ISIS militants" and "30 Kurdish fighters", "14 Daesh terrorists" and "15 civilians")."""
    va, vb = dict(a.count_victims).get(role), dict(b.count_victims).get(role)
    return va is not None and vb is not None and va.differ(vb)


def _apart(a: Claim, b: Claim, options: CorpusOptions | None) -> bool:
    """Whether two claims naming no place in common speak of two places.

    Where the gazetteer placed both events from their own words, their coordinates decide: a
    town and its province ("al-Bab" lies 40 km from "Aleppo") or two spellings of one town are
    one area. Where it placed only one of them, or placed an event only from its context, the
    other names are no evidence: on FA-KES they were mostly the tagger's slips ("Meles",
    "Idlib Defies", "Jul") and villages named in passing (the evacuees' "Kafraya" against the
    blast's "Aleppo"). Only where the gazetteer knows none of the story's places (a fictional
    or unlisted region) do the names alone tell two places apart."""
    if a.area is not None and b.area is not None:
        limits = options or CorpusOptions()
        if two_towns(a.area, b.area, limits.place_town_km):
            return True
        return not same_area(a.area, b.area, limits.toll_city_km, limits.toll_region_km)
    return not (a.area or b.area or a.place_known or b.place_known)


def find_conflicts(
    alignments: list[Alignment],
    options: CorpusOptions | None = None,
    claims: Iterable[Claim] | None = None,
) -> list[Conflict]:
    """Conflicts inside every alignment, between claims of different outlets. `claims`: every
    claim of the alignments' documents, to tell a carried text's changes from what both carry;
    without them two carriers of one text never conflict."""
    texts = ClaimTexts(claims) if claims is not None else None
    out: list[Conflict] = []
    for alignment in alignments:
        seen: set[tuple[str, str, str]] = set()
        for a, b in combinations(alignment.members, 2):
            if a.own_outlet == b.own_outlet or a.doc_id == b.doc_id or not comparable(a, b):
                # One outlet, or two kinds of event an attribution joined ("the blast hit the
                # convoy" and "the deal saw residents taken out of Madaya"): nothing to compare.
                continue
            if a.one_text(b):
                if texts is None or texts.shared(a, b):
                    continue
            elif a.source == b.source:
                continue
            if (a.doc_id, a.start) > (b.doc_id, b.start):
                a, b = b, a
            for kind, note in pair_conflicts(a, b, options):
                key = (kind, a.doc_id, b.doc_id)
                if key in seen:
                    continue
                seen.add(key)
                out.append(
                    Conflict(kind, alignment.story_id, alignment.id, a, b, note + one_text(a, b))
                )
    return out


class ClaimTexts:
    """The claims of each document as word sets, to tell what two carriers of one text both
    say from what one of them changed."""

    def __init__(self, claims: Iterable[Claim]) -> None:
        self._by_doc: dict[str, list[tuple[frozenset[str], frozenset[str]]]] = {}
        for claim in claims:
            self._by_doc.setdefault(claim.doc_id, []).append(_words(claim.text))

    def shared(self, a: Claim, b: Claim) -> bool:
        """Whether either claim is also made in the other's document: a claim there with the
        same figures and at least `_SHARED_WORDS` of the shorter one's words ("led by the
        Al-Nusra Front" and "led by Al Nusra Front" are one sentence; "11 people were killed"
        and "15 people were killed" are not)."""
        return self._made_in(a, b.doc_id) or self._made_in(b, a.doc_id)

    def _made_in(self, claim: Claim, doc_id: str) -> bool:
        words, figures = _words(claim.text)
        for other_words, other_figures in self._by_doc.get(doc_id, ()):
            if figures != other_figures or not words or not other_words:
                continue
            if len(words & other_words) >= _SHARED_WORDS * min(len(words), len(other_words)):
                return True
        return False


_SHARED_WORDS = 0.8
_WORD = re.compile(r"\w+")


def _words(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(folded words, the figures among them) of a claim's text."""
    words = frozenset(w.casefold() for w in _WORD.findall(text))
    return words, frozenset(w for w in words if w.isdigit())


def one_text(a: Claim, b: Claim) -> str:
    """The note's suffix when the two claims come from one text carried by two outlets."""
    return " (one text: a republication or near-duplicate)" if a.one_text(b) else ""


def _span(value: str) -> tuple[date, date] | None:
    """First and last day of an ISO date or interval, or None when unreadable."""
    try:
        first, last = value.split("/")[0], value.split("/")[-1]
        return date.fromisoformat(first[:10]), date.fromisoformat(last[:10])
    except ValueError:
        return None


def dates_overlap(a: str, b: str) -> bool:
    """Whether two ISO dates or intervals share a day ("2017-04-03/2017-04-08", "earlier this
    week", holds "2017-04-04"); unreadable ones count as overlapping (no evidence)."""
    return days_apart(a, b) == 0


def days_apart(a: str, b: str) -> int:
    """Days between two ISO dates or intervals (0 when they share a day or either is
    unreadable)."""
    sa, sb = _span(a), _span(b)
    if sa is None or sb is None:
        return 0
    return max(0, (sb[0] - sa[1]).days, (sa[0] - sb[1]).days)
