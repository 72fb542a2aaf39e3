"""The `events.v1` analyzer: reported violence as sourced records (type, actor, target, place,
date, counts, claimed_by, polarity), plus the DATE / QUANTITY / GPE `mentions` they rest on.

Unit: a clause of a body sentence (sentences are cut at "; ", ", but", "while", ", which",
and at "after" when both sides report something), so "Russia acknowledged 18 airstrikes ..., but
it has denied reports of civilian casualties" is two events with their own polarity. A clause is
an event when it holds a trigger word that is not wished, demanded or planned ("call on Russia to
cease its attacks" is not), and at least one of a place, a count, a date or an anaphoric place
("in the village", "the raids"). Event types, by precedence when a clause holds several:

  shootdown, airstrike, shelling, capture, ground_offensive, attack, killing

(`attack` and `killing` become `airstrike` when the clause names aircraft or an air force;
`killing` also covers casualty reports: "were wounded", "15 deaths").
Not events: inline headlines (title-case sentences), a sentence printed twice, the war's running
toll ("210,000 killed since March 2011", "over the past four years").
One event is made per place when a clause lists several ("on Hama, Homs and Idlib"); the
evidence span is the clause. Places come from the GeoNames gazetteer with the article's country
prior (locative cues, the entities layer's GPE/LOC spans, "the capital"); a clause naming none
(or only a country) takes the first place of the last sentences that named one
(`place_source` "context"), else the document's most named place in its main country
("document"). A street or quarter the clause names ("al-Sulaymaniyah neighborhood", "the
Castello Road") is kept as `place.quarter` of the town the event is put in. Dates are resolved
against the page's own publication stamp when it opens with one near `meta.published`
(`dates.page_date`), else `meta.published` (never guessed without either); an event's date is
its clause's (`date_source` "text"; "report" where the clause dates only its report: "the toll
has risen to 86, a monitoring group said on Wednesday"), else the last one its paragraph gave
("paragraph"), or the page's publication stamp opening it ("stamp": "Tuesday 19 Jul 2016 ...",
"Posted on April 4 2017"), which is never an event's own date; counts
carry their role, as the stated number ("at least 25" is 25, its qualifier in
`count_qualifiers`). `claimed_by` is the innermost `attributions` span whose content holds the
trigger (null when the author states it) and `claim_chain` lists every one, outermost first;
`polarity` is `deny` when one of them denies, or the clause carries a denial cue ("denied",
"false", "propaganda reports"). Reader comments, boilerplate, titles, bylines and captions are
skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from newsprism.analyzers.counts import Count, find_counts
from newsprism.analyzers.cues import denies_by_negation
from newsprism.analyzers.dates import DateMention, find_dates, is_stamp, page_date, parse_published
from newsprism.document import Document, Span
from newsprism.geo.gazetteer import NEAR_KM, Place, distance_km, fold, haversine_km
from newsprism.registry import Analyzer, register

LAYER = "events"
MENTIONS = "mentions"
SKIP_SECTIONS = frozenset({"comment", "boilerplate", "title", "byline", "caption"})

EVENT_TYPES = (
    "shootdown",
    "airstrike",
    "shelling",
    "capture",
    "ground_offensive",
    "attack",
    "killing",
)
"""Event labels in precedence order (see the module docstring)."""

_TRIGGERS: dict[str, re.Pattern[str]] = {
    "shootdown": re.compile(
        r"\b(?:shot\s+down|shoot(?:s|ing)?\s+down|down(?:ed|ing)\s+(?:(?:a|an|the|two|three|"
        r"[A-Z][\w.]*|and|Russian|Turkish|Syrian)\s+){0,5}(?:aircraft|jets?|planes?|warplanes?|"
        r"drones?|helicopters?|bombers?))"
    ),
    "airstrike": re.compile(
        r"\b(?:air\s*-?\s*strikes?|airstrikes?|air\s+raids?|bombing\s+raids?|air\s+attacks?|"
        # Not a bomb set off on the ground: "a suicide bombing", "the car bombing".
        r"(?<!suicide\s)(?<!car\s)(?<!truck\s)(?<!roadside\s)(?<!double\s)(?<!twin\s)"
        r"(?<!terrorist\s)bomb(?:ed|ing|ings)\b|bombard(?:ed|ing|ment|ments)?|sorties|"
        r"pound(?:ed|ing|s)\b|air\s+offensive)",
        re.IGNORECASE,
    ),
    "shelling": re.compile(
        r"\b(?:shell(?:ed|ing|s)\b|artillery|mortars?\b|rocket\s+fire|barrel\s+bombs?|"
        r"rockets?\b(?!\s+launchers?)|missiles?\b|fired\s+(?:on|at)\b)",
        re.IGNORECASE,
    ),
    "capture": re.compile(
        r"\b(?:liberat(?:ed|ing)|captur(?:e|ed|ing)|seiz(?:ed|ing|ure)|recaptur(?:ed|ing)|retook|"
        r"retak(?:en|ing)|(?:took|taken|gained|regain(?:ed|ing)|re-?establish(?:ed|ing))\s+"
        r"control|overr(?:an|un|unning)|expell?(?:ed|ing)|drove\s+out|storm(?:ed|ing))\b",
        re.IGNORECASE,
    ),
    "ground_offensive": re.compile(
        r"\b(?:ground\s+(?:offensive|operations?|assault|forces|troops)|offensive|"
        r"advanc(?:ed|ing)\s+(?:on|towards?|into)|surround(?:ed|ing)|besieg(?:ed|ing)|"
        r"encircl(?:e|ed|ing))\b",
        re.IGNORECASE,
    ),
    "attack": re.compile(
        r"\b(?:attack(?:s|ed|ing)?|raids?|raided|struck|strikes?|target(?:ed|ing)|"
        r"destroy(?:ed|ing)?|assault(?:ed|s)?|ambush(?:ed)?|explosions?|blasts?|"
        r"suicide\s+bomb\w*|car\s+bombs?|detonat(?:ed|ing)|opened\s+fire|"
        r"infiltrat(?:ed|ing)|penetrat(?:e|ed|ing)|repell?(?:ed|ing)|thwart(?:ed|ing)|"
        r"foil(?:ed|ing)|engag(?:ed|ing)\s+(?:\w+\s+)?targets|hit\s+(?:an?|the)\b)",
        re.IGNORECASE,
    ),
    "killing": re.compile(
        r"\b(?:kill(?:ed|ing|s)?|murder(?:ed|ing)?|execut(?:ed|ing)|massacre[sd]?|casualties|"
        r"death\s+toll|dead|deaths?|died|martyr(?:s|ed)?|slain|(?<!their\s)(?<!the\s)wounded|"
        r"injur(?:ed|ies)|"
        r"cost\s+the\s+lives|lost\s+their\s+lives)\b",
        re.IGNORECASE,
    ),
}
_AIR = re.compile(
    r"\b(?:air\s*force|warplanes?|jets?|aircraft|bombers?|helicopters?|drones?|aerial|air)\b",
    re.IGNORECASE,
)
_DROPPED = re.compile(r"\bbarrel\s+bombs?\b", re.IGNORECASE)
_AIR_FIRED = re.compile(
    r"\b(?:warplanes?|jets?|aircraft|bombers?|helicopters?|drones?)\s+(?:\w+\s+){0,2}?"
    r"(?:fired|launched|dropped)\b",
    re.IGNORECASE,
)
"""Shelling from the air: barrel bombs, and missiles or rockets that aircraft fire ("Russian jets
fired vacuum missiles on a market")."""
_DENIAL = re.compile(
    r"\b(?:den(?:ied|ies|ial|ying)|deny\s+(?:that|any|the|reports?|claims?|it|they|targeting|"
    r"hitting|involvement|responsibility)|reject(?:ed|s|ing)?|false(?:ly)?|fabricat\w*|untrue|"
    r"baseless|fake|propaganda|no\s+evidence|never\s+happened|did\s+not\s+(?:happen|take\s+place)"
    r"|dismiss(?:ed|es|ing)\s+(?:the\s+|\w+\s+)?(?:reports?|claims?|allegations?|accusations?)"
    r"|don[’']t\s+exist)\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(?:which|who|whom|(?:though|although|but)\s+(?:it|they|he|she))\s+"
    r"(?:(?:has|have|had|also|again|quickly)\s+)*$",
    re.IGNORECASE,
)
"""What puts a denial in another party's mouth: a relative pronoun ("pointed the finger at the
government, which denied any responsibility") or a concession with a pronoun of its own ("...
for the attack though it denied involvement")."""


def _denies(text: str, start: int, end: int) -> bool:
    """Whether the clause [start, end) denies what it reports, not counting a denial a relative
    clause ascribes to someone it names (the pronoun may open the clause or precede it: the
    clause splitter cuts at "which")."""
    matches = [*_DENIAL.finditer(text, start, end), *denies_by_negation(text, start, end)]
    return any(
        not _RELATIVE.search(text, max(0, match.start() - 30), match.start()) for match in matches
    )


def disputed_by_the_text(doc: Document, event: Span) -> bool:
    """Whether a denied event's denial is the article's own word about a source that asserts
    it ("Propaganda reports claimed it was totally destroyed, killing 12 people"): the claiming
    attribution asserts, a dismissive word stands in its source or cue, and its content denies
    nothing. The claimer asserts; the text, not the claimer, disputes it."""
    claimed = event.attrs.get("claimed_by")
    if event.attrs.get("polarity") != "deny" or not isinstance(claimed, str):
        return False
    attribution = doc.find_span(claimed)
    if attribution is None or attribution.attrs.get("polarity") != "assert":
        return False
    ranges = {}
    for part in ("content", "source", "cue"):
        pair = attribution.attrs.get(part)
        if isinstance(pair, list) and len(pair) == 2:
            ranges[part] = (int(pair[0]), int(pair[1]))
    if "source" not in ranges or "cue" not in ranges:
        return False
    start, end = ranges.get("content", (attribution.start, attribution.end))
    # The dismissive word names the source ("Propaganda reports", "so-called fabricated
    # claims") or is its cue, not a party denying elsewhere in the sentence ("Turkey has denied
    # ...", "The front denied firing on Varo and said ...").
    framed = any(_DENIAL.search(doc.text, *ranges[part]) for part in ("source", "cue"))
    return framed and not _denies(doc.text, start, end)


# Clause boundaries inside a sentence: the second part may have its own polarity or source.
# Without commas (agency copy stripped of punctuation) "while"/"whereas" still join two reports.
_CLAUSE_CUT = re.compile(
    r";\s+|,\s+(?:but|while|whereas|although|which)\s+|,\s+and\s+that\s+|\s+but\s+|"
    r"\s+(?:while|whereas)\s+|"
    # "..., the ministry said, dismissing reports that some had crashed in Iran": a denial
    # folded into the sentence that asserts.
    r",\s+(?=(?:dismissing|denying|rejecting|refuting)\s)"
)
# "after" joins two reports only when both sides hold a trigger ("came under an aerial assault
# on Thursday after rebels fired 120 rockets"); "killed after clashes" stays one.
_AFTER = re.compile(r"\s+after\s+")
# A wish, demand, aim or plan is not a report ("We call on Russia to cease its attacks").
_IRREALIS = re.compile(
    r"\b(?:cease|stop|halt|end|refrain\s+from|avoid|prevent|calls?\s+(?:on|for)|urg(?:e|es|ed|ing)|"
    r"demand(?:s|ed)?|threat(?:en|ens|ened)\s+to|plans?\s+to|aims?\s+to|aimed\s+at|intends?\s+to|"
    r"would|could|should|must|to\s+discuss|ready\s+to)\b[^.;:!?]{0,40}$",
    re.IGNORECASE,
)
# Background statistics, not an event: the war's toll "since March 2011", "over the past years".
_BACKGROUND = re.compile(
    r"\bsince\s+(?:the\s+(?:start|beginning|outbreak)\s+of|(?:\w+\s+)?(?:19\d\d|20(?:0\d|1[0-3]))\b)|"
    r"\bsince\s+(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b(?!\s+\d)|"
    r"\b(?:over|in|during|for)\s+the\s+(?:past|last)\s+(?:\w+\s+)?(?:years|decades?)\b|"
    r"\bconflict\s+that\s+has\b|\b(?:in|of)\s+(?:the\s+)?(?:19\d\d|200\d)\b",
    re.IGNORECASE,
)
BACKGROUND_TOLL = 10_000
_IN_YEAR = re.compile(
    r"\b(?i:in|since|of|during)\s+(?:(?i:early|late|mid-?)\s*)?(?:[A-Z][a-z]+\s+)?"
    r"((?:19|20)\d\d)\b(?!\s*[-/])"
)
"""A year ("in 2013", "in August 2013"): before the publication year, the clause recalls an
earlier event."""
_RECALLED = timedelta(days=180)
"""A written-out date ("in August 2013") this long before publication recalls an earlier event."""
"""A death toll this large is the war's running total, never one event's."""
# An anaphoric place ("in the village", "there") says an event happened somewhere already named.
_ANAPHORA = re.compile(
    r"\b(?:the|this|that)\s+(?:town|city|village|area|neighbou?rhoods?|region|province|camp|"
    r"district|stronghold|countryside|capital)\b|\bthere\b|\bthe\s+(?:attacks?|raids?|strikes?|"
    r"airstrikes?|air\s+strikes?|blasts?|explosions?|bombing|bombardment|shelling|assault)\b",
    re.IGNORECASE,
)
INHERIT_SENTENCES = 3
"""A clause without a place takes the last place named within this many sentences before it."""
# Headlines (most words capitalised) repeat the story's lead; FA-KES prints them inline.
_WORDS4 = re.compile(r"[A-Za-z][\w-]{3,}")
HEADLINE_CAPS = 0.75
"""Share of capitalised words (of 4+ letters) from which a short sentence is a headline."""

# Place names: capitalised words, with Arabic articles and hyphens ("Deir ez-Zor", "Daret Ezza").
_NAME = r"[A-Z][\w’'‘-]*(?:[ -](?:(?:al|el|ez|ad|as|ar|an|at|ash|ibn|bin)[ -])?[A-Z][\w’'‘-]*){0,3}"
_PLACE_NOUN = (
    r"(?:city|town|village|province|provinces|governorate|region|countryside|"
    r"outskirts|suburbs?|area|district|capital|outside)"
)
_LOCATIVE = re.compile(
    rf"\b(?:in|near|on|at|from|outside|around|across|over|into|toward|towards|of|to|against|"
    rf"throughout|inside|within|captured|seized|stormed|recaptured|retook|overran|overrunning|"
    rf"infiltrated|entered|besieged|surrounded|hit|struck|attacked|shelled|bombed|pounded|"
    rf"targeted|targeting|raided|liberated|north|south|east|west|northeast|northwest|southeast|"
    rf"southwest)\s+"
    rf"(?:(?:the|a|an)\s+)?(?:(?:northern|southern|eastern|western|central|north|south|east|"
    rf"west|northwestern|northeastern|southwestern|southeastern|rebel-held|besieged)\s+)?"
    rf"(?:{_PLACE_NOUN}\s+of\s+(?:the\s+)?)?(?P<name>{_NAME})"
)
_SUPPORT_BEFORE = re.compile(
    r"\b(?:backing|support|aid|funding|funds|money|arms|weapons|help|orders|instructions|"
    r"backed|supported|funded|armed|financed)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
"""What comes from a state before "from" when it is support, not an event there: "receives
backing from Saudi Arabia"."""
_LIST_NEXT = re.compile(
    rf"(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)(?:the\s+(?:city|town|village|province)\s+of\s+)?"
    rf"(?P<name>{_NAME})"
)
_ADMIN_AFTER = re.compile(r"\s+(?:province|provinces|governorate|region)\b", re.IGNORECASE)
_QUALIFIER_GAP = re.compile(
    r"^,?\s*(?:in\s+|near\s+)?(?:the\s+)?(?:(?:northern|southern|eastern|western|central|"
    r"northwestern|northeastern|southwestern|southeastern)\s+)?"
    r"(?:(?:countryside|outskirts|province|suburbs)\s+of\s+)?$"
)
_BEARING_GAP = re.compile(
    r"^,?\s*(?:a\s+|some\s+|about\s+)?(?:\d[\d.,]*\s*(?:km|kilometers|kilometres|miles)\s+)?"
    r"(?:to\s+the\s+)?(?:north|south|east|west|northeast|northwest|southeast|southwest)\s+of\s+"
    r"(?:the\s+(?:city|town)\s+of\s+)?$",
    re.IGNORECASE,
)
"""What says where a place lies from another ("Atareb west of Aleppo", "75 km to the east of
Homs city"): the other locates the first, it is not a second place of the event."""
# "Hader in Quneitra province", "Sarrin in Aleppo province", "Ariha in the province of Idlib".
_IN_PROVINCE = re.compile(
    rf"(?P<name>{_NAME}),?\s+in\s+(?:the\s+)?(?:\w+ern\s+)?(?:(?:province|governorate)\s+of\s+"
    rf"(?P<p1>{_NAME})|(?P<p2>{_NAME})\s+(?:province|governorate))"
)
_TOWN_IN_PROVINCE = re.compile(
    rf"\b(?:town|village|city)\s+of\s+(?P<name>{_NAME})[^.;!?]{{0,80}}?\s+in\s+(?:the\s+)?"
    rf"(?:[\w'’-]+\s+){{0,2}}?(?:(?:province|governorate)\s+of\s+(?P<p1>{_NAME})|"
    rf"(?P<p2>{_NAME})\s+(?:province|governorate))"
)
"""A town the sentence puts in a province further on ("the town of Al-Quriyah controlled by
the Islamic State (IS) group in Syrias oil-rich Deir Ezzor province")."""
_DIRECTIONS = re.compile(
    r"^(?:(?:northern|southern|eastern|western|central|north|south|east|west|northeastern|"
    r"northwestern|southeastern|southwestern|rural|greater|downtown)\s+)+",
    re.IGNORECASE,
)
# A name followed by one of these is a building or an institution, not a town ("Salem Mosque").
_FACILITY_AFTER = re.compile(
    r"\s*(?:Mosque|Hospital|School|Street|Square|Airport|Airbase|University|Prison|Church|"
    r"Bridge|Base|Camp|Hotel|Stadium|Market|Council|Front|Army|Brigade|Agency|News|TV|"
    # A sea or river is not its namesake town ("the Caspian Sea" is no Caspian, Michigan).
    r"Sea|Ocean|Gulf|Strait|Lake|River)\b"
)
_STREET_WORD = r"(?:road|street|highway|avenue|neighbou?rhoods?)\b"
_STREET_AFTER = re.compile(r"\s*" + _STREET_WORD, re.IGNORECASE)
_STREET_NAME = re.compile(r".*\s" + _STREET_WORD + r"$", re.IGNORECASE)
_SEAT_AFTER = re.compile(r"[\s-]+based\b", re.IGNORECASE)
"""A city before "based" is where an organisation sits ("the London-based Observatory")."""
"""A name that names a street or a quarter ("the Castello Road", "Bani Zaid neighborhood",
"al-Neel street"): the gazetteer's namesake towns are elsewhere (Castello, Spain), and the
event's place is the city around it."""
# A dateline ("PARIS, France –", "BEIRUT At least ...") says where the reporter is. Unlike
# `datelines.DATELINE` (a whole dateline, closed by its dash or TASS's credit) this reads only
# the capitalised place opening a name span, as agency copy stripped of punctuation prints it.
_DATELINE = re.compile(r"[A-Z]{4,}(?:\s+[A-Z]{2,})*(?=\s*(?:[,–—-]|\s+[A-Z][a-z]|$))")
_CAPITAL = re.compile(r"\b(?:the|its)\s+capital(?!\s+of)\b", re.IGNORECASE)
# First words of Arabic place names that are never a place alone ("Sheikh" of "Sheikh Mustafa",
# "Tal" of "Tal Hamis"): when the full name is unknown, its first word must not stand in.
_NOT_ALONE = frozenset(
    [
        "sheikh",
        "shaykh",
        "abu",
        "umm",
        "imam",
        "jabal",
        "jebel",
        "tal",
        "tel",
        "tell",
        "deir",
        "dayr",
        "ain",
        "ayn",
        "ras",
        "bab",
        "kafr",
        "khan",
        "beit",
        "bayt",
        "bir",
        "wadi",
        "mount",
        "saint",
        "port",
        "new",
        "al",
        "el",
        # Words the gazetteer knows as some town or province (or under an airport code) that
        # news writes as something else: month abbreviations of datelines ("Last updated at
        # Jul 012016"), points of the compass ("in East Ghouta" cut short: Cameroon's East
        # province), peoples and faiths ("Kurdish fighters"), platforms and institutions.
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "east",
        "west",
        "north",
        "south",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "middle east",
        "kurd",
        "kurds",
        "kurdish",
        "arab",
        "arabs",
        "sunni",
        "sunnis",
        "shiite",
        "shiites",
        "shia",
        "alawite",
        "alawites",
        "islam",
        "kazakh",
        "hamas",
        "twitter",
        "facebook",
        "youtube",
        "white house",
        "university",
        "industry",
        "mosque",
        "daily",
        "old city",
        # First words of armed groups' names ("Jaish al-Fatah": Army of Conquest), which the
        # gazetteer knows as villages.
        "jaish",
        "jaysh",
        "jeish",
        "jabhat",
        "harakat",
        "liwa",
        "ahrar",
        "jund",
        "kataib",
        "faylaq",
        "saraya",
    ]
)
_NOT_PLACES = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "i",
        "his",
        "her",
        "their",
        "our",
        "isis",
        "isil",
        "is",
        "daesh",
        "daish",
        "ngo",
        "nusra",
        "islamic",
        "state",
        "al-qaeda",
        "qaeda",
        "coalition",
        "russian",
        "syrian",
        "american",
        "british",
        "french",
        "turkish",
        "iraqi",
        "iranian",
        "defense",
        "defence",
        "ministry",
        "army",
        "air",
        "force",
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "president",
        "minister",
        "general",
        "maj",
        "gen",
        "sana",
        "published",
        "eastern",
        "western",
        "northern",
        "southern",
        "central",
        "levant",
        "sham",
        "ap",
        "reuters",
        "afp",
    ]
)

