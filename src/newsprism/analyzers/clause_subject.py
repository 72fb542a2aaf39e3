"""Who speaks where the tagger found no source next to a speech verb.

Two shapes. A participle: the subject of the clause a ", saying ..." cue hangs on. A bare verb
in copy that lost its commas: the speaker's noun phrase right before it ("... on Saturday a
civil defense source said ...").

"Hillary Clinton spoke out Tuesday about the shooting, arguing that ..." names its speaker only
as the sentence's subject, far from the cue; the attribution tagger, which learned sources next
to their cues, reads "Oklahoma" or the content's first noun there, or nothing (the author). With
no parser in the offline stack, the subject is read by shape: the noun phrase that opens the
clause (after an introductory phrase such as "In Vienna,"), ending where its verb begins (an
auxiliary, an adverb, a past form, a speech verb, a relative pronoun or a comma).
"""

from __future__ import annotations

import itertools
import re

PARTICIPLE_CUE = re.compile(r"(?i)(?!according\b|including\b)[a-z]+ing\b")
"""Cues in the participle form ("saying", "adding", "citing", "referring", "emphasizing"), which
after a comma take their speaker from the main clause ("according to" and "including" are
prepositions)."""

_COMMA_BEFORE = re.compile(r",[\s\"”’']*$")
_WORD = re.compile(r"[^\s,;:]+")
_INTRO = re.compile(
    r"(?i)(?:in|on|at|after|before|during|since|earlier|later|meanwhile|shortly|separately|"
    r"instead|however|also|then|now|still|last|this|yesterday|today|when|while|as|by|"
    r"speaking|asked|in\s+a)\b"
)
"""Words opening an introductory phrase that ends at the sentence's first comma."""
_SUBJECT_OPENER = re.compile(
    r"(?i:the|a|an|this|that|these|those|two|three|four|several|many|some|both|all|most|"
    r"other|another|he|she|they|it|we|i)\b|[A-Z0-9]"
)
_ASIDE = re.compile(r"\s*(?i:however|meanwhile|though|too|also|instead|then),\s*")
"""An adverb set off by commas before the subject ("On Thursday, however, Trump ...")."""
_VERB_START = re.compile(
    r"(?:is|are|was|were|has|had|have|will|would|can|could|did|does|do|may|might|must|"
    r"should|shall|also|then|later|again|once|still|already|never|often|even|just|who|which|"
    r"that|said|says|told|tells|spoke|took|made|gave|went|came|wrote|"
    r"threw|sent|held|put|set|kept|left|met|began|led|stood|brought|fought|sought|thought|"
    r"[a-z]+ed|[a-z]+ly)$"
)
"""Where the subject noun phrase ends: the first word of its verb phrase (lower case: a
capitalised "United" is part of a name, not a past form)."""
_MAX_WORDS = 10
_OPENING_CHARS = 300
"""How far into a clause (or back from a cue) the noun phrase is looked for, in characters."""
_TRAILING_CONJUNCTION = re.compile(r"(?:\s+(?:and|or|but))+$")


def is_participle_cue(text: str, cue: tuple[int, int]) -> bool:
    """True for a cue like ", saying" or ", adding later": a participle after a comma."""
    return (
        PARTICIPLE_CUE.match(text, cue[0]) is not None
        and _COMMA_BEFORE.search(text, max(0, cue[0] - 6), cue[0]) is not None
    )


def clause_subject(
    text: str, sentence: tuple[int, int], cue_start: int, verb_at_cue: bool = False
) -> tuple[int, int] | None:
    """(start, end) of the subject of the clause before a participial cue in `sentence`, or
    None when the clause does not open with a noun phrase whose end can be told. With
    `verb_at_cue` the cue itself may be the verb that ends the noun phrase ("The Association
    of Flight Attendants called ...")."""
    start = sentence[0]
    # Only the clause's opening words matter: a bounded window keeps a run-on "sentence" of
    # hostile length from costing a pass over all of it per cue.
    clause = text[start : min(cue_start, start + _OPENING_CHARS)]
    first_comma = clause.find(",")
    if 0 <= first_comma < len(clause.rstrip(" ,\"”’'")) and _INTRO.match(clause):
        # "In Vienna, John Kerry affirmed ...": the subject follows the introductory phrase.
        start += first_comma + 1
    aside = _ASIDE.match(text, start, cue_start)
    if aside is not None:
        start = aside.end()
    words = list(itertools.islice(_WORD.finditer(text, start, cue_start), _MAX_WORDS + 1))
    if not words or _SUBJECT_OPENER.match(words[0].group()) is None:
        return None
    end = None
    for count, word in enumerate(words[:_MAX_WORDS]):
        if count and _VERB_START.fullmatch(word.group()):
            end = words[count - 1].end()
            break
        if text[word.end() : word.end() + 1] == ",":
            # "Attorney General Roy Cooper (D), McCrory's opponent, called ...": an apposition.
            end = word.end()
            break
    if end is None and verb_at_cue and len(words) <= _MAX_WORDS:
        end = words[-1].end()
    if end is None or end - words[0].start() > _OPENING_CHARS:
        return None
    # "Trump and has aides have ...": the noun phrase never ends on a conjunction.
    end = words[0].start() + len(_TRAILING_CONJUNCTION.sub("", text[words[0].start() : end]))
    return (words[0].start(), end) if end > words[0].start() else None


