"""Word lists and small rules for attributions: denial cues, speaker types, pronouns, relays.

These are the parts rules do better than the PolNeAR tagger: PolNeAR does not mark polarity,
speaker type or relay chains, so they are decided here from the cue, the content and the source.
"""

from __future__ import annotations

import re

DENY_CUE = re.compile(
    r"\b(den(?:y|ies|ied|ying|ial)|reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|refut(?:e|es|ed|ing)"
    r"|rebut(?:s|ted|ting)?|disput(?:e|es|ed|ing)|contradict(?:s|ed|ing)?|deb(?:unk|unked|unks)"
    r"|disavow(?:s|ed|ing)?|repudiat(?:e|es|ed|ing)|rebuff(?:s|ed|ing)?)\b",
    re.IGNORECASE,
)
"""A cue that itself denies ("denied reports of ...", "rejected", "dismissed as fabricated")."""

DENY_CONTENT = re.compile(
    r"\b(?:(?:claims?|reports?|allegations?|accusations?|accounts?|stories|story|rumou?rs?)\b"
    r"[^.;]{0,120}?\b(?:are|is|were|was)\s+(?:(?:completely|totally|entirely|absolutely|simply"
    r"|patently|also)\s+)?(?:false|untrue|baseless|groundless|fabricated|fake|lies|a lie|"
    r"nonsense|unfounded|not true|wrong|incorrect|misleading)"
    r"|(?:false|untrue|baseless|groundless|fabricated|unfounded)\s+(?:claims?|reports?|"
    r"allegations?|accusations?)|no\s+truth\s+(?:in|to)|never\s+happened|did\s+not\s+happen)",
    re.IGNORECASE,
)
"""Content that rebuts something ("said claims ... are false", "baseless allegations")."""

NO_CIVILIAN_HARM = re.compile(
    r"\b(?:no|not\s+(?:a\s+single|one|any))\s+civilians?\s+(?:\w+\s+)?"
    r"(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:killed|hurt|harmed|injured|wounded|hit"
    r"|targeted)"
    r"|\bno\s+civilian\s+(?:casualties|deaths|victims|(?:targets?|infrastructure|areas?|"
    r"buildings?|facilities|objects?|sites?)\s+(?:was|were|had\s+been|has\s+been|have\s+been)"
    r"\s+(?:hit|targeted|struck|bombed|attacked))"
    r"|\bno\s+casualties\s+among\s+(?:the\s+)?civilians"
    r"|\b(?:did\s+not|didn[’']t|never|does\s+not|doesn[’']t|do\s+not|don[’']t)\s+"
    r"(?:kill|hit|target|strike|bomb|attack)\s+(?:any\s+)?(?:civilians?|residential|civilian)\b"
    r"|\bcivilians\s+(?:were|had\s+been|have\s+been)\s+not\s+(?:killed|harmed|hit|targeted)",
    re.IGNORECASE,
)
"""A statement that civilians came to no harm ("no civilians were killed", "no civilian
infrastructure was hit", "did not target civilians"): the usual form of a party's denial of
civilian casualties, which names no denial word."""

NEGATED_STRIKE = re.compile(
    r"\b(?:did\s+not|didn[’']t|had\s+not|hadn[’']t|has\s+not|hasn[’']t|have\s+not"
    r"|haven[’']t|never)\s+(?:(?:carried|carry)\s+out\s+(?:any\s+)?(?:air\s*)?"
    r"(?:strikes?|raids?|attacks?|bombings?|sorties)|(?:struck|strike|bombed|bomb|targeted|target"
    r"|attacked|attack|shelled|shell)\b)"
    # "did not target Daesh" accuses the striker of hitting others: no denial of a strike.
    r"(?!\s+(?:the\s+)?(?:Daesh|ISIS|ISIL|IS\b|Islamic\s+State|terrorists?|militants?|"
    r"jihadists?|extremists?|(?:al-)?Nusra)\b)"
    # "No Russian missile has fallen on Iranian territory": the arms said not to have hit.
    r"|\bno\s+(?:[A-Z][\w-]*\s+)?(?:missiles?|bombs?|rockets?|shells?|strikes?|air\s*strikes?|"
    r"bombs?|planes?|jets?|aircraft|warplanes?)\s+(?:has|have|had|was|were)\s+(?:been\s+)?"
    r"(?:fallen|fell|hit|struck|landed|crashed|fired|launched|dropped|carried\s+out)\b",
    re.IGNORECASE,
)
"""A strike said not to have happened ("Russian aircraft did not strike any hospitals", "had
not carried out any air strikes in the area"): a denial with no denial word. Not a strike said
to have missed the group it claimed to fight ("attacks which did not target Daesh")."""