_PRONOUNS = frozenset(["it", "he", "she", "they", "we", "i", "this", "that", "propaganda"])

_STATE_FORMS = {
    "Russia": "russia, russian, russians, moscow, kremlin",
    "United States": "us, u.s., usa, united states, american, americans, washington, pentagon",
    "Syria": "syria, syrian, syrians, damascus, assad, syrian army, syrian regime",
    "Iraq": "iraq, iraqi, iraqis, baghdad",
    "Turkey": "turkey, turkish, ankara",
    "France": "france, french",
    "United Kingdom": "uk, u.k., britain, british",
    "Israel": "israel, israeli",
    "Iran": "iran, iranian, tehran",
    "Saudi Arabia": "saudi, saudis, saudi arabia",
}
"""The states among the parties, with the names the text gives them."""
STATES = frozenset(_STATE_FORMS)

ACTOR_NAMES: dict[str, str] = {}
for _canonical, _forms in {
    **_STATE_FORMS,
    "US-led coalition": "coalition, us-led coalition, us-led",
    "Islamic State": "isis, isil, daesh, islamic state",
    "Jabhat al-Nusra": "nusra, al-nusra, jabhat al-nusra, nusra front",
    "al-Qaeda": "al-qaeda, al qaeda",
    "Hezbollah": "hezbollah",
    "Free Syrian Army": "fsa, free syrian army",
    "Syrian opposition": "opposition, rebels",
    # The SDF is the YPG-led alliance: "Kurdish-led Syrian Democratic Forces" is no Syria.
    "Kurdish forces": "kurdish, ypg, pkk, kurds, peshmerga, syrian democratic forces, sdf",
    "civilians": "civilians",
}.items():
    for _form in _forms.split(", "):
        ACTOR_NAMES[_form] = _canonical
    ACTOR_NAMES[_canonical.lower()] = _canonical