SPEECH_CUE = re.compile(
    r"(?i)(?:said|says|say|told|tells|reported|reports|added|adding|claimed|claims|"
    r"announced|confirmed|noted|stated|warned|explained|insisted|stressed|denied)\b"
)
"""Cues that are only ever speech: a noun phrase right before them is their speaker."""
_SPEAKER_HEAD = re.compile(
    r"(?i)(?:sources?|officials?|activists?|monitor|monitors|residents?|witness(?:es)?|"
    r"agency|media|ministry|spokes(?:man|woman|person)|doctors?|medics?|correspondents?|"
    r"reporters?|observatory|army|police|command|television|tv|groups?|commanders?|"
    r"ministers?|president|government|authorities|rebels|fighters|forces|coalition|council|"
    r"committee|statement|report)"
)
"""Head nouns of a speaker's noun phrase."""
_PHRASE_STOP = re.compile(
    r"(?i)(?:and|or|but|on|in|at|for|to|from|by|with|of|among|about|over|into|than|as|"
    r"against|after|before|that|which|who|when|while|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|today|yesterday|\d[\d,.]*|(?:\S*-)?[a-z]+ed|said|says|told)"
)
"""Words a speaker's noun phrase does not reach back over."""
_DETERMINERS = re.compile(r"(?i)(?:a|an|the|one|two|three|several|some|many|other|another)")
_PHRASE_WORDS = 6


def source_before(text: str, sentence_start: int, cue_start: int) -> tuple[int, int] | None:
    """(start, end) of the speaker's noun phrase ending right before a speech verb, reaching
    back to its determiner ("a civil defense source"), or None when the word before the verb is
    no speaker's head noun."""
    words = list(_WORD.finditer(text, max(sentence_start, cue_start - _OPENING_CHARS), cue_start))
    if not words or cue_start - words[-1].end() > 1:
        return None
    head = words[-1]
    if _SPEAKER_HEAD.fullmatch(head.group().strip("\"'”’")) is None:
        return None
    start = head.start()
    before = words[-_PHRASE_WORDS:-1]
    for index in range(len(before) - 1, -1, -1):
        word = before[index].group()
        joined = (
            word.lower() == "and"
            and index > 0
            and _SPEAKER_HEAD.fullmatch(before[index - 1].group()) is not None
        )
        if _PHRASE_STOP.fullmatch(word) and not joined:
            # "activists and state media reported": two speakers joined stay one source.
            break
        following = before[index + 1] if index + 1 < len(before) else head
        if word.endswith("s") and _SPEAKER_HEAD.fullmatch(word) and following is head:
            # "panic among residents activists said": a plural head noun is a phrase of its
            # own ("army command", "government forces" are one).
            break
        start = before[index].start()
        if _DETERMINERS.fullmatch(word):
            break
    return (start, head.end())


_AUXILIARIES = re.compile(
    r"(?i)(?:\s*\b(?:has|have|had|is|are|was|were|will|would|could|can|may|might|must|should|"
    r"did|does|do|also|just|then|later|again|already|never|often|still|even|now|once|this|"
    r"last|next|week|month|year|morning|afternoon|evening|night|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|today|yesterday|[a-z]+ly)\b)*\s*"
)
"""Only auxiliaries, adverbs and times between a subject and its verb."""
_COORDINATION = re.compile(r"(?i)\b(?:and|but)\s+(?:also\s+|then\s+|later\s+)?$")
"""A verb coordinated with the clause's first verb ("... and asserted", "but also contended")."""
_RELATIVE_ASIDE = re.compile(r"\s*,\s*(?:which|who|whose)\b[^,.;:!?\n]*,\s*")
"""A relative clause between the subject and its verb ("The Front, which has held Kessen since
March, accused ...")."""


def subject_of_cue(text: str, sentence: tuple[int, int], cue_start: int) -> tuple[int, int] | None:
    """The subject of the sentence's main clause for a cue the tagger gave no source, when the
    cue is that clause's verb ("Trump has called climate change a hoax", "Wells Fargo just this
    month announced ...") or a verb coordinated with it ("Strada accused the Saudi government
    ... and asserted that ...")."""
    subject = clause_subject(text, sentence, cue_start, verb_at_cue=True)
    if subject is None:
        return None
    if cue_start - subject[1] > _OPENING_CHARS:
        return None
    between = text[subject[1] : cue_start]
    if _AUXILIARIES.fullmatch(between) or _COORDINATION.search(between):
        return subject
    if _RELATIVE_ASIDE.fullmatch(between):
        return subject
    return None