def denies_by_negation(text: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
    """Where `text[start:end]` states that civilians came to no harm or that a strike did not
    happen."""
    stop = len(text) if end is None else end
    return [
        *NO_CIVILIAN_HARM.finditer(text, start, stop),
        *NEGATED_STRIKE.finditer(text, start, stop),
    ]


PRONOUNS = frozenset(
    {"he", "she", "they", "it", "him", "her", "them", "his", "its", "their", "we", "i"}
)
"""Sources that need resolving to an earlier named speaker."""

ANONYMOUS = re.compile(
    r"\b(unnamed|anonymous|unidentified|(?:a|one|two|three|several)\s+(?:senior\s+)?"
    r"(?:source|official|sources|officials)\b|sources?\s+(?:close|familiar)|"
    r"who\s+(?:spoke|asked)\s+on\s+(?:the\s+)?condition\s+of\s+anonymity|"
    r"declined\s+to\s+be\s+(?:named|identified))",
    re.IGNORECASE,
)

MILITARY = re.compile(
    r"\b(military|army|armed\s+forces|air\s+force|navy|naval|marines?|troops|commander|"
    r"general|gen\.|maj\.|col\.|lt\.|brig\.|admiral|adm\.|sgt\.|defen[cs]e\s+ministry|"
    r"ministry\s+of\s+defen[cs]e|pentagon|centcom|coalition|nato|idf|soldiers?|colonel|"
    r"major|lieutenant|brigadier|sergeant|corps|militia|fighters|commando)(?:\b|(?<=\.))",
    re.IGNORECASE,
)

OFFICIAL = re.compile(
    r"\b(president|prime\s+minister|minister|ministry|secretary|spokes(?:man|woman|person)|"
    r"official|officials|government|governor|senator|sen\.|rep\.|congress(?:man|woman)?|"
    r"parliament(?:ary)?|lawmaker|mayor|ambassador|embassy|department|administration|"
    r"white\s+house|kremlin|state\s+department|foreign\s+ministry|committee|chief|"
    r"cabinet|authorities|police|agency|council|envoy|diplomat|campaign|candidate|"
    r"chairman|chairwoman|leader|commission|attorney\s+general|prosecutor|court|judge)"
    r"(?:\b|(?<=\.))",  # "Rep." and "Sen.": after a full stop no word boundary follows
    re.IGNORECASE,
)

MEDIA = re.compile(
    r"\b(news|agency|times|post|journal|tribune|herald|gazette|telegraph|guardian|reuters|"
    r"associated\s+press|ap|afp|bbc|cnn|nbc|cbs|abc|msnbc|fox|rt|sputnik|tass|ria|fars|irna|"
    r"tasnim|press\s*tv|sana|al\s+jazeera|al-jazeera|xinhua|figaro|le\s+monde|der\s+spiegel|"
    r"newspaper|magazine|daily|network|television|tv|radio|outlet|reporter|correspondent|"
    r"website|blog|report|reported|broadcaster|channel|politico|usa\s+today|breitbart|"
    r"huffington|bloomberg|axios|vox|wire|poll|survey)\b",
    re.IGNORECASE,
)

STATE_MEDIA = re.compile(
    r"\b(?:official|state|state-run|state-owned|government|pro-government)\s+"
    r"(?:[\w'’.-]+\s+){0,4}?(?:news|agency|website|media|tv|television|newspaper|channel|"
    r"broadcaster|outlet|radio)\b",
    re.IGNORECASE,
)
"""An outlet described as official or state-run ("the official Syrian Arab News Agency"): media,
although "official" and "agency" alone read as officials."""

NGO = re.compile(
    r"\b(ngo|charity|human\s+rights\s+watch|amnesty|red\s+cross|red\s+crescent|"
    r"observatory|monitor|watchdog|foundation|institute|think\s+tank|union|association|"
    r"msf|m[ée]decins\s+sans\s+fronti[eè]res|doctors\s+without\s+borders|unicef|unhcr|"
    r"white\s+helmets|activists?|group|organi[sz]ation|advocacy|society|center|centre)\b",
    re.IGNORECASE,
)

SPEAKER_TYPES = ("official", "military", "media", "ngo", "anonymous", "author", "other")

ARMED_GROUP = re.compile(
    r"(?<![\w-])(?:rebels?|insurgents?|jihadists?|militants?|isis|isil|daesh|islamic\s+state|"
    r"(?:al[- ])?qaeda|(?:al[- ])?nusra|taliban|hezbollah|hizbullah|hizballah|ypg|sdf|peshmerga|"
    r"free\s+syrian\s+army|fsa|jabhat|jaish|jaysh|ahrar|faylaq|failaq|liwa|kata['’]?ib|jund)"
    r"(?![\w-])",
    re.IGNORECASE,
)
"""A speaker's name that is an armed group's ("Ahrar al-Sham", "the Islamic State group", "Nusra
Front"), not a modifier of another ("ISIS-linked Aamaq", "anti-ISIS activists", "rebel-held")."""

RELAY_CUE = re.compile(
    r"\b(told|tells|telling|cited|cites|citing|quoted|quotes|quoting|according\s+to|"
    r"reported|reports|said\s+to|speaking\s+to|in\s+an\s+interview\s+with|to)\b",
    re.IGNORECASE,
)
"""Cue words after which a named outlet is the channel an attribution was relayed through."""


def speaker_type(source_text: str, entity_label: str | None = None) -> str:
    """One of SPEAKER_TYPES for a source phrase (and the entity label it resolved to, if any).

    Order matters: anonymity outranks the role it hides ("an unnamed Iraqi official"), and a
    military title outranks a generic official one ("Defense Ministry spokesman").
    """
    if not source_text.strip():
        return "author"
    if ANONYMOUS.search(source_text):
        return "anonymous"
    if MILITARY.search(source_text):
        return "military"
    if STATE_MEDIA.search(source_text):
        return "media"
    if MEDIA.search(source_text) and not OFFICIAL.search(source_text):
        return "media"
    if OFFICIAL.search(source_text):
        return "official"
    if NGO.search(source_text):
        return "ngo"
    if entity_label == "ORG" and MEDIA.search(source_text):
        return "media"
    if entity_label == "GPE":
        # A country or capital that speaks is its government ("Russia acknowledged 18
        # airstrikes", "Washington says").
        return "official"
    return "other"


def polarity(cue_text: str, content_text: str) -> str:
    """`deny` when the cue denies or the content rebuts a claim, else `assert`."""
    if (
        DENY_CUE.search(cue_text)
        or DENY_CONTENT.search(content_text)
        or denies_by_negation(content_text)
    ):
        return "deny"
    return "assert"


_TRIM = " \t\r\n\u00a0\"'“”‘’«».,;:—–-"


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """`[start, end)` without surrounding whitespace, quote marks and punctuation.

    Annotators differ on whether a closing quote or full stop belongs to a span; exact-match
    scores compare trimmed ranges so that such noise does not count as a miss.
    """
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end