_ACTOR = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(
        re.escape(f).replace(r"\ ", r"\s+") for f in sorted(ACTOR_NAMES, key=len, reverse=True)
    )
    + r")(?![\w-])",
    re.IGNORECASE,
)
_CITING_VERBS = (
    "said|says|reported|reports|acknowledged|claimed|claims|announced|quoted|told|stated"
)
"""Verbs that cite a source: a source's name before one (`_SOURCE_CUE`), and with a few more that
only follow a source, the cue a source name is looked for around (`_CUE_VERB`)."""
_SOURCE_CUE = re.compile(
    r"(?:[Aa]ccording\s+to\s+(?P<after>(?:the\s+)?(?:[A-Z][\w’'.-]*\s*){1,6}))|"
    r"(?P<before>(?:[Tt]he\s+)?(?:[A-Z][\w’'.-]*\s+){1,6})(?:\w+\s+)?"
    rf"(?:{_CITING_VERBS})\b"
)


@dataclass(slots=True)
class _Draft:
    """An event before it becomes a Span."""

    start: int
    end: int
    label: str
    trigger: tuple[int, int]
    attrs: dict[str, Any] = field(default_factory=dict)


def _clauses(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The clause ranges of one sentence."""
    position = start
    for cut in _CLAUSE_CUT.finditer(text, start, end):
        if cut.start() > position:
            yield from _split_after(text, position, cut.start())
        position = cut.end()
    if position < end:
        yield from _split_after(text, position, end)


def _split_after(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split a clause at "after" when both sides report something (see `_AFTER`)."""
    for cut in _AFTER.finditer(text, start, end):
        if _event_type(text, start, cut.start()) and _event_type(text, cut.end(), end):
            yield start, cut.start()
            yield cut.end(), end
            return
    yield start, end


def _trigger(
    label: str, text: str, start: int, end: int, states: bool = True
) -> re.Match[str] | None:
    """The first trigger of `label` in a range that is not wished, demanded or planned; without
    `states`, not a participle of `_STATES` describing a noun either ("two besieged towns",
    "the regime-besieged town")."""
    for match in _TRIGGERS[label].finditer(text, start, end):
        if _IRREALIS.search(text, start, match.start()):
            continue
        if not states and _describes_a_noun(label, text, start, match):
            continue
        if label == "shelling" and _ARMS_GIVEN.search(
            text, max(start, match.start() - 50), match.start()
        ):
            continue  # "has received several TOW anti-tank missiles from the US": arms, no fire
        return match
    return None


_HANDED = (
    r"\b(?:receiv\w*|suppl\w*|deliver\w*|ship\w*|provid\w*|sen[dt]s?|sending|sell\w*|sold|"
    r"buy\w*|bought|acquir\w*|stockpil\w*|arm(?:ed|ing|s)?\s+(?:\w+\s+)?with)\s+"
)
_ARMS_GIVEN = re.compile(_HANDED + r"(?:[\w-]+\s+){0,4}$", re.IGNORECASE)
"""What makes missiles or rockets arms handed over, not fired: "received several TOW
anti-tank missiles", "supplied rebels with rockets"."""
_SUPPLIER = re.compile(_HANDED + r"(?:[\w-]+\s+){0,6}from\s+(?:the\s+)?$", re.IGNORECASE)
"""A party arms came from ("has received several TOW anti-tank missiles from the US"): a
supplier, not who acted."""


def _describes_a_noun(label: str, text: str, start: int, match: re.Match[str]) -> bool:
    """Whether a trigger of `label` is a participle describing a noun: used as an adjective
    ("besieged towns") or opening a reduced relative clause ("oil facilities captured by the
    Islamic State", where "US-led strikes hit" is the act; "the town was captured by rebels"
    is one)."""
    if label not in _STATES or not match.group(0).endswith("ed"):
        return False
    if _ATTRIBUTIVE.search(text, max(start, match.start() - 12), match.start()) is not None:
        return True
    return (
        _BY_NEXT.match(text, match.end()) is not None
        and _NOUN_BEFORE.search(text, max(start, match.start() - 24), match.start()) is not None
    )


_BY_NEXT = re.compile(r"\s+by\b", re.IGNORECASE)
_NOUN_BEFORE = re.compile(
    r"\b(?!(?:was|were|been|being|is|are|be|had|has|have|get|got|gets|getting|reportedly|"
    r"recently|later|also|then|now|finally|fully|partly|partially|completely|largely|"
    r"already|since|once|who|which|that)\s)[a-z][a-z'’-]+s?\s+$"
)
"""A lower-case word right before a participle that is no auxiliary or adverb: the noun a
reduced relative clause describes ("facilities captured by")."""


_ATTRIBUTIVE = re.compile(
    r"(?:\b(?:the|a|an|two|three|four|five|several|many|other|both|its|their)\s+|\w-)$",
    re.IGNORECASE,
)
"""What precedes a participle used as an adjective: a determiner or a hyphenated agent."""
_STATES = frozenset({"ground_offensive", "capture"})
"""Labels whose participles also describe a standing state ("besieged towns", "captured
areas"), not an act of the news."""
_PASSES = tuple((label, False) for label in EVENT_TYPES) + tuple(
    (label, True) for label in EVENT_TYPES if label in _STATES
)
"""(label, states) in the order `_event_type` tries them: every act by precedence, then the
states, in precedence order too (not the set's, which varies between processes)."""


def _ground_bombardment(text: str, start: int, end: int) -> bool:
    """Whether a clause's air strike words are only those artillery shares ("bombardment",
    "bombed", "pounded") and it names rockets, mortars or artillery, or fighters without
    aircraft as the agent, and no aircraft: "Rocket attacks killed 5 people in Damascus ... in
    the second heavy bombardment by terrorist group Jaysh al-Islam" and "killed in bombardment
    by Takfiri terrorists" are shelling."""
    if _AIR.search(text, start, end) or _DROPPED.search(text, start, end):
        return False  # barrel bombs fall from helicopters
    if _trigger("shelling", text, start, end) is None and not _BY_FIGHTERS.search(text, start, end):
        return False
    return all(
        _SHARED_WITH_ARTILLERY.fullmatch(m.group())
        for m in _TRIGGERS["airstrike"].finditer(text, start, end)
    )


_BY_FIGHTERS = re.compile(
    r"\bby\s+(?:[\w-]+\s+){0,3}?(?:terrorists?|rebels?|militants?|insurgents?|jihadists?|"
    r"gunmen|militias?)\b",
    re.IGNORECASE,
)
"""Fighters with no aircraft as the agent: "killed in bombardment by Takfiri terrorists"."""
_SHARED_WITH_ARTILLERY = re.compile(r"bomb(?:ed|ing|ings)|bombard\w*|pound(?:ed|ing|s)", re.I)


def _event_type(text: str, start: int, end: int) -> tuple[str, tuple[int, int]] | None:
    """The clause's event type and its trigger's range, by precedence; a state a participle
    describes ("buses from two besieged towns") only when the clause names no act."""
    for label, states in _PASSES:
        if _trigger(label, text, start, end, states) is None:
            continue
        # Actor and target are read around the clause's first trigger of any type ("US
        # warplanes killed 27 commanders in a bombing raid": the killing names both).
        first = min(
            (m for m in (_trigger(t, text, start, end) for t in EVENT_TYPES) if m),
            key=lambda m: m.start(),
        )
        if label in ("attack", "killing") and _AIR.search(text, start, end):
            label = "airstrike"
        elif label == "shelling" and (
            _DROPPED.search(text, start, end) or _AIR_FIRED.search(text, start, end)
        ):
            # Barrel bombs fall from helicopters; missiles jets fire are an air strike.
            label = "airstrike"
        elif label == "airstrike" and _ground_bombardment(text, start, end):
            label = "shelling"
        return label, (first.start(), first.end())
    return None


_NAMES_AN_ORGANISATION = re.compile(
    r"\s*(?:-\s*based\s+)?(?:Observatory|Network|Civil\s+Defen[cs]e|(?:Arab\s+)?Red\s+Crescent|"
    r"Centre|Center|Commission|Committee|Human\s+Rights|Medical|Relief|Council|Coalition\s+for)\b"
)
"""What follows a country's name inside an organisation's ("Syrian Observatory for Human
Rights", "Syrian Civil Defence", "Syrian American Medical Society"): a monitor, not a party."""
_SPOKE = re.compile(
    r"\b(?:said|says|called|calls|condemned|condemns|urged|urges|demanded|demands|blamed|"
    r"blames|accused|accuses|denied|denies|announced|warned|warns|vowed|described|reported|"
    r"pointed|voiced|expressed|welcomed|told|tells|stated|added|noted|explained|stressed|"
    r"confirmed|insisted|asserted)\b",
    re.IGNORECASE,
)
"""A verb of speech between a name and the trigger: the name spoke about the event ("France
called for a meeting about the attack"; "the regime, which denied any responsibility for the
attack"), it is not said to have done it."""
_SPEAKER_BEFORE = re.compile(
    r"(?:\b(?:comments?|statements?|response|reaction|word|denials?|confirmation)\s+(?:from|by)"
    r"|\baccording\s+to)\s+(?:the\s+)?"
    r"(?:(?:regime|government|officials?|authorities|leaders?|ministry|army|military|in|of)\s+)"
    r"{0,3}$",
    re.IGNORECASE,
)
"""Right before a name, what makes it a speaker about the event: "There was no comment from
the regime in Damascus ... in the aftermath of the attack", "according to the army"."""
_OWN = re.compile(r"\b(?:its|their|our)\b", re.IGNORECASE)
_COUNTED = re.compile(
    r"\b(?:\d[\d,]*|dozens|hundreds|scores|some|several|(?:one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
    r"nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\w-]*)\s+(?:of\s+)?"
    r"(?:\w+\s+){0,2}[\[(]?$",
    re.IGNORECASE,
)
"""A count before a name: "120 ISIS fighters were killed" counts the harmed, and so does "up to
80 [Daesh] fighters" with the name an editor bracketed."""


_BY_GAP = re.compile(
    r"(?:(?:either|both|the|suspected|regime|government|pro-government|air|naval|forces?|"
    r"warplanes|jets|aircraft|of|its|their|and|or)\s+){0,4}",
    re.IGNORECASE,
)
"""Words between a passive "by" and the party it names: "by either Russian or regime
warplanes", "by the air forces of Syria", not "by the militants on the Turkish town"."""
_BY_AGENT = re.compile(r"(?:\s+(?!by\b)[\w-]+){0,4}?,?\s+by\s+(?:the\s+)?", re.IGNORECASE)
"""A passive agent: "by" within four words after the trigger."""
_HOLDING = r"held|controlled|run|occupied|besieged|surrounded|dominated"
"""Participles that say who holds a place ("controlled by"), for `HELD_BY` and
`_HOLDER_BEFORE`."""
HELD_BY = re.compile(
    rf"\b(?:{_HOLDING}|backed|supported|led|encircled|"
    r"inhabited|populated|funded|sponsored|armed|trained|captured|seized|taken|"
    r"retaken|recaptured|overrun|managed|operated|used(?:\s+as\s+(?:an?\s+)?\w+)?)"
    r"\s+by\s+(?:the\s+)?$",
    re.IGNORECASE,
)
"""A "by" that names who holds, took, uses or backs a place or group, not who acted: "a
neighbourhood held by the Kurdish YPG", "strikes on areas controlled by ISIS", "oil facilities
captured by the Islamic State", "a school being used as a base by the Kurds", "rebels backed by
Turkey"."""


def actor_mentions(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Known actor names in a range: (start, end, canonical); names inside an organisation's
    name ("Syrian Observatory") are not parties."""
    out = []
    for match in _ACTOR.finditer(text, start, end):
        word = match.group(0)
        # "US" in capitals only: "us" is the pronoun.
        if word.lower() in ("us", "is") and word != word.upper():
            continue
        if _NAMES_AN_ORGANISATION.match(text, match.end()):
            continue
        out.append((match.start(), match.end(), ACTOR_NAMES[" ".join(word.lower().split())]))
    return out


_STRUCK_OBJECT = re.compile(
    r"\b(?:struck|strikes?|striking|hit|hits|hitting|bombed|bombing|bombs|targeted|targeting|"
    r"targets|pounded|pounding|pounds|shelled|shelling|destroyed|destroying|attacked|attacking|"
    r"raided|raiding)\s+(?:an?\s+|the\s+|several\s+|many\s+|more\s+)?$",
    re.IGNORECASE,
)
"""A party named as what a strike hit ("had struck an ISIS training camp"): a target."""
_WHERE_OR_ORIGIN = re.compile(
    r"\b(?:from|in|inside|across|throughout|(?:border|borders|frontier)\s+with)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
"""A state named as where something comes from ("a supply route from Turkey", "crossing the
borders from Turkey"), where it happens ("Russian airstrikes in Syria") or what a place lies by
("an outpost ... near the border with Turkey"): no target. An armed
group after "from" is whom fighters belong to ("30 terrorists from ISIL") or who loses a place
("seized the airport from Daesh"), still a target."""
_SPARED = re.compile(
    r"\b(?:not|never|n[o']t|without)\s+(?:\w+\s+){0,2}?"
    r"(?:target(?:ed|ing|s)?|hit(?:s|ting)?|strik(?:e|es|ing)|struck|attack(?:ed|ing|s)?|"
    r"bomb(?:ed|ing|s)?)\s+(?:the\s+|an?\s+|any\s+)?$",
    re.IGNORECASE,
)
"""A party a clause says was not hit ("attacks ... which did not target Daesh"): no target."""
_AGENT_BY = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
"""A "by" right before a name: who did something (the trigger's agent was read before)."""


_FOUGHT = re.compile(
    r"\b(?:fighting|battling|against|combating|combatting)\s+(?:the\s+)?"
    r"(?:[\w'’-]+\s+){0,3}\(?\s*$",
    re.IGNORECASE,
)
"""A party named as whom another fights ("the US-led coalition fighting the Islamic State (IS)
... has carried out rare strikes"): not the one that struck."""
_NOUN_TRIGGER = re.compile(
    r"(?:strikes?|raids?|attacks?|bombings?|bombardment|shelling|offensive|assault|missiles?)$",
    re.I,
)
"""A trigger that is a noun a party's name may qualify ("US missile strikes")."""
_HOLDER_BEFORE = re.compile(
    rf"\b(?:{_HOLDING})\s+by\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)
"""A party named as who holds a place ("Idlib province is controlled by an opposition
alliance and is regularly targeted ..."): not the one that struck."""
_PARTICIPLE_TRIGGER = re.compile(r"(?:ed|dead|died|slain)$", re.IGNORECASE)
"""A trigger that says what befell the name before it, in headline style ("rebels killed")."""


def _may_have_acted(text: str, mention: tuple[int, int, str], trigger: tuple[int, int]) -> bool:
    """Whether a name before the trigger can be its actor: not the harmed (civilians, a counted
    group), not what an earlier strike hit, whom another fights or who holds a place, and not
    a speaker about it (by a verb of speech, or "a comment from", "according to")."""
    if mention[2] == "civilians":
        return False  # the harmed, never the party that acted
    # A count before a party that qualifies the trigger counts the strikes, not the harmed
    # ("confirmed eight US strikes"); before a participle it counts the dead ("30 Syrian
    # rebels killed").
    names_trigger = not text[mention[1] : trigger[0]].strip() and not _PARTICIPLE_TRIGGER.search(
        text, trigger[0], trigger[1]
    )
    if not names_trigger and _COUNTED.search(text[max(0, mention[0] - 30) : mention[0]]):
        return False
    if _STRUCK_OBJECT.search(text[max(0, mention[0] - 30) : mention[0]]):
        return False
    window = text[max(0, mention[0] - 60) : mention[0]]
    if _SPEAKER_BEFORE.search(window) or _SUPPLIER.search(window):
        return False
    qualifies_strikes = names_trigger and _NOUN_TRIGGER.search(text, trigger[0], trigger[1])
    if not qualifies_strikes and (_FOUGHT.search(window) or _HOLDER_BEFORE.search(window)):
        return False  # but "warns against new US missile strikes": the US strikes
    spoke = _SPOKE.search(text, mention[1], trigger[0])
    # "Russia said its jets struck": the speaker claims the act as its own.
    return spoke is None or _OWN.search(text, spoke.end(), trigger[0]) is not None


def _actor_and_target(
    text: str, clause: tuple[int, int], sentence: tuple[int, int], trigger: tuple[int, int]
) -> tuple[str | None, str | None]:
    """Who acted (nearest actor before the trigger, or after "by") and on whom."""
    after = actor_mentions(text, trigger[1], clause[1])
    # "struck by", "carried out by", "killed in an air strike by": a few words after the
    # trigger; a later "by" belongs to another verb ("airstrikes prompted a response by X").
    passive = _BY_AGENT.match(text, trigger[1], clause[1])
    if passive is not None and HELD_BY.search(text, trigger[1], passive.end()):
        passive = None
    actor: str | None = None
    armed = _armed_parties(text, after)
    if armed:
        # "were destroyed in Russian and Syrian airstrikes": the parties whose arms the
        # trigger's "in"/"by"/"from" names acted, whoever the clause named before.
        actor = _joined_names(text, armed)
        after = [a for a in after if a not in armed]
    elif passive is not None:
        by_at = passive.end()
        # The party may follow a few words ("by either Russian or regime warplanes", "by the
        # air forces of Syria and its Russian ally").
        first = next((k for k, m in enumerate(after) if _BY_GAP.fullmatch(text, by_at, m[0])), None)
        if first is not None:
            # "by Syrian regime or Russian jets": every party the "by" names.
            group = _joined_run(text, after, first)
            actor = _joined_names(text, group)
            after = [a for a in after if a not in group]
    if actor is None:
        named = actor_mentions(text, clause[0], trigger[0]) or actor_mentions(
            text, sentence[0], trigger[0]
        )
        before = [m for m in named if _may_have_acted(text, m, trigger)]
        if before:
            group = [before[-1]]
            # The parties named with it in one phrase acted with it, whatever stands before
            # the phrase ("Three Russian and Syrian regime air raids": Russia and Syria).
            for earlier in reversed(
                [m for m in named if m[1] <= group[0][0] and m[2] != "civilians"]
            ):
                gap = text[earlier[1] : group[0][0]]
                if _JOINED.fullmatch(gap) or (not gap.strip() and earlier[2] == group[0][2]):
                    group.insert(0, earlier)
                else:
                    break
            actor = _joined_names(text, group)
    downed = [m for m in actor_mentions(text, trigger[0], trigger[1]) if m[2] != actor]
    if downed:
        # "downing a US and two UK aircraft": the parties the trigger itself names are what
        # was hit, before any party the clause names later ("carrying weapons for ISIS").
        return actor, _joined_names(text, downed)
    # A party the clause says was spared is no target anywhere in it ("did not target Daesh,"
    # it said, referring to ISIS ...).
    spared = {n for s, _e, n in after if _SPARED.search(text, max(0, s - 40), s)}
    place_end = -1  # the end of a state just read as where, to skip the states joined to it
    for start, end, name in after:
        if _BY_EITHER.search(text, max(0, start - 20), start) and _ARMS_AFTER.match(text, end):
            continue  # "carried out by either Russian or regime warplanes": who attacked
        if name in STATES and (
            _WHERE_OR_ORIGIN.search(text, max(0, start - 16), start)
            or (place_end >= 0 and _JOINED.fullmatch(text, place_end, start))
        ):
            place_end = end  # "across Iraq and Syria": both are where, neither was hit
            continue
        place_end = -1
        window = text[max(0, start - 48) : start]
        if _AGENT_BY.search(window) and not HELD_BY.search(window):
            # Another verb's agent ("prompted an angry response by the US-led coalition that
            # has been arrayed against ISIS"): the rest of the clause is about that party, not
            # whom the trigger hit. Who holds or uses a place ("areas controlled by ISIS",
            # "oil facilities captured by the Islamic State", "a school being used as a base by
            # the Kurds") still is.
            return actor, None
        if name != actor and name not in spared:
            return actor, name
    return actor, None


def _armed_parties(text: str, after: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The parties after the trigger whose arms its "in"/"by"/"from" names, with the parties
    joined to the first ("killed in Russian air raids", "in Russian and Syrian airstrikes")."""
    for k, mention in enumerate(after):
        if not _IN_ARMS.search(text, max(0, mention[0] - 12), mention[0]):
            continue
        group = _joined_run(text, after, k)
        if _ARMS_OF.match(text, group[-1][1]):
            return group
    return []


def _joined_run(
    text: str, mentions: list[tuple[int, int, str]], first: int
) -> list[tuple[int, int, str]]:
    """`mentions[first]` and the parties joined to it after it ("Syrian regime or Russian")."""
    group = [mentions[first]]
    for later in mentions[first + 1 :]:
        if not _JOINED.fullmatch(text, group[-1][1], later[0]):
            break
        group.append(later)
    return group


_ARMS_OF = re.compile(
    r"(?:['’]s)?\s+(?:(?:air|naval|military|army|artillery|government|regime)\s+)?"
    r"(?:air\s*strikes?|air\s*raids?|raids?|strikes?|bombing|bombardment|shelling|warplanes?|"
    r"jets?|aircraft|planes?|helicopters?|missiles?|rockets?|shells?|barrel\s+bombs?|fire)\b",
    re.IGNORECASE,
)
"""Arms or attacks a party's name qualifies: "Russian air raids", "regime helicopters"."""
_ARMS_AFTER = re.compile(
    # Up to two words between ("or regime"): any word, "or" and "regime" among them.
    r"(?:\s+[\w-]+){0,2}?" + _ARMS_OF.pattern,
    re.IGNORECASE,
)
_BY_EITHER = re.compile(r"\bby\s+(?:either\s+|both\s+|the\s+)?$", re.IGNORECASE)
"""A party after "by" whose arms follow it, maybe beside another's ("by either Russian or
regime warplanes"), attacked; it is no target."""
_IN_ARMS = re.compile(r"\b(?:in|by|from|during|under|through)\s+(?:an?\s+|the\s+)?$", re.IGNORECASE)
"""What puts the party's arms after the trigger as its means: "killed in Russian air raids"."""


_JOINED = re.compile(
    r"\s*(?:(?:regime|government|forces|army)\s*)?(?:,|and|or|,\s*and|,\s*or)\s*"
    r"(?:(?:its|their)\s+)?",
    re.IGNORECASE,
)
"""What joins two parties named together: "Russian and Syrian jets", "the regime or Russia",
"the Assad regime and its Russian ally"."""


def _joined_names(text: str, group: list[tuple[int, int, str]]) -> str:
    """One actor for parties named together: "Russia and Syria"; "Syria or Russia" where the
    text names them as alternatives (either may have acted)."""
    names = list(dict.fromkeys(name for _s, _e, name in group))
    alternatives = any(
        re.search(r"\bor\b", text[a[1] : b[0]], re.IGNORECASE) for a, b in pairwise(group)
    )
    return (" or " if alternatives else " and ").join(names)


_CUE_VERB = re.compile(
    rf"\b(?:{_CITING_VERBS}|added|confirmed|documented|cited|citing)\b|\b[Aa]ccording\s+to\b"
)
# Lower-case words that belong to a source's name ("the Observatory for Human Rights monitor").
_SOURCE_NOUNS = frozenset(
    [
        "monitor",
        "monitoring",
        "spokesman",
        "spokeswoman",
        "agency",
        "group",
        "network",
        "source",
        "sources",
        "ministry",
        "official",
        "officials",
        "website",
        "statement",
        "activists",
        "activist",
        "director",
        "commander",
        "observatory",
        "army",
        "media",
        "television",
        "station",
        "channel",
        "newspaper",
        "command",
        "council",
        "coalition",
        "page",
        "commission",
        "organisation",
        "organization",
        "news",
        # Bodies that speak as a whole ("the Turkish military said", "authorities said").
        "military",
        "government",
        "authorities",
        "police",
        "office",
        "presidency",
        "embassy",
        "committee",
        "centre",
        "center",
        "opposition",
        "rebels",
        "witnesses",
        "residents",
        "medics",
    ]
)
_CONNECTORS = frozenset(["for", "of", "the", "al", "el", "and", "de"])
_NOT_SOURCE = frozenset(
    [
        "on",
        "in",
        "at",
        "by",
        "as",
        "after",
        "before",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "meanwhile",
        "earlier",
        "later",
        "also",
    ]
)


def _source_chunk(words: list[str]) -> str | None:
    """The longest run of name words (capitalised, source nouns, inner connectors)."""
    out: list[str] = []
    for word in words:
        bare = word.strip("\"“”‘’'()")
        if not bare:
            break
        lowered = bare.lower()
        if not out and lowered in ("the", "a", "an"):
            continue
        if lowered in _NOT_SOURCE or lowered in _PRONOUNS:
            break
        if bare[0].isupper() or lowered in _SOURCE_NOUNS or (out and lowered in _CONNECTORS):
            out.append(bare)
            if word != bare and word.rstrip("\"”’')") != word:
                break
            continue
        break
    while out and out[-1].lower() in _CONNECTORS:
        out.pop()
    return " ".join(out) or None


def _source_name(text: str, start: int, end: int, trigger: int) -> str | None:
    """The source a sentence cites for its report ("Fars News said", "according to SANA",
    "..., the Syrian Observatory for Human Rights said"), as written, or None."""
    best: tuple[int, str] | None = None
    for cue in _CUE_VERB.finditer(text, start, end):
        name: str | None
        if cue.group(0).lower().startswith("according"):
            name = _source_chunk(text[cue.end() : end].split()[:8])
        else:
            before = text[max(start, cue.start() - 120) : cue.start()]
            # Words back to the nearest comma, quote or clause edge, read left to right.
            tail = re.split(r"[,;:\"“”]", before)[-1].split()
            name = None
            for first in range(len(tail)):
                name = _source_chunk(tail[first:])
                if name and " ".join(tail[first:]).endswith(name.split()[-1]):
                    break
                name = None
            if name is None:  # inverted: '..." said coalition spokesman Thomas Gilleran'
                name = _source_chunk(text[cue.end() : end].split()[:8])
        if name:
            name = re.sub(r"^(?:[Tt]he|[Aa]n?)\s+", "", name)
            distance = abs(cue.start() - trigger)
            if name and (best is None or distance < best[0]):
                best = (distance, name)
    return best[1] if best else None


@dataclass(slots=True)
class _PlaceHit:
    start: int
    end: int
    name: str
    attrs: dict[str, Any]


def _in_quarter(hit: _PlaceHit, quarter: str) -> _PlaceHit:
    """A city's hit with the street or quarter of it the clause names (`place.quarter`); a
    province or country stays as it is (the quarter may be of a city it does not name)."""
    if hit.attrs.get("kind") != "city":
        return hit
    return _PlaceHit(hit.start, hit.end, hit.name, {**hit.attrs, "quarter": quarter})


class _Places:
    """Place mentions of one document, resolved with the article's country prior."""

    def __init__(
        self,
        doc: Document,
        body: Sequence[tuple[int, int]],
        min_population: int,
        blocked: Sequence[tuple[int, int, str]],
    ) -> None:
        from newsprism.geo.gazetteer import get_gazetteer

        self.gazetteer = get_gazetteer()
        self.text = doc.text
        self.min_population = min_population
        self.blocked = blocked
        self.named = [(s.start, s.end) for s in doc.layer("entities") if s.label in ("GPE", "LOC")]
        self.prior = self._country_prior(body)
        self.quarters: dict[int, tuple[int, int, str]] = {}
        """Streets and quarters named before a word that says so ("al-Sulaymaniyah
        neighborhood", "the Castello Road"), by start: found by `find`."""
        # Names the text puts in a province elsewhere ("Hader in Quneitra province"): every
        # mention of the name is read near that province.
        self.provinces: dict[str, Any] = {}
        for start, end in body:
            self._learn_provinces(start, end)

    def _country_prior(self, body: Sequence[tuple[int, int]]) -> list[str]:
        """Countries the article is about, most mentioned first (names and demonyms)."""
        votes: Counter[str] = Counter()
        for start, end in body:
            for _s, _e, name in actor_mentions(self.text, start, end):
                code = self.gazetteer.country_code(name)
                if code:
                    votes[code] += 1
            for match in re.finditer(_NAME, self.text[start:end]):
                word = match.group(0)
                code = self.gazetteer.country_code(word) or (
                    # "Syrias Idlib" (agency copy without apostrophes): the possessive counts
                    self.gazetteer.country_code(word.split()[0][:-1])
                    if word.split()[0].endswith("s")
                    else None
                )
                if code:
                    votes[code] += 1
        return [code for code, _n in votes.most_common()]

    def _learn_provinces(self, start: int, end: int) -> None:
        found = [
            *_IN_PROVINCE.finditer(self.text, start, end),
            *_TOWN_IN_PROVINCE.finditer(self.text, start, end),
        ]
        for match in found:
            name = match.group("p1") or match.group("p2")
            province = self.gazetteer.resolve(name, self.prior, "admin1")
            if province is not None and province.kind == "city":
                # A spelling the city has but its province not ("Deir Ezzor"): the province
                # under the city's own name.
                province = self.gazetteer.resolve(province.name, self.prior, "admin1")
            if province is not None and province.kind == "admin1":
                self.provinces.setdefault(fold_key(match.group("name")), province)

    def _home_city(self, name: str) -> bool:
        """Whether `name` is a city of the article's country too large to name a quarter:
        "Aleppo neighborhoods" are Aleppo's."""
        if not self.prior:
            return False
        place = self.gazetteer.resolve(name, self.prior[:1], "city")
        return (
            place is not None
            and place.kind == "city"
            and place.country == self.prior[0]
            and place.population >= self.min_population
        )

    def quarter_in(self, start: int, end: int) -> str | None:
        """The first street or quarter `find` met in the range, or None."""
        inside = [q for q in self.quarters.values() if start <= q[0] < end]
        return min(inside)[2] if inside else None

    def _usable(self, name: str) -> bool:
        lowered = name.lower()
        return not (
            lowered in _NOT_PLACES or lowered.split()[0] in _NOT_PLACES or lowered in _NOT_ALONE
        )

    def _tagged_other(self, start: int, end: int) -> bool:
        """True when the entities layer calls (part of) the range a person or organisation."""
        return any(s < end and start < e for s, e, _label in self.blocked)

    def _believable(self, place: Place) -> bool:
        """A name the tagger calls a person or organisation is still a place when it is a
        town or province of the article's own countries (the tagger calls "Hama" and
        "Hassakeh" persons, "Tal Hamis" an organisation); "Kerry" and "Hollande" are not."""
        return place.kind in ("city", "admin1", "region") and place.country in self.prior[:2]

    def find(self, start: int, end: int) -> list[_PlaceHit]:
        """Places in a range: after a locative cue (and the lists that follow it), the
        entities layer's GPE/LOC spans, and "the capital"."""
        spans: list[tuple[int, int]] = []
        for cue in _LOCATIVE.finditer(self.text, start, end):
            if cue.group().lower().startswith("from") and _SUPPORT_BEFORE.search(
                self.text, max(start, cue.start() - 30), cue.start()
            ):
                continue  # "receives backing from Saudi Arabia": a backer, not a place
            spans.append((cue.start("name"), cue.end("name")))
            position = cue.end("name")
            while (nxt := _LIST_NEXT.match(self.text, position, end)) is not None:
                spans.append((nxt.start("name"), nxt.end("name")))
                position = nxt.end("name")
        cued = set(spans)
        spans.extend((s, e) for s, e in self.named if start <= s and e <= end)
        hits: list[_PlaceHit] = []
        for s, e in sorted(set(spans)):
            if any(h.start <= s < h.end for h in hits) or _DATELINE.match(self.text, s, e):
                continue
            hit = self._resolve(s, e, end)
            # A country the tagger found without a locative cue is an actor ("Russia
            # acknowledged 18 airstrikes"), not where the event happened; so is a capital that
            # stands for its government ("forces that Washington supports", "Moscow said").
            party = hit is not None and (
                hit.attrs["kind"] == "country" or " ".join(hit.name.lower().split()) in ACTOR_NAMES
            )
            if hit is not None and (not party or (s, e) in cued):
                hits.append(hit)
        if not hits and self.prior:
            capital = _CAPITAL.search(self.text, start, end)
            place = self.gazetteer.capital(self.prior[0]) if capital else None
            if capital is not None and place is not None:
                name = self.text[capital.start() : capital.end()]
                hits.append(_PlaceHit(capital.start(), capital.end(), name, place.to_attrs(name)))
        return self._drop_qualifiers(hits)

    def _resolve(self, start: int, end: int, limit: int) -> _PlaceHit | None:
        """Resolve a name, trying shorter prefixes ("Raqqa Syria" -> "Raqqa"), without a
        leading possessive country ("Syrias Idlib") or direction ("Northern Lattakia")."""
        text = self.text
        first = re.match(r"\S+\s+", text[start:end])
        if first is not None:
            word = first.group(0).strip().rstrip("’'‘")
            if self.gazetteer.country_code(word[:-1] if word.endswith("s") else word):
                start += first.end()
        direction = _DIRECTIONS.match(text, start, end)
        if direction is not None and direction.end() < end:
            start = direction.end()
        words = list(re.finditer(r"\S+", text[start:end]))
        for count in range(len(words), 0, -1):
            stop = start + words[count - 1].end()
            name = text[start:stop].rstrip("’'‘-")
            if count > 1 and " ".join(name.lower().split()) in _NOT_ALONE:
                return None  # "the White House": no shorter name in it is a place either
            street = _STREET_AFTER.match(text, stop, limit) is not None
            if (
                count == len(words)
                and (street or _STREET_NAME.match(name))
                and not self._home_city(name)
            ):
                # "Bani Zaid neighborhood": a quarter of the city around it, whose name the
                # events keep; nor is "Bani" a town (Baneh, Iran).
                self.quarters.setdefault(start, (start, stop, name))
                return None
            if _SEAT_AFTER.match(text, stop, limit):
                continue  # "The London Based Syrian Observatory": where it sits, not acts
            if street or not self._usable(name) or _FACILITY_AFTER.match(text, stop, limit):
                continue  # a shorter name before the street word is the street's own
            kind = "admin1" if _ADMIN_AFTER.match(text, stop, limit) else None
            province = self.provinces.get(fold_key(name))
            near = (province.lat, province.lon) if province is not None else None
            # The province the text puts the name in says its country too ("the town of Ariha
            # in Idlib province" in a report that names Russia more often than Syria).
            prior = self.prior if province is None else [province.country, *self.prior]
            place = self.gazetteer.resolve(name, prior, kind, self.min_population, near)
            if place is None and province is not None:
                place = province  # a village the gazetteer lacks: its province
            elif (
                place is not None
                and province is not None
                and place.kind == "city"
                and distance_km(place, province) > NEAR_KM
            ):
                place = province
            if (
                place is not None
                and self._tagged_other(start, stop)
                and not self._believable(place)
            ):
                continue
            if place is not None:
                return _PlaceHit(start, start + len(name), name, place.to_attrs(name))
        return None

    def _drop_qualifiers(self, hits: list[_PlaceHit]) -> list[_PlaceHit]:
        """Drop "Syria" in "Raqqa, Syria" and "Aleppo" in "Daret Ezza, in the countryside of
        Aleppo": they say where the first place is, not another place."""
        hits.sort(key=lambda h: h.start)
        out: list[_PlaceHit] = []
        for hit in hits:
            if out:
                gap = self.text[out[-1].end : hit.start]
                coarser = (
                    hit.attrs["kind"] in ("country", "admin1")
                    or "countryside" in gap
                    or ("province" in gap)
                )
                if _QUALIFIER_GAP.match(gap) and coarser:
                    continue
                if _BEARING_GAP.match(gap):
                    # The place the bearing starts from says where the first lies: a namesake
                    # of the first far from it is another town ("Al-Quriyah southeast of Deir
                    # ez-Zor" is no village of Sweida), so the event is put there instead.
                    first = out[-1].attrs
                    if (
                        haversine_km(first["lat"], first["lon"], hit.attrs["lat"], hit.attrs["lon"])
                        > NEAR_KM
                    ):
                        out[-1] = hit
                    continue
            out.append(hit)
        if any(h.attrs["kind"] != "country" for h in out):
            out = [h for h in out if h.attrs["kind"] != "country"]
        return out


def fold_key(name: str) -> str:
    """A name's lookup key (folded, article dropped) for per-document memories."""
    return re.sub(r"^(?:al|el|ar|as|ad|an|at|az|ash|ez)\s+", "", fold(name))


def _body_sentences(doc: Document) -> list[Span]:
    """Sentences outside comments, boilerplate, titles, bylines and captions."""
    skipped = [s for s in doc.layer("sections") if s.label in SKIP_SECTIONS]
    out = []
    for sentence in doc.layer("sentences"):
        if any(s.start <= sentence.start < s.end for s in skipped):
            continue
        out.append(sentence)
    return out


def _attribution_chain(doc: Document, position: int) -> list[Span]:
    """The attributions whose content holds `position`, outermost first (a report relayed
    through another: "Fars said that Iraqi officials said ...")."""
    holding = []
    for span in doc.layer("attributions"):
        content = span.attrs.get("content") or [span.start, span.end]
        if content[0] <= position < content[1]:
            holding.append(span)
    return sorted(holding, key=lambda s: s.start - s.end)


def _headline(text: str, start: int, end: int) -> bool:
    """True for a short sentence in title case (an inline headline repeating the lead)."""
    words = _WORDS4.findall(text, start, end)
    if len(words) < 4 or len(words) > 20:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= HEADLINE_CAPS


def _background(
    text: str,
    clause: tuple[int, int],
    counts: Sequence[Count],
    published: date | None = None,
    dates: Sequence[DateMention] = (),
) -> bool:
    """The war's running toll, a years-long trend, or an event of an earlier year recalled
    ("since sarin gas killed hundreds in Ghouta in 2013" in a 2017 report), not one event of
    the news."""
    if _BACKGROUND.search(text, *clause):
        return True
    last_year = _LAST_YEAR.search(text, *clause)
    if last_year and not _RELATIVE_PRONOUN.search(text, clause[0], last_year.start()):
        # An act of the year before recalled ("chlorine attacks ... in the battle for Aleppo
        # last year", "In October last year a reporter was killed"), unless a relative clause
        # dates something else ("Aleppo which the government took last year").
        return True
    if published is not None:
        years = (int(m.group(1)) for m in _IN_YEAR.finditer(text, *clause))
        if any(year < published.year for year in years):
            return True
        for mention in dates:
            day = mention.day
            if not mention.relative and day and day[:10] < (published - _RECALLED).isoformat():
                return True
    return any(
        c.role in ("killed", "wounded", "people") and (c.min or 0) >= BACKGROUND_TOLL
        for c in counts
    )


_LAST_YEAR = re.compile(r"\blast\s+year\b", re.IGNORECASE)


@dataclass(slots=True)
class _Context:
    """The places a document has named so far, for clauses that name none."""

    last: tuple[int, _PlaceHit] | None = None
    """The sentence number and the last non-country place named up to it."""
    main: _PlaceHit | None = None
    """The non-country place the document names most often."""

    def place_for(self, sentence: int, countries: Sequence[_PlaceHit]) -> tuple[_PlaceHit, str]:
        """The inherited place and how it was found ("context" or "document")."""
        wanted = {h.attrs["country"] for h in countries}
        for hit, source in (
            (
                self.last[1]
                if self.last and sentence - self.last[0] <= INHERIT_SENTENCES
                else None,
                "context",
            ),
            (self.main, "document"),
        ):
            if hit is not None and (not wanted or hit.attrs["country"] in wanted):
                return hit, source
        raise LookupError


def extract_events(doc: Document, min_population: int = 100_000) -> tuple[list[Span], list[Span]]:
    """(events, mentions) spans for a document with a `sentences` layer (see module docstring)."""
    text = doc.text
    published = page_date(text, parse_published(doc.meta.get("published")))
    sentences = _body_sentences(doc)
    blocked = [
        (s.start, s.end, s.label) for s in doc.layer("entities") if s.label in ("PERSON", "ORG")
    ]
    mentions: list[Span] = []
    drafts: list[_Draft] = []
    # (paragraph, date, whether that date is the page's stamp)
    paragraph_date: tuple[int, str | None, bool] = (-1, None, False)
    paragraphs = doc.layer("paragraphs")

    def paragraph_of(position: int) -> int:
        for index, para in enumerate(paragraphs):
            if para.start <= position < para.end:
                return index
        return -1

    def mention(start: int, end: int, label: str, attrs: dict[str, Any]) -> str:
        span_id = f"{MENTIONS}.{len(mentions)}"
        mentions.append(Span(start, end, label, None, attrs, span_id))
        return span_id

    # Only documents that report something pay for the gazetteer and the place pass.
    has_trigger = [_event_type(text, s.start, s.end) is not None for s in sentences]
    chanted = _toll_chant(text, sentences)
    places: _Places | None = None
    sentence_places: list[list[_PlaceHit]] = [[] for _ in sentences]
    place_ids: dict[int, str] = {}
    context = _Context()
    if any(has_trigger):
        body = [(s.start, s.end) for s in sentences]
        places = _Places(doc, body, min_population, blocked)
        tally: Counter[str] = Counter()
        first_seen: dict[str, _PlaceHit] = {}
        for index, sentence in enumerate(sentences):
            hits = places.find(sentence.start, sentence.end)
            sentence_places[index] = hits
            for hit in hits:
                place_ids[hit.start] = mention(hit.start, hit.end, "GPE", hit.attrs)
                if hit.attrs["kind"] != "country":
                    key = hit.attrs["canonical"]
                    tally[key] += 1
                    first_seen.setdefault(key, hit)
        # The document's main place is in its main country ("Washington wants ..." in an
        # article about Syria is not where its events happen).
        home = [
            k for k, _n in tally.most_common() if first_seen[k].attrs["country"] in places.prior[:1]
        ]
        if home:
            context.main = first_seen[home[0]]
    seen_clauses: set[str] = set()
    for index, sentence in enumerate(sentences):
        dates = find_dates(text, published, sentence.start, sentence.end)
        date_ids = [mention(d.start, d.end, "DATE", d.to_attrs()) for d in dates]
        counts = find_counts(text, sentence.start, sentence.end, [(d.start, d.end) for d in dates])
        count_ids = [mention(c.start, c.end, "QUANTITY", c.to_attrs()) for c in counts]
        para = paragraph_of(sentence.start)
        # A publication stamp dates the page, not what it reports: it is no event's own date,
        # only the context's (as a date carried over from the paragraph is).
        stamps = {d.start for d in dates if is_stamp(text, d)}
        resolved = [d for d in dates if d.iso]
        if resolved:
            paragraph_date = (para, resolved[0].iso, resolved[0].start in stamps)
        hits = sentence_places[index]
        if (
            has_trigger[index]
            and not _headline(text, sentence.start, sentence.end)
            and index not in chanted
        ):
            for clause in _clauses(text, sentence.start, sentence.end):
                found = _event_type(text, *clause)
                if found is None:
                    continue
                key = " ".join(text[clause[0] : clause[1]].split())
                if key in seen_clauses:
                    continue  # the same sentence printed twice (agency copy)
                label, trigger = found
                clause_places = [h for h in hits if clause[0] <= h.start < clause[1]]
                quarter = places.quarter_in(*clause) if places is not None else None
                clause_counts = [
                    (c, i)
                    for c, i in zip(counts, count_ids, strict=True)
                    if clause[0] <= c.start < clause[1] and c.role not in ("percent",)
                ]
                clause_dates = [
                    (d, i)
                    for d, i in zip(dates, date_ids, strict=True)
                    if clause[0] <= d.start < clause[1] and d.start not in stamps
                ]
                anaphora = _ANAPHORA.search(text, *clause) is not None
                if not (clause_places or quarter or clause_counts or clause_dates or anaphora):
                    continue
                if _background(
                    text,
                    clause,
                    [c for c, _i in clause_counts],
                    published,
                    [d for d, _i in clause_dates],
                ):
                    continue
                seen_clauses.add(key)
                place_source = "text"
                if not any(h.attrs["kind"] != "country" for h in clause_places):
                    try:
                        inherited, place_source = context.place_for(index, clause_places)
                        clause_places = [inherited]
                    except LookupError:
                        pass
                if quarter is not None:
                    clause_places = [_in_quarter(h, quarter) for h in clause_places]
                drafts.extend(
                    _drafts(
                        doc,
                        label,
                        clause,
                        (sentence.start, sentence.end),
                        trigger,
                        [
                            (h, place_ids.get(h.start) if place_source == "text" else None)
                            for h in clause_places
                        ],
                        place_source,
                        clause_counts,
                        clause_dates
                        or [
                            (d, i)
                            for d, i in zip(dates, date_ids, strict=True)
                            if d.start not in stamps
                        ],
                        paragraph_date[1:] if paragraph_date[0] == para else (None, False),
                    )
                )
        fine = [h for h in hits if h.attrs["kind"] != "country"]
        if fine:
            # The sentence's first place is its subject's ("militants in Raqqa still reeling
            # from the loss of Tal Abyad"); later ones are often background.
            context.last = (index, fine[0])
    events = [
        Span(d.start, d.end, d.label, None, d.attrs, f"{LAYER}.{i}") for i, d in enumerate(drafts)
    ]
    return events, mentions


_CHANT = re.compile(
    r"\s*[\w-]+(?:\s+[\w-]+){0,2}\s+(?:dead|killed|wounded|injured|martyrs)\s*!+\s*",
    re.IGNORECASE,
)
"""A toll shouted as a fragment: "Seventeen dead!"."""


def _toll_chant(text: str, sentences: Sequence[Span]) -> set[int]:
    """Indexes of sentences in a run of two or more shouted tolls ("Seventeen dead! Fourteen
    dead! Twenty dead! The numbers change every hour"): a writer mocking others' figures, not
    reporting any."""
    shouted = [_CHANT.fullmatch(text, s.start, s.end) is not None for s in sentences]
    chanted = set()
    for index, flag in enumerate(shouted):
        if flag and (
            (index > 0 and shouted[index - 1]) or (index + 1 < len(shouted) and shouted[index + 1])
        ):
            chanted.add(index)
    return chanted


def replaces_kept(role: str, low: int | None, kept_low: int | None) -> bool:
    """Whether a later count of `role` in a clause replaces the one kept so far: for people
    counts the largest is the total (the others are parts of it), for the rest the first
    stands."""
    return role in ("killed", "wounded", "people", "captured") and (low or 0) > (kept_low or 0)


def _event_counts(counts: list[tuple[Count, str]]) -> tuple[dict[str, Any], dict[str, str]]:
    """Counts by role, and the qualifiers written with them.

    Of several people counts with one role the largest is the total ("six civilians ... were
    among at least 22 people killed", "12 civilians including four children"): the others are
    parts of it.
    """
    chosen: dict[str, Count] = {}
    for count, _id in counts:
        if not count.role:
            continue
        old = chosen.get(count.role)
        if old is None or replaces_kept(count.role, _low(count), _low(old)):
            chosen[count.role] = count
    values = {role: c.value() for role, c in chosen.items()}
    qualifiers = {role: c.qualifier for role, c in chosen.items() if c.qualifier}
    return values, qualifiers


def _low(count: Count) -> int | None:
    """A count's lower bound, or for "nearly 75" (no lower bound) the number written: the
    total of "Nearly 75 terrorists killed including 30 foreign ..." is 75, not the 30."""
    return count.min if count.min is not None else count.stated


def _in_relative_clause(text: str, trigger_end: int, start: int) -> bool:
    """Whether a date after the trigger dates a relative clause about something else ("The blast
    hit buses which had been waiting ..., carrying people evacuated from two villages on
    Friday", "struck the town where rebels killed a pilot on Friday"), not the event."""
    return start > trigger_end and _RELATIVE_PRONOUN.search(text, trigger_end, start) is not None


_RELATIVE_PRONOUN = re.compile(r"\b(?:which|who|whom|whose|where)\b", re.IGNORECASE)
_TIME_ANCHOR = re.compile(
    r"\b(?:after|before|since|following|condemning|condemned|condemns|denounced|denouncing|"
    r"investigating|about)\s+(?:the|this|that|last)\s+$",
    re.I,
)
"""An event named as a time anchor ("the evacuation resumed on Sunday after the bombing") or as
what a later act is about ("The UN Security Council met Wednesday to debate a resolution
condemning the air strike"): the clause's dates are the other act's."""


def _reports_on(text: str, mention: DateMention) -> bool:
    """Whether a date dates a report, not what it reports ("the toll has risen to 86, a
    monitoring group said on Wednesday"; "Iran's defence ministry on Friday denied reports that
    Russian missiles had crashed")."""
    if _REPORTED_ON.search(text, max(0, mention.start - 40), mention.start) is not None:
        return True
    return _REPORTING_AFTER.match(text, mention.end) is not None


_REPORTING_AFTER = re.compile(
    r"\s*,?\s*(?:said|says|denied|denies|announced|announces|reported|claimed|confirmed|"
    r"rejected|dismissed|told|accused|blamed|acknowledged|insisted|warned)\b",
    re.IGNORECASE,
)
"""A statement's verb right after its date: the date is the statement's."""


_REPORTED_ON = re.compile(
    r"\b(?:said|says|announced|added|stated|told\s+[\w-]+(?:\s+[\w-]+)?|"
    r"(?<!were\s)(?<!was\s)(?<!been\s)reported)\s+(?:on\s+|late\s+|early\s+)?$",
    re.IGNORECASE,
)


def _drafts(
    doc: Document,
    label: str,
    clause: tuple[int, int],
    sentence: tuple[int, int],
    trigger: tuple[int, int],
    places: list[tuple[_PlaceHit, str | None]],
    place_source: str,
    counts: list[tuple[Count, str]],
    dates: list[tuple[DateMention, str]],
    context_date: tuple[str | None, bool],
) -> list[_Draft]:
    """One draft event per place in the clause (one without a place when it names none)."""
    text = doc.text
    actor, target = _actor_and_target(text, clause, sentence, trigger)
    chain = _attribution_chain(doc, trigger[0])
    attribution = chain[-1] if chain else None
    denied = _denies(text, *clause)
    if any(span.attrs.get("polarity") == "deny" for span in chain):
        denied = True
    event_counts, qualifiers = _event_counts(counts)
    date_iso: str | None = None
    date_id: str | None = None
    date_source = None
    # An event named as a time anchor takes none of its clause's dates.
    anchored = _TIME_ANCHOR.search(text, max(0, trigger[0] - 20), trigger[0]) is not None
    # The event's own dates first, then those that date only its report (a stable sort).
    judged = sorted(
        ((_reports_on(text, m), m, span_id) for m, span_id in dates), key=lambda d: d[0]
    )
    for reports, mention, span_id in judged:
        if (
            mention.iso
            and not anchored
            and not _in_relative_clause(text, trigger[1], mention.start)
        ):
            date_iso, date_id = mention.iso, span_id
            date_source = "report" if reports else "text"
            break
    # An act named as another's anchor or topic takes no carried date either: the paragraph's
    # day is the other act's ("met Wednesday to debate a resolution condemning the air strike").
    if date_iso is None and context_date[0] is not None and not anchored:
        # "stamp": the page's publication stamp, the only date its opening gives.
        date_iso, date_source = context_date[0], "stamp" if context_date[1] else "paragraph"
    source = _source_name(text, sentence[0], sentence[1], trigger[0])
    if attribution is not None:
        speaker = attribution.attrs.get("speaker")
        # The tagger's speaker unless it is a bare common noun ("group") and the sentence
        # names the source in full ("the Syrian Observatory for Human Rights").
        if isinstance(speaker, str) and (
            source is None or not (speaker.islower() or speaker in source)
        ):
            source = speaker
    base: dict[str, Any] = {
        "actor": actor,
        "target": target,
        # A range's first day: "attacks since yesterday" began yesterday.
        "date": date_iso.split("/")[0] if date_iso else None,
        "date_range": date_iso if date_iso and "/" in date_iso else None,
        "date_source": date_source,
        "date_mention": date_id,
        "counts": event_counts,
        "count_qualifiers": qualifiers,
        "count_mentions": [span_id for _c, span_id in counts],
        "claimed_by": attribution.id if attribution is not None else None,
        "claim_chain": [{"id": span.id, "speaker": span.attrs.get("speaker")} for span in chain],
        "source": source,
        "polarity": "deny" if denied else "assert",
        "trigger": list(trigger),
    }
    out = []
    # One event per place, not per mention: copy with its headline run into its lead ("20 dead
    # in Syria barrel bomb attack in Aleppo ... in northern Aleppo city") names a place twice.
    hits: list[tuple[_PlaceHit, str | None] | None] = []
    named: set[object] = set()
    for hit in places:
        key = hit[0].attrs.get("geonameid") or fold_key(str(hit[0].attrs.get("name") or ""))
        if key not in named:
            named.add(key)
            hits.append(hit)
    for item in hits or [None]:
        attrs = dict(base)
        if item is None:
            attrs["place"] = None
            attrs["place_mention"] = None
            attrs["place_source"] = None
        else:
            attrs["place"] = item[0].attrs
            attrs["place_mention"] = item[1]
            attrs["place_source"] = place_source
        out.append(_Draft(clause[0], clause[1], label, trigger, attrs))
    return out


@register
class EventsAnalyzer(Analyzer):
    """Reported events from body sentences (reads `attributions`/`entities` when present)."""

    name = "events.v1"
    requires = ("sentences",)
    produces = (LAYER, MENTIONS)
    model_version = "rules+geonames"

    def analyze(self, doc: Document, features: dict[str, Any]) -> Document:
        """Add the `events` and `mentions` layers."""
        events, mentions = extract_events(doc, self.config.events.place_min_population)
        return doc.with_layer(MENTIONS, mentions).with_layer(LAYER, events)
