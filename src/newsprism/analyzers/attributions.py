"""The `attributions.v1` analyzer: who claims what, with cue, source, speaker, polarity and relay.

The span head (`attribution_head`: the shared encoder pass plus casing/quote features, trained on
PolNeAR) marks Source / Cue / Content words with BIO tags; this module groups them into
attributions (each content and source joins the nearest cue of its sentence),
then fills what PolNeAR does not annotate by rules (`cues`): the speaker's canonical name
(pronouns and nominals resolved to earlier speakers and entities), speaker type, polarity,
direct vs indirect, and `via` relay chains ("X told Fars", "RT cited a Le Figaro poll").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newsprism.analyzers import cues
from newsprism.analyzers.attribution_head import (
    SpanHead,
    bio_segments,
    load_span_head,
    word_features,
    word_vectors,
)
from newsprism.analyzers.attribution_tagger import (
    CLOSE_QUOTES,
    OPEN_QUOTES,
    STRAIGHT_QUOTES,
    Token,
    sentence_ids,
    tokenize,
)
from newsprism.analyzers.clause_subject import (
    PARTICIPLE_CUE,
    SPEECH_CUE,
    clause_subject,
    is_participle_cue,
    source_before,
    subject_of_cue,
)
from newsprism.analyzers.datelines import dateline_at
from newsprism.analyzers.dates import WEEKDAY_NAMES
from newsprism.analyzers.encoder import DocEncoding, encoder_feature
from newsprism.analyzers.quoted_speech import quoted_speech
from newsprism.analyzers.sections import NOT_ARTICLE, section_at
from newsprism.document import Document, Span
from newsprism.errors import Code, NewsprismError
from newsprism.evaluate.spans import overlap
from newsprism.registry import Analyzer, register

LAYER = "attributions"

_DETERMINER = re.compile(r"^(?:the|a|an|this|that|these|those)\s+", re.IGNORECASE)
_QUOTE_CHARS = OPEN_QUOTES | CLOSE_QUOTES | STRAIGHT_QUOTES | {"’"}
_CITED_SOURCE = re.compile(
    r"^(?:an?\s+|the\s+)?(?:(?:recent|new|latest|separate)\s+)?"
    r"(?P<name>(?:[A-Z][\w'’.-]*\s+){0,4}[A-Z][\w'’.-]*)"
    r"(?P<what>\s+(?:poll|survey|report|study|statement|article|one|analysis|interview))?"
    r"\s*,?\s*(?P<cue>showing|saying|that\s+showed|which\s+showed|that\s+found|finding|"
    r"stating|which\s+said|that\s+said|claiming|suggesting)\b\s*"
)
"""The cited source inside a citing attribution's content ("a recent Le Figaro one showing")."""


@dataclass(slots=True)
class _Draft:
    """An attribution being assembled from tagged segments (token indices)."""

    cue: tuple[int, int]
    contents: list[tuple[int, int]] = field(default_factory=list)
    source: tuple[int, int] | None = None


class _CuesBySentence:
    """The drafts' cues by (paragraph, sentence), in text order: the nearest cue of a sentence
    is found by bisection, not by a scan of every cue of the article (a hostile text with 10,000
    cues had cost 10,000 scans of 10,000)."""

    def __init__(self, cue_pos: Sequence[int], cue_sid: Sequence[int], cue_pid: Sequence[int]):
        self.cue_pos = cue_pos
        self.where: dict[tuple[int, int], list[int]] = {}
        for index, key in enumerate(zip(cue_pid, cue_sid, strict=True)):
            self.where.setdefault(key, []).append(index)
        self.positions = {key: [cue_pos[k] for k in ks] for key, ks in self.where.items()}

    def nearest(self, pid: int, sid: int, pos: int) -> int | None:
        """Index of the draft whose cue lies in sentence `sid` of paragraph `pid`, closest to
        `pos` (the earlier of two as close)."""
        indexes = self.where.get((pid, sid))
        if not indexes:
            return None
        at = bisect.bisect_left(self.positions[pid, sid], pos)
        near = [indexes[k] for k in (at - 1, at) if 0 <= k < len(indexes)]
        return min(near, key=lambda k: (abs(self.cue_pos[k] - pos), k))


def _paragraph_ids(tokens: list[Token]) -> list[int]:
    """Paragraph number of every token."""
    out = []
    current = -1
    for token in tokens:
        current += token.para_start
        out.append(max(current, 0))
    return out


def split_at_paragraphs(
    tokens: list[Token], segs: list[tuple[str, int, int]]
) -> list[tuple[str, int, int]]:
    """Runs cut at paragraph breaks: under 0.6% of PolNeAR train contents cross one, while
    runs the tagger lets flow on into the next paragraph were a common error on dev."""
    out = []
    for role, start, end in segs:
        cut = start
        for k in range(start + 1, end):
            if tokens[k].para_start:
                out.append((role, cut, k))
                cut = k
        out.append((role, cut, end))
    return out


def group(tokens: list[Token], segs: list[tuple[str, int, int]]) -> list[_Draft]:
    """Join tagged segments into attributions: one per cue that gets some content.

    A content or source joins the nearest cue of its own sentence, else (contents only) the
    previous content when only punctuation lies between, else a cue of a neighbouring sentence;
    never across a paragraph break.
    """
    sids = sentence_ids(tokens)
    pids = _paragraph_ids(tokens)
    segs = split_at_paragraphs(tokens, segs)
    drafts = [_Draft((s, e)) for role, s, e in segs if role == "CUE"]
    if not drafts:
        return []
    cue_pos = [d.cue[0] for d in drafts]
    # Only cues of the segment's own paragraph are looked up: none is found across a paragraph.
    cues_at = _CuesBySentence(
        cue_pos, [sids[d.cue[0]] for d in drafts], [pids[d.cue[0]] for d in drafts]
    )
    last_content_owner: int | None = None
    for role, start, end in segs:
        pid = pids[start]
        if role == "CUE":
            continue
        sid_first, sid_last = sids[start], sids[end - 1]
        owner = None
        for sid in range(sid_first, sid_last + 1):
            owner = cues_at.nearest(pid, sid, start)
            if owner is not None:
                break
        if role == "CON":
            if owner is None and last_content_owner is not None:
                # A content run in a sentence without a cue continues the previous content
                # when nothing but punctuation and quote marks lies between them.
                prev_end = drafts[last_content_owner].contents[-1][1]
                between = tokens[prev_end:start]
                same_paragraph = pids[prev_end - 1] == pid
                if same_paragraph and all(not t.text[:1].isalnum() for t in between):
                    owner = last_content_owner
            if owner is None:
                for sid in (sid_first - 1, sid_last + 1):
                    owner = cues_at.nearest(pid, sid, start)
                    if owner is not None:
                        break
            if owner is not None:
                drafts[owner].contents.append((start, end))
                last_content_owner = owner
        elif role == "SRC" and owner is not None:
            current = drafts[owner].source
            if current is None or abs(start - cue_pos[owner]) < abs(current[0] - cue_pos[owner]):
                drafts[owner].source = (start, end)
    return [d for d in drafts if d.contents]


_SPEECH_VERB = re.compile(
    r"(?:said|says|added|acknowledged|admitted|claimed|insisted|stressed|warned|noted|argued"
    r"|announced|reported|told|conceded|maintained)$",
    re.IGNORECASE,
)
_COORDINATORS = frozenset({"but", "while", "although", "though", "whereas"})
_AUXILIARIES = frozenset({"has", "have", "had", "was", "were", "is", "also", "later", "then"})


def split_coordinated(tokens: list[Token], drafts: list[_Draft]) -> list[_Draft]:
    """Split "X acknowledged A, but it has denied B" into two attributions.

    The tagger sometimes runs one content over a coordinated second claim with its own speech or
    denial verb; the second clause is its own attribution (with its own polarity), and its
    subject (often a pronoun) its source.
    """
    out: list[_Draft] = []
    for draft in drafts:
        first = min(s for s, _ in draft.contents)
        last = max(e for _, e in draft.contents)
        split = None
        for k in range(max(first, draft.cue[1]) + 1, last - 1):
            if tokens[k].text.lower() not in _COORDINATORS or tokens[k - 1].text not in ",;":
                continue
            for j in range(k + 1, min(k + 6, last - 1)):
                word = tokens[j].text
                if cues.DENY_CUE.fullmatch(word) or _SPEECH_VERB.fullmatch(word):
                    split = (k, j)
                    break
            if split:
                break
        if split is None:
            out.append(draft)
            continue
        k, j = split
        draft.contents = [(s, min(e, k - 1)) for s, e in draft.contents if s < k - 1]
        out.append(draft)
        subject_end = j
        while subject_end > k + 1 and tokens[subject_end - 1].text.lower() in _AUXILIARIES:
            subject_end -= 1
        source = (k + 1, subject_end) if subject_end > k + 1 else None
        out.append(_Draft((j, j + 1), [(j + 1, last)], source))
    return [d for d in out if d.contents]


def _char_range(text: str, tokens: list[Token], first: int, last: int) -> tuple[int, int]:
    """Character range of tokens `[first, last)`, trimmed of outer spaces and punctuation."""
    start, end = tokens[first].start, tokens[last - 1].end
    trimmed = cues.trim(text, start, end)
    return trimmed if trimmed[1] > trimmed[0] else (start, end)


def _content_range(text: str, tokens: list[Token], draft: _Draft) -> tuple[int, int]:
    """Outer range of the draft's content runs, keeping a quote's opening and closing marks."""
    first = min(s for s, _ in draft.contents)
    last = max(e for _, e in draft.contents)
    start, end = tokens[first].start, tokens[last - 1].end
    start, end = cues.trim(text, start, end)
    if start >= end:
        start, end = tokens[first].start, tokens[last - 1].end
    return _without_dangling_end(text, (start, end))


def _without_dangling_end(text: str, content: tuple[int, int]) -> tuple[int, int]:
    """A content without a conjunction at its end: "... were fired for their involvement, and"
    ran one word into the writer's next clause."""
    dangling = _DANGLING_END.search(text, content[0], content[1])
    if dangling is not None and dangling.start() > content[0]:
        return cues.trim(text, content[0], dangling.start())
    return content


_DANGLING_END = re.compile(r"(?i)(?:[\s,;]+(?:and|but|or|nor|while)|\s*,\s*as\s+well)[\s,;]*$")
"""A conjunction closing a content: the start of a clause the content does not hold."""


_STRANDED_END = re.compile(
    r"(?i)\s(?:in|of|for|from|to|at|on|by|with|into|near|among|about|against|over|between|"
    r"during|under|the|a|an|its|their|his|her)$"
)
"""A function word closing a content: the phrase it opens was left out."""


def _complete_stranded(
    text: str, sentences: _SentenceIndex, content: tuple[int, int]
) -> tuple[int, int]:
    """An indirect content the tagger stopped inside a phrase ("... weapons for ISIS terrorists
    in") runs on to the end of its sentence ("in Anbar province")."""
    if _STRANDED_END.search(text, content[0], content[1]) is None:
        return content
    sentence = sentences.at(content[0])
    if sentence is None or sentence[1] <= content[1]:
        return content
    completed = cues.trim(text, content[0], sentence[1])
    return completed if completed[1] > content[1] else content


_TAIL_MARKS = re.compile(r"[\s,.;:!?]*")
"""Only punctuation: what is left of a content after its source."""


def _source_ends_sentence(
    text: str,
    sentences: _SentenceIndex,
    content: tuple[int, int],
    cue: tuple[int, int],
    outer: int,
) -> bool:
    """True when a content running past its inverted source ("..., the IMF said.") crosses the
    end of the cue's sentence with nothing but punctuation between the source and that end:
    the rest is the writer's next sentence ("It edged up its forecast ...")."""
    clipped = _within_sentence(text, sentences, content, cue[0])
    return clipped[1] < content[1] and _TAIL_MARKS.fullmatch(text, outer, clipped[1]) is not None


class _SentenceIndex:
    """The document's sentences, found by position by bisection (sentences never overlap)."""

    def __init__(self, doc: Document) -> None:
        self.spans = sorted(
            (s.start, s.end) for s in doc.layer("sentences") if s.label == "sentence"
        )
        self.starts = [start for start, _ in self.spans]

    def at(self, position: int) -> tuple[int, int] | None:
        """(start, end) of the sentence holding `position`, or None."""
        i = bisect.bisect_right(self.starts, position) - 1
        if i >= 0 and self.spans[i][0] <= position < self.spans[i][1]:
            return self.spans[i]
        return None


_TOLD = re.compile(r"(?:told|tells|tell|telling)\s*$", re.IGNORECASE)
_ADDRESSEE = re.compile(
    r"(?:the\s+)?[A-Z][\w.'’&-]*(?:\s+(?:[A-Z][\w.'’&-]*|of|the|and|de|al)){0,6}"
    r"|reporters|journalists|the\s+(?:media|press|newspaper|news\s+agency|agency|paper|station|"
    r"channel|broadcaster|website|outlet|audience|crowd|committee)"
)
_AFTER_ADDRESSEE = re.compile(
    r"(?:\s+(?:on|in|at|by|during|late|early)\s+[\w.'’-]+(?:\s+[\w.'’-]+)?)?,?\s+(?=that\b)"
)


def _without_addressee(
    text: str, cue: tuple[int, int], content: tuple[int, int]
) -> tuple[int, int]:
    """A content after "told" without whom it was told to: "told the Voice of Karsenia that no
    aircraft were operating" says "that no aircraft were operating" (PolNeAR's annotators leave
    the addressee out: 185 of the 195 contents after "told" in its training split)."""
    if not _TOLD.search(text, cue[0], cue[1]):
        return content
    named = _ADDRESSEE.match(text, content[0], content[1])
    if named is None:
        return content
    rest = _AFTER_ADDRESSEE.match(text, named.end(), content[1])
    if rest is None or rest.end() >= content[1]:
        return content
    return rest.end(), content[1]


def _within_sentence(
    text: str, sentences: _SentenceIndex, content: tuple[int, int], anchor: int
) -> tuple[int, int]:
    """An indirect content cut at the end of the sentence holding `anchor` (where the content
    starts, or its cue when the content comes first).

    Reported speech ends with its sentence ("Iraqi intelligence knows Washington backs ISIS
    fighters."); the tagger ran on into the writer's next sentence ("US helicopters airdrop
    them weapons"). Only quotations run on; PolNeAR's annotators almost never let an unquoted
    content cross a sentence.
    """
    sentence = sentences.at(anchor)
    if sentence is not None and content[1] > sentence[1]:
        trimmed = cues.trim(text, content[0], sentence[1])
        if trimmed[1] > trimmed[0]:
            return trimmed
    return content


_CLOSING_APOSTROPHES = re.compile(r"\S''")
"""Doubled apostrophes closing a quotation (an opening pair follows a space instead)."""


def _opens_quoted(text: str, start: int) -> bool:
    """Whether a content starting at `start` opens with a quote mark (at it or just before)."""
    before = text[max(0, start - 2) : start]
    return any(c in _QUOTE_CHARS for c in before) or text[start : start + 1] in _QUOTE_CHARS


def _is_direct(text: str, start: int, end: int) -> bool:
    """Direct quotation: the content opens with a quote mark or is mostly inside quote marks."""
    inside = text[start:end]
    if _opens_quoted(text, start):
        return True
    if _CLOSING_APOSTROPHES.search(inside) or text.startswith("''", end):
        # Wire and newspaper copy quoting with doubled apostrophes or backticks ("It's more
        # tinkering at the edges,'' said Alan Cole."), whose opening mark may be lost.
        return True
    quoted = 0
    state = False
    for char in inside:
        if char in OPEN_QUOTES or (char in STRAIGHT_QUOTES and not state):
            state = True
            continue
        if char in CLOSE_QUOTES or char in STRAIGHT_QUOTES:
            state = False
            continue
        quoted += state
    return quoted > 0.6 * max(len(inside), 1)


@dataclass(frozen=True, slots=True)
class _Entity:
    start: int
    end: int
    label: str
    canonical: str


def _entities(doc: Document) -> list[_Entity]:
    """Entities of the document with their canonical names (text when none is given)."""
    out = []
    for span in doc.layer("entities"):
        canonical = span.attrs.get("canonical")
        name = canonical if isinstance(canonical, str) and canonical else doc.span_text(span)
        out.append(_Entity(span.start, span.end, span.label, name))
    return out


_RELATIVE_CLAUSE = re.compile(r",\s*(?:which|who|whose|that)\b")


def _clean_name(name: str) -> str:
    """A source phrase as a name: no leading determiner, outer punctuation or possessive."""
    # "the coalition, which is led by the United States": the name ends before the clause.
    name = _RELATIVE_CLAUSE.split(name, maxsplit=1)[0]
    name = _DETERMINER.sub("", name.strip(" \t\r\n,.:;\"'“”‘’"))
    if name.endswith(("’s", "'s")):
        name = name[:-2]
    return " ".join(name.split())


def _words(phrase: str) -> set[str]:
    """Lower-cased words of a phrase, without punctuation."""
    return set(re.findall(r"[\w'’-]+", phrase.lower()))


_ROLE_TAIL = re.compile(r"(\b[A-Z][\w'’.-]*) (?:monitoring group|monitoring|monitor|based|group)$")
"""What an organisation's name picked up from the phrase after it ("Syrian Observatory for Human
Rights monitoring group said"): the speaker is the organisation."""
_LOCATIVE = re.compile(r"\S\s+(?:in|at|near|from|outside|inside)\s")
"""A locative preposition after a word of the source phrase."""
_GENERIC_MODIFIERS = frozenset(
    {"state", "local", "national", "government", "official", "regional", "federal", "provincial"}
)
"""Words that open a source only as modifiers of its head ("State television", "Local media")."""


_GROUP_ENTITIES = frozenset({"ORG", "GPE", "NORP"})
"""Entity labels of organisations, places that stand for their governments, and groups."""
_QUALIFIED_NOUN = re.compile(r"[ \t]+[a-z]")
"""A lower-case word right after a name: the name qualifies it ("Western newsrooms")."""


class _SpeakerResolver:
    """Resolves sources to canonical speaker names, remembering earlier speakers in order."""

    def __init__(self, text: str, entities: list[_Entity]) -> None:
        self.text = text
        self.entities = entities
        # (position, speaker name, entity label, source phrase), in text order
        self.history: list[tuple[int, str, str | None, str]] = []
        self.types: dict[str, str] = {}  # speaker -> speaker_type where first named

    def _entity_in(self, start: int, end: int) -> _Entity | None:
        inside = [
            e
            for e in self.entities
            if e.start < end
            and e.end > start
            # "State media", "State news agency SANA": a sentence's first word, capitalised,
            # that the entity tagger took for an organisation; the source is the whole phrase.
            and not (self.text[e.start : e.end].lower() in _GENERIC_MODIFIERS and e.end < end)
            # "An official at the governor's office in Homs", "Activists in Deir Ezzor": a
            # name after a locative preposition says where the speaker is, not who.
            and _LOCATIVE.search(self.text, start, max(start, e.start)) is None
        ]
        persons = [e for e in inside if e.label == "PERSON"]
        pool = (
            persons
            or [e for e in inside if e.label in _GROUP_ENTITIES]
            # "several environmental groups": a count or a date names nobody.
            or [e for e in inside if e.label not in ("QUANTITY", "DATE")]
        )
        best = max(pool, key=lambda e: e.end - e.start) if pool else None
        if best is not None and best.label in ("GPE", "NORP", "LOC"):
            # A place or nationality that only modifies the source's head noun is not the
            # speaker: "Iraqi intelligence" is not "Iraqi", "polls taken in Syria" not "Syria".
            words = _clean_name(self.text[start:end]).split()
            if len(words) > len(self.text[best.start : best.end].split()):
                return None
        return best

    def _can_be_referred_to(self, entity: _Entity) -> bool:
        """Whether "it" or "they" can stand for a non-person entity: an organisation, a place
        or a group, not a date or a count, nor a nationality that only qualifies a noun ("the
        Western newsrooms ... they" are the newsrooms, not "Western")."""
        if entity.label not in _GROUP_ENTITIES:
            return False
        return not (entity.label == "NORP" and _QUALIFIED_NOUN.match(self.text, entity.end))

    def _alias(self, name: str) -> str:
        """An earlier, longer speaker name holding every word of `name` ("Fars" -> "Fars News")."""
        words = set(name.lower().split())
        if not words:
            return name
        for _, earlier, _, _ in reversed(self.history):
            earlier_words = set(earlier.lower().split())
            if words < earlier_words and any(w[:1].isupper() for w in name.split()):
                return earlier
        return name

    def resolve(self, source: tuple[int, int] | None) -> tuple[str, str | None, str]:
        """(speaker name, entity label or None, source phrase) for a source range."""
        if source is None:
            return "", None, ""
        start, end = source
        phrase = self.text[start:end]
        lowered = _clean_name(phrase).lower()
        if lowered in cues.PRONOUNS:
            want_person = lowered in ("he", "she", "him", "her", "his", "i")
            for _, name, label, _ in reversed(self.history):
                if want_person == (label == "PERSON" or (label is None and " " in name)):
                    return name, label, phrase
            for entity in reversed([e for e in self.entities if e.end <= start]):
                if want_person and entity.label == "PERSON":
                    return entity.canonical, entity.label, phrase
                if not want_person and self._can_be_referred_to(entity):
                    return entity.canonical, entity.label, phrase
            return lowered, None, phrase
        clause = _RELATIVE_CLAUSE.search(phrase)
        if clause is not None:
            end = start + clause.start()  # the speaker is not the clause's United States
        found = self._entity_in(start, end)
        if found is not None:
            name, label = _ROLE_TAIL.sub(r"\1", found.canonical), found.label
        else:
            name, label = _clean_name(phrase), None
            if name and name[:1].islower():
                # A nominal ("the spokesman", "the coalition"): the latest earlier speaker whose
                # name ends in the same head noun.
                head = name.split()[-1].lower()
                for _, earlier, earlier_label, earlier_phrase in reversed(self.history):
                    if earlier.lower() == name.lower():
                        continue
                    # "the spokesman" after "Defense Ministry spokesman Igor Konashenkov said".
                    if earlier.lower().split()[-1:] == [head] or head in _words(earlier_phrase):
                        return earlier, earlier_label, phrase
        return self._alias(name), label, phrase

    def remember(self, position: int, name: str, label: str | None, phrase: str = "") -> None:
        if name:
            self.history.append((position, name, label, phrase))


_INVERTED = re.compile(
    r"[ \t]+((?:the|a|an)\s+)?[\w'’.-]+(?:[ \t]+[\w'’.()-]+){0,6}?"
    r"(?=\s*(?:[,.;:]|$)|\s+(?:which|who|that|on|in)\b)"
)


def _inverted_source(text: str, cue_end: int) -> tuple[int, int] | None:
    """The speaker after the cue in an inverted quote ("'...,' said the coalition, which ...")."""
    match = _INVERTED.match(text, cue_end, min(len(text), cue_end + 120))
    if match is None:
        return None
    return match.start() + (len(match.group(0)) - len(match.group(0).lstrip())), match.end()


def _relay_name(text: str, cue: tuple[int, int], content: tuple[int, int]) -> str:
    """The outlet named in a relaying cue ("told Fars:", "speaking to RT"), else ''."""
    window = text[cue[0] : max(cue[1], min(content[0], cue[1] + 60))]
    match = re.search(
        r"\b(?:told|tells|telling|speaking\s+to|in\s+an\s+interview\s+with|quoted\s+by|to)\s+"
        r"(?:the\s+)?((?:[A-Z][\w'’.-]*\s*){1,4})",
        window,
    )
    return _clean_name(match.group(1)) if match else ""


def tag_segments(
    tokens: list[Token], head: SpanHead, encoding: DocEncoding
) -> list[tuple[str, int, int]]:
    """`(role, first, last_exclusive)` Source/Cue/Content runs predicted by the span head."""
    if head.layer not in encoding.layers:
        raise NewsprismError(
            Code.BAD_CONFIG,
            "encoder.layers",
            f"the attributions head reads layer {head.layer}; add it to encoder.layers",
        )
    vectors = word_vectors(tokens, encoding.token_offsets, encoding.vectors(head.layer))
    feats = word_features(tokens, head.vocab, head.cue_prob)
    return bio_segments(head.tag(vectors, feats))


def extract(doc: Document, head: SpanHead, encoding: DocEncoding) -> list[Span]:
    """Attribution spans of `doc` (ids `attributions.<n>` in text order; `via` links by id)."""
    tokens = tokenize(doc.text)
    if not tokens:
        return []
    return build_spans(doc, tokens, tag_segments(tokens, head, encoding))


_NEGATED_SOURCE = re.compile(r"(?i)(?:no|nothing|none|neither)\b(?!\s+(?:one|body)\b)")
"""A source phrase that cites nobody ("No evidence", "Nothing"); "no one" is left to the model."""
_EVENT_SOURCE = re.compile(
    r"(?i)\b(?:attacks?|strikes?|airstrikes?|air\s+strikes?|raids?|bombings?|bombardments?|"
    r"shelling|fighting|clashes|offensives?|violence)\s*$"
)
"""A source phrase headed by an event noun ("their attacks" before "have been focusing"): the
tagger read an action as a statement; an attack says nothing."""
_ACTION_CUE = re.compile(
    r"(?i)\s*(?:(?:has|have|had|is|are|was|were|been|be|being|also|regularly|repeatedly|"
    r"reportedly|then|later|only|frequently|continued\s+to|started|began)\s+)*"
    r"(?:strik(?:e|es|ing)|struck|target(?:ed|s|ing)?|pound(?:ed|s|ing)?|bomb(?:ed|s|ing)?|"
    r"shell(?:ed|s|ing)?|fired?|launch(?:ed|es|ing)?|wag(?:e|ed|es|ing)|hit|"
    r"kill(?:ed|s|ing)?|raid(?:ed|s)?|shot|shoot(?:s|ing)?|battl(?:ed|es|ing)|"
    r"fight(?:s|ing)?|fought|stepped\s+up)\s*"
)
"""A cue that is a deed of war ("struck", "has been waging", "continued to pound"): war copy's
subjects and objects sit where a speaker and a claim would ("Russian jets also pounded the
town"); the tagger, trained on political news, read an action as a statement. ("attacked",
"blasts" and "captured" stay: PolNeAR marks verbal attacks and captured moods as cues.)"""
_ADVERB_SOURCE = re.compile(
    r"(?i)\s*(?:instead|also|however|then|now|still|yet|already|even|only|too|again|there|here|"
    r"meanwhile|moreover|furthermore|indeed|thus|so)\s*"
)
"""A source that is one adverb ("... focusing instead on diplomacy"): nobody is named."""
_BARE_DETERMINER = re.compile(r"(?i)\s*(?:the|a|an)\s*")
"""A source that is one article: half of a noun phrase, not anyone speaking ("this" and
"that" can stand for a finding that speaks)."""
_EVIDENCE_CUE = re.compile(r"(?i)show(?:s|ed|n)?|indicated?|indicates|revealed?|reveals")
"""Cues that evidence, not a speaker, can carry ("the photo showed", "data indicate")."""
_PREDICATE_AFTER_CUE = re.compile(
    r"\s+(?:has|have|had|is|are|was|were)\s+(?:been|not|never|long|always)\b.*",
    re.IGNORECASE | re.S,
)
"""A content that opens, right after the cue, with the verb of a sentence whose subject stands
before the cue."""
_STRANDED_PREPOSITION = re.compile(r"\s(?:about|of|on|over|for|with)$", re.IGNORECASE)
"""A cue ending in a preposition whose object is the clause's head noun ("the 'hospital' they
cry about"): a reduced relative clause, not a report ("which the government insists were not
its doing" is one)."""
_BARE_PRONOUN = re.compile(r"(?i)\s*(?:it|this|that|them|so)\s*")
"""A content that is one pronoun: what was shown, not a statement."""


_QUOTED_AS = re.compile(
    r"(?P<outer>[^\n]*)\s*\b(?P<cue>quoted|cited)\s+(?P<name>\S[^\n]{1,160}?)\s*$"
)
"""The text before an "as saying" cue: "<outer source> quoted <speaker> " (the last "quoted")."""


def _quoted_as_saying(
    doc: Document, cue: tuple[int, int]
) -> tuple[tuple[int, int] | None, tuple[int, int], tuple[int, int]] | None:
    """(outer source, "quoted" cue, speaker) of "X quoted Y as saying ..." for an "as ..." cue.

    The span head tags "as saying" as the cue but, with the speaker between "quoted" and the
    cue, finds no source; the relaying outlet is the subject of "quoted".
    """
    if not doc.text[cue[0] : cue[1]].lower().startswith("as "):
        return None
    start = max((s.start for s in doc.layer("sentences") if s.start <= cue[0]), default=0)
    match = _QUOTED_AS.search(doc.text, start, cue[0])
    if match is None:
        return None
    outer = cues.trim(doc.text, match.start("outer"), match.end("outer"))
    return (
        outer if outer[1] > outer[0] else None,
        match.span("cue"),
        cues.trim(doc.text, *match.span("name")),
    )


def _outer_record(
    text: str,
    resolver: _SpeakerResolver,
    author: str,
    source: tuple[int, int] | None,
    cue: tuple[int, int],
    inner_source: tuple[int, int],
    inner_content: tuple[int, int],
    key: int,
) -> dict[str, Any]:
    """The relaying attribution of "X quoted Y as saying Z": X says that Y said Z."""
    speaker, stype = _speaker(resolver, author, source, cue[0])
    return {
        "content": (inner_source[0], inner_content[1]),
        "cue": cue,
        "source": source,
        "speaker": speaker,
        "speaker_type": stype,
        "polarity": "assert",
        "direct": False,
        "relay": "",
        "key": key,
        "parent": None,
    }


_CONJUNCTION_END = re.compile(r"\s(?:but|and|or|yet|nor)$", re.IGNORECASE)
_OPEN_RELATIVE = re.compile(r",\s*(?:which|who|whose|that)\b[^,.;:!?\n]*$")


def _misread_source(text: str, source: tuple[int, int], cue: tuple[int, int]) -> bool:
    """Whether the tagger's source is a phrase of another clause: it ends on a conjunction
    ("Dalmyr province but" before "declined"), or it closes a relative clause right before the
    cue ("The Front, which has held Kessen since March, accused"), where the clause's object
    is not who speaks."""
    if _CONJUNCTION_END.search(text, source[0], source[1]):
        return True
    if source[1] > cue[0] or text[source[1] : cue[0]].strip() != ",":
        return False
    return _OPEN_RELATIVE.search(text[max(0, source[0] - 120) : source[0]]) is not None


def _stands_for_another(phrase: str) -> bool:
    """A pronoun or a lower-case nominal ("It", "the spokesman"), not a name."""
    name = _clean_name(phrase)
    return name.lower() in cues.PRONOUNS or not name[:1].isupper()


_SOURCE_WHEN = re.compile(
    rf"(?i)(?:\s*,)?\s+(?:on\s+|late\s+|early\s+)?(?:{WEEKDAY_NAMES}|yesterday|today)"
    r"(?:\s+(?:morning|afternoon|evening|night))?\s*$"
)
"""A time adverbial the tagger took into a source ("Iran's defence ministry on Friday")."""


_AFTER_REPORT = re.compile(
    r"\s*,\s*(?:as|while|when|after|before|amid|following|since|days?\s+after)\s", re.IGNORECASE
)
"""A subordinate clause the writer adds after "X said" ("..., activists said, as Moscow ...")."""


def trim_source(text: str, start: int, end: int) -> tuple[int, int]:
    """A source range without a dateline before it or a day after it (the speaker is who
    speaks, not where the copy was filed or when)."""
    dateline = dateline_at(text, start, end)
    if dateline is not None and dateline.end() < end:
        start = dateline.end()
    adverb = _LEADING_ADVERB.match(text, start, end)
    if adverb is not None and adverb.end() < end:
        # "Meanwhile SANA's correspondent reported", "Earlier the reporter noted": the
        # sentence's adverb is not part of who speaks.
        start = adverb.end()
    when = _SOURCE_WHEN.search(text, start, end)
    if when is not None and when.start() > start:
        end = when.start()
    article = _INNER_ARTICLE.search(text, start, end)
    if article is not None and article.end() < end:
        # "Aleppo A military source announced": a dateline whose comma and agency the copy
        # lost; a capitalised article inside the phrase opens the real source.
        start = article.end()
    clause = _SOURCE_CLAUSE.search(text, start, end)
    if clause is not None and clause.start() > start:
        end = clause.start()
    pronoun = _TRAILING_PRONOUN.search(text, start, end)
    if pronoun is not None:
        # "... in Raqqa he said": copy without commas ran the clause's last place into the
        # source; the pronoun alone speaks.
        start = pronoun.end()
    return start, end


_REPORT_NOUN_CUE = re.compile(
    r"(?i)(?:reports?|accounts?|statements?|sources|media|estimates|footage)\s+(?=[a-z])"
)
"""A cue opening with the noun that carries the claim ("Propaganda reports claimed"): the
noun belongs to who speaks, the verb is the cue."""


_CUE_OBJECT_NOUN = re.compile(
    r"(?i)(?:said|says|say)\s+(?P<noun>(?:claims?|reports?|allegations?|accusations?|"
    r"suggestions?|assertions?|rumou?rs?)\s*)"
)
"""A speech verb run into the noun that opens what it says ("said claims ... are false"); PolNeAR
keeps a noun the verb takes as its object in the cue ("released a report"), so only "said" and
"says" lose theirs."""


def _object_noun_to_content(
    text: str, cue: tuple[int, int], content: tuple[int, int]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """(cue, content) with a trailing report noun of the cue moved into the content after it:
    "Konashenkov said claims about Russian air strikes ... are false" says "claims about ...
    are false", not "about ... are false" after a cue "said claims"."""
    match = _CUE_OBJECT_NOUN.fullmatch(text, cue[0], cue[1])
    if match is None or content[0] < cue[1] or text[cue[1] : content[0]].strip():
        return cue, content
    verb_end = cues.trim(text, cue[0], match.start("noun"))[1]
    return (cue[0], verb_end), (match.start("noun"), content[1])


def _report_noun_to_source(
    text: str, source: tuple[int, int] | None, cue: tuple[int, int]
) -> tuple[tuple[int, int] | None, tuple[int, int]]:
    """(source, cue) with a leading report noun of the cue moved into the source before it.

    The tagger reads "Propaganda reports claimed it was destroyed" as source "Propaganda", cue
    "reports claimed": the reports claim, so the source is "Propaganda reports".
    """
    match = _REPORT_NOUN_CUE.match(text, cue[0], cue[1])
    if match is None or match.end() >= cue[1]:
        return source, cue
    noun_end = cues.trim(text, cue[0], match.end())[1]
    if source is None:
        return (cue[0], noun_end), (match.end(), cue[1])
    if source[1] <= cue[0] and not text[source[1] : cue[0]].strip():
        return (source[0], noun_end), (match.end(), cue[1])
    return source, cue


_INNER_ARTICLE = re.compile(r"(?<=\S)\s+(?=(?:A|An|The)\s+\S)")
"""Space before a capitalised article after the first word of a source."""
_PREPOSITION_GAP = re.compile(
    r"(?i)\s+(?:at|of|in|on|during|to|with|after|before|by|from|for|about|over)\s+"
)
"""A preposition between a cue and the phrase after it."""
_LEADING_ADVERB = re.compile(
    r"(?i)(?:meanwhile|earlier|later|however|separately|moreover|furthermore|additionally|"
    r"yesterday|today|then|now)\b[\s,]+(?=\S)"
)
"""A sentence adverb opening a source phrase."""
_WORDS_ONLY = re.compile(r"[\w\s'’-]*")
"""Words and spaces, no punctuation that could end a clause."""
_TRAILING_PRONOUN = re.compile(r"(?<=\S)\s+(?=(?:he|she|they|we)$)")
"""Space before a lower-case subject pronoun that ends a longer source phrase."""
_SOURCE_CLAUSE = re.compile(r"(?i)\s*,?\s+(?:when|if|whenever|once)\s+(?:taken|asked|polled)\b")
"""A clause the tagger took into a source ("polls when taken in Syria indicate ...",
"officials, when asked, said ..."): who speaks ends before it."""


def _speaker(
    resolver: _SpeakerResolver, author: str, source: tuple[int, int] | None, position: int
) -> tuple[str, str]:
    """(speaker, speaker_type) of a source range, remembered for later pronouns and nominals."""
    speaker, label, phrase = resolver.resolve(source)
    # The canonical name carries the title a later bare surname lacks ("Konashenkov").
    stype = cues.speaker_type(f"{phrase} {speaker}", label) if source else "author"
    if stype not in ("anonymous", "author") and speaker and cues.ARMED_GROUP.search(speaker):
        # An armed group speaks as armed forces do; its name, not the phrase around it, says
        # so (a source phrase can run on into "rebel-held" or "the Observatory").
        stype = "military"
    if stype == "anonymous" or not speaker:
        speaker = _clean_name(phrase) if phrase else author
    elif speaker in resolver.types and (
        _stands_for_another(phrase) or resolver.types[speaker] not in ("other", "author")
    ):
        # "it", "the spokesman": the type of the speaker they stand for, not of the pronoun;
        # and one speaker keeps the type its first mention gave it ("the Observatory's network
        # of field monitors" is still the monitoring group, not a media network).
        stype = resolver.types[speaker]
    resolver.remember(position, speaker, label, phrase)
    resolver.types.setdefault(speaker, stype)
    return speaker, stype


def _cue_subject(
    text: str, sentences: _SentenceIndex, cue: tuple[int, int]
) -> tuple[int, int] | None:
    """The subject of the clause whose verb the cue is (`subject_of_cue`), as a source range."""
    sentence = sentences.at(cue[0])
    found = subject_of_cue(text, sentence, cue[0]) if sentence else None
    return trim_source(text, *found) if found else None


def _source_before_cue(
    text: str, sentences: _SentenceIndex, cue: tuple[int, int]
) -> tuple[int, int] | None:
    """The speaker's noun phrase right before a bare speech verb the tagger gave no source
    ("... on Saturday a civil defense source said ..."), within the cue's sentence."""
    sentence = sentences.at(cue[0])
    return source_before(text, sentence[0] if sentence else max(0, cue[0] - 200), cue[0])


def _participle_source(
    text: str,
    sentences: _SentenceIndex,
    records: list[dict[str, Any]],
    cue: tuple[int, int],
    source: tuple[int, int] | None,
) -> tuple[int, int] | None:
    """The source of a participial cue (", saying ..."): the speaker of the clause it hangs on.

    That is the clause's subject ("In Vienna, John Kerry affirmed ..., saying ...") or, where
    the sentence opens with a quotation, the source of an earlier cue in it ("'...,' he said,
    adding that ..."); a subject first, as an earlier cue may sit in a relative clause ("an
    architect who said he was stiffed ..."). What the tagger read as a source after the cue is
    the content's first noun ("saying anybody who complains ..."), and one just before the
    comma the end of the clause ("... in Tulsa, Oklahoma, arguing").
    """
    if not is_participle_cue(text, cue):
        # "The Observatory said X adding that Y": copy that lost its commas; the participle
        # goes on the statement that ends right before it (or that the tagger ran through it,
        # which _split_at_participles cuts).
        for record in reversed(records):
            end = max(record["content"][1], record["cue"][1])
            if record["source"] is not None and (
                0 <= cue[0] - end <= 3 or record["content"][0] < cue[0] < record["content"][1]
            ):
                joined: tuple[int, int] = record["source"]
                return joined
        return source
    sentence = sentences.at(cue[0])
    if sentence is None:
        return source if source is not None and source[1] <= cue[0] else None
    subject = clause_subject(text, sentence, cue[0])
    if subject is not None:
        return trim_source(text, *subject)
    earlier: list[tuple[int, int]] = [
        r["source"]
        for r in records
        if r["source"] is not None and sentence[0] <= r["cue"][0] and r["cue"][1] <= cue[0]
    ]
    if earlier:
        return earlier[-1]
    return source if source is not None and source[1] <= cue[0] else None


def build_spans(doc: Document, tokens: list[Token], segs: list[tuple[str, int, int]]) -> list[Span]:
    """Attribution spans from tagged Source/Cue/Content runs over `tokens`."""
    text = doc.text
    drafts = split_coordinated(tokens, group(tokens, segs))
    resolver = _SpeakerResolver(text, _entities(doc))
    sentences = _SentenceIndex(doc)
    author = _author_name(doc)
    records: list[dict[str, Any]] = []
    for draft in drafts:
        cue = _char_range(text, tokens, *draft.cue)
        if section_at(doc, cue[0], NOT_ARTICLE) is not None:
            continue
        content = _content_range(text, tokens, draft)
        source = _char_range(text, tokens, *draft.source) if draft.source else None
        source, cue = _report_noun_to_source(text, source, cue)
        cue, content = _object_noun_to_content(text, cue, content)
        if source is not None and _misread_source(text, source, cue):
            # The cue's subject speaks: "The Front, which has held Kessen since March, accused
            # ..." (not "Kessen since March"); "X said ... in Dalmyr province but declined ..."
            # (not "Dalmyr province but").
            source = _cue_subject(text, sentences, cue)
        if source is None and SPEECH_CUE.match(text, cue[0]):
            source = _source_before_cue(text, sentences, cue)
            if source is not None and content[0] < source[0] < content[1]:
                content = cues.trim(text, content[0], source[0])
        before_cue = text[max(0, cue[0] - 4) : cue[0]].rstrip()
        if source is None and (content[1] <= cue[0] or before_cue[-1:] in (",", "”", '"', "’")):
            source = _inverted_source(text, cue[1])
            if source is not None and content[0] < cue[0] < content[1]:
                # "'...,' said the coalition, which ...": the quote ends where the cue begins.
                content = cues.trim(text, content[0], cue[0])
        if (
            source is not None
            and source[0] >= cue[1]
            and _PREPOSITION_GAP.fullmatch(text, cue[1], source[0])
        ):
            # "... said at a Washington event", "said of RT": a place or a topic after the cue,
            # not who speaks.
            source = None
        if source is not None:
            source = trim_source(text, *source)
            inner, outer = min(source[0], cue[0]), max(source[1], cue[1])
            if (
                content[1] <= inner
                and _STRANDED_END.search(text, content[0], content[1])
                and _WORDS_ONLY.fullmatch(text, content[1], inner)
            ):
                # "... engagements in Raqqa he said" (copy without commas): the content the
                # tagger stopped at "in" runs on to its source.
                content = _without_dangling_end(text, cues.trim(text, content[0], inner))
            if (
                content[0] < inner
                and content[1] > outer
                and (
                    _AFTER_REPORT.match(text, outer)
                    or (
                        not _is_direct(text, *content)
                        and _source_ends_sentence(text, sentences, content, cue, outer)
                    )
                )
            ):
                # What follows the source is the writer's, not the content: a clause ("At least
                # 27 people were killed ..., activists said, as Moscow launched its campaign") or,
                # after unquoted speech, the next sentence ("..., the IMF said. It edged up
                # ..."); unlike "The plan, he said, will fail", whose content runs on both sides.
                content = cues.trim(text, content[0], inner)
        if content[0] >= cue[1] and not _opens_quoted(text, content[0]):
            # Reported speech that runs into the next sentence's quotation ("... denied reports
            # of civilian casualties. "Claims that ... are false," the spokesman said.") is
            # mostly quoted, yet the quotation is the next speaker's: cut at the sentence end.
            content = _within_sentence(text, sentences, content, content[0])
            content = _complete_stranded(text, sentences, content)
            content = _without_addressee(text, cue, content)
        if PARTICIPLE_CUE.match(text, cue[0]):
            source = _participle_source(text, sentences, records, cue, source)
        if source is None:
            # "Trump has called climate change a hoax", "Strada accused ... and asserted ...":
            # the cue is the verb of the sentence's subject, which the tagger left untagged.
            source = _cue_subject(text, sentences, cue)
        if source is not None and _NEGATED_SOURCE.match(text, source[0]):
            # "No evidence suggests ...", "Nothing indicates ...": nobody is being cited.
            continue
        if source is not None and _EVENT_SOURCE.search(text, source[0], source[1]):
            continue
        if _ACTION_CUE.fullmatch(text, cue[0], cue[1]):
            continue
        if source is not None and _ADVERB_SOURCE.fullmatch(text, source[0], source[1]):
            continue
        if source is not None and _BARE_DETERMINER.fullmatch(text, source[0], source[1]):
            # "The failure to comprehend the threat", "The silence of the international
            # community": the tagger split one noun phrase into a source and a cue; the
            # attitude is the writer's, and "The" is nobody.
            source = None
        if (
            content[0] >= cue[1]
            and _STRANDED_PREPOSITION.search(text, cue[0], cue[1])
            and _PREDICATE_AFTER_CUE.fullmatch(text, cue[1], content[1])
        ):
            # 'The "hospital" they cry about has been a command bunker for years': the cue sits
            # in a clause that describes the subject of what follows; nobody says the rest.
            continue
        if _EVIDENCE_CUE.fullmatch(text, cue[0], cue[1]) and _BARE_PRONOUN.fullmatch(
            text, content[0], content[1]
        ):
            # "An October 31 photo of Sarmin hospital showed it undamaged": a picture or a
            # figure showing "it" states nothing anyone said.
            continue
        parent = None
        quoted = _quoted_as_saying(doc, cue) if source is None else None
        if quoted is not None:
            # "RT quoted spokesman Konashenkov as saying X": Konashenkov says X, via RT's report.
            outer_source, outer_cue, source = quoted
            parent = len(records)
            records.append(
                _outer_record(
                    text, resolver, author, outer_source, outer_cue, source, content, parent
                )
            )
        speaker, stype = _speaker(resolver, author, source, cue[0])
        records.append(
            {
                "content": content,
                "cue": cue,
                "source": source,
                "speaker": speaker,
                "speaker_type": stype,
                "polarity": cues.polarity(
                    text[cue[0] : cue[1]],
                    text[min(cue[0], content[0]) : max(cue[1], content[1])],
                ),
                "direct": _is_direct(text, *content),
                "relay": _relay_name(text, cue, content),
                "key": len(records),
                "parent": parent,
            }
        )
    _continue_quotes(text, sentences, records)
    records.extend(_split_at_participles(text, records))
    records.extend(_colon_records(doc, records, resolver))
    records.extend(_quoted_records(doc, records, resolver, author))
    records.extend(_according_records(doc, records, resolver, sentences, author))
    records.extend(_cited_records(text, records))
    records.sort(key=lambda r: (r["content"][0], r["cue"][0]))
    return _to_spans(records)


_QUOTE_PAIRS = {"“": "”", '"': '"', "''": "''", "``": "''", "‘": "’"}
_REOPENED = re.compile(r"[ \t\xa0]*\n?[ \t\xa0]*(“|\"|''|``|‘)")
"""An opening quote mark right after the sentence of "..., he said." (same paragraph)."""
_RESUMED_MAX = 4000
"""The longest resumed quotation looked for, in characters."""


def _continue_quotes(text: str, sentences: _SentenceIndex, records: list[dict[str, Any]]) -> None:
    """Extend a quotation interrupted by its speaker to the quotation that resumes after him.

    '"Tom is a real visionary," said Robert McAtee, one of several coal industry veterans. "He
    stepped in when no one else would."': one statement in two parts, its content running
    from the first quote mark to the last (PolNeAR's convention). Only when the resumed
    quotation belongs to no other attribution.
    """
    for record in records:
        content, cue = record["content"], record["cue"]
        if not record["direct"] or content[1] > cue[0]:
            continue
        holder = sentences.at(cue[0])
        if holder is None:
            continue
        reopened = _REOPENED.match(text, holder[1])
        if reopened is None:
            continue
        # A resumed quotation ends within its paragraph; the search window keeps a document of
        # one huge paragraph from being rescanned for every attribution.
        limit = reopened.end() + _RESUMED_MAX
        close = _QUOTE_PAIRS[reopened.group(1)]
        end = text.find(close, reopened.end(), limit)
        paragraph_end = text.find("\n\n", reopened.end(), limit)
        if end < 0 or (0 <= paragraph_end < end):
            continue
        resumed = (reopened.start(1), end + len(close))
        if any(
            other is not record
            and (overlap(other["content"], resumed) > 0 or overlap(other["cue"], resumed) > 0)
            for other in records
        ):
            continue
        record["content"] = (content[0], cues.trim(text, content[0], end)[1])


_COLON_LINE = re.compile(
    r"(?m)^[ \t]*[\"“]?(?P<name>[A-Z][\w’'.-]*(?:[ \t]+(?:[A-Z][\w’'.-]*|of|the|de|al)){0,4})"
    r"(?P<cue>:)[ \t]+(?P<content>\S[^\n]*)$"
)
"""A transcript turn or a headline quote: "PENCE: Well, look ..." / "Pat Caddell: Voters ..."."""

NOT_SPEAKERS = frozenset(
    {
        "note",
        "update",
        "editor's note",
        "editor’s note",
        "photo",
        "image",
        "source",
        "sources",
        "read more",
        "related",
        "watch",
        "video",
        "listen",
        "caption",
        "tags",
        "posted",
        "filed under",
        "share",
        "comments",
        "warning",
        "q",
        "a",
        "disclaimer",
        "correction",
        "credit",
        "via",
        "see",
        "also",
        "read",
        "more",
        "topics",
        "category",
        "categories",
        "contact",
        "email",
        "phone",
        "when",
        "where",
        "what",
        "who",
        "why",
        "how",
        "here",
        "breaking",
        "exclusive",
        "live",
        "opinion",
        "analysis",
        "editorial",
        "transcript",
        "partial transcript",
        "sponsored",
    }
)
"""Line labels that are not speakers ("Note: ...", "Update: ...")."""


_PARTICIPLE_INSIDE = re.compile(
    r"(?:,\s*|\s+)(adding|noting|stressing|explaining|warning|insisting|saying)\s+(?=that\b)"
)
"""A second statement run into an unquoted content ("... had been killed adding that ...")."""


def _split_at_participles(text: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unquoted contents cut where the speaker goes on with ", adding that ...": the rest is a
    second statement with its own cue (PolNeAR's annotators mark two); the tagger, above all in
    copy that lost its commas, had read one content through the participle."""
    out: list[dict[str, Any]] = []
    for record in records:
        start, end = record["content"]
        if record["direct"]:
            continue
        match = _PARTICIPLE_INSIDE.search(text, start, end)
        if match is None or match.start() - start < 3 or end - match.end() < 3:
            continue
        record["content"] = cues.trim(text, start, match.start())
        cue = match.span(1)
        if any(other["cue"] == cue for other in records):
            continue  # the tagger read the second statement too
        rest = (match.end(), end)
        out.append(
            {
                **record,
                "content": rest,
                "cue": cue,
                "polarity": cues.polarity(text[cue[0] : cue[1]], text[rest[0] : rest[1]]),
                "key": len(records) + len(out),
                "parent": None,
            }
        )
    return out


HEADLINE = frozenset({"title"})
"""Sections written in title case, where every word of a label before a colon is capitalised."""

_SPEAKING_ENTITIES = _GROUP_ENTITIES | {"PERSON"}


def _names_speaker(text: str, source: tuple[int, int], entities: Sequence[_Entity]) -> bool:
    """Whether a headline's "NAME:" names who speaks: one person, organisation, nationality or
    government entity spans all of it ("Putin: ...", "White House: ..."), or it is a role the cue
    lexicons know ("Pentagon: ...", "Defence ministry: ..."). In title case any label fits the
    colon pattern ("Kessen Lies: The Media Circus ...", "Exclusive: ..."), so the pattern alone
    does not do there."""
    start, end = source
    if cues.speaker_type(text[start:end]) != "other":
        return True
    return any(
        e.label in _SPEAKING_ENTITIES and e.start <= start and e.end >= end for e in entities
    )


def _colon_records(
    doc: Document, records: list[dict[str, Any]], resolver: _SpeakerResolver
) -> list[dict[str, Any]]:
    """Transcript turns and headline quotes ("NAME: words") the tagger left without a cue.

    PolNeAR marks these with the name as source and the colon as cue; the tagger finds few of
    them because a colon is rarely a cue elsewhere.
    """
    text = doc.text
    taken = [r["content"] for r in records]
    out: list[dict[str, Any]] = []
    for match in _COLON_LINE.finditer(text):
        name = match.group("name")
        if name.lower() in NOT_SPEAKERS or name.split()[0].lower() in NOT_SPEAKERS:
            continue
        if section_at(doc, match.start("cue"), NOT_ARTICLE) is not None:
            continue
        source = (match.start("name"), match.end("name"))
        if section_at(doc, source[0], HEADLINE) is not None and not _names_speaker(
            text, source, resolver.entities
        ):
            continue  # a title-case headline's label ("Kessen Lies: The Media Circus ...")
        content = cues.trim(text, match.start("content"), match.end("content"))
        if content[1] - content[0] < 3 or any(s < content[1] and content[0] < e for s, e in taken):
            continue
        speaker, label, phrase = resolver.resolve(source)
        out.append(
            {
                "content": content,
                "cue": (match.start("cue"), match.end("cue")),
                "source": source,
                "speaker": speaker or name,
                "speaker_type": cues.speaker_type(phrase, label),
                "polarity": cues.polarity(":", text[content[0] : content[1]]),
                "direct": name.isupper() or _is_direct(text, *content),
                "relay": "",
                "key": len(records) + len(out),
                "parent": None,
            }
        )
    return out


def _found_record(
    text: str,
    resolver: _SpeakerResolver,
    author: str,
    content: tuple[int, int],
    cue: tuple[int, int],
    source: tuple[int, int],
    direct: bool,
    key: int,
) -> dict[str, Any]:
    """A record for an attribution found by its shape beside the tagger's (a quotation with its
    speaker, "according to X"): the speaker resolved as the tagger's sources are, no relay."""
    speaker, stype = _speaker(resolver, author, source, cue[0])
    return {
        "content": content,
        "cue": cue,
        "source": source,
        "speaker": speaker,
        "speaker_type": stype,
        "polarity": cues.polarity(text[cue[0] : cue[1]], text[content[0] : content[1]]),
        "direct": direct,
        "relay": "",
        "key": key,
        "parent": None,
    }


def _quoted_records(
    doc: Document, records: list[dict[str, Any]], resolver: _SpeakerResolver, author: str
) -> list[dict[str, Any]]:
    """Quotations with their speaker and verb right beside them ("'...,' Rep. Gwen Moore said
    Friday.", "'...' ― Steve Quinlan") that no tagged attribution covers: the tagger misses
    some of the plainest ones (`quoted_speech`)."""
    text = doc.text
    out: list[dict[str, Any]] = []
    for found in quoted_speech(text):
        content = cues.trim(text, *found.content)
        if content[1] - content[0] < 3 or section_at(doc, found.cue[0], NOT_ARTICLE) is not None:
            continue
        holders = [r for r in [*records, *out] if overlap(r["content"], content) > 0]
        sharing = [r for r in [*records, *out] if overlap(r["cue"], found.cue) > 0]
        if sharing:
            if not holders and len(sharing) == 1 and _read_forward(text, sharing[0], content):
                # '"A," the spokesman said on Saturday. "B."': the tagger read the cue forward
                # into the quotation resuming after it and left A to nobody; one statement in
                # two parts, from the first quote mark to the last (`_continue_quotes`).
                sharing[0]["content"] = (content[0], sharing[0]["content"][1])
            continue
        source = trim_source(text, *found.source)
        if holders:
            stolen = [
                r
                for r in holders
                if r["cue"][1] <= content[0]
                and _SENTENCE_BREAK.search(text, r["cue"][1], content[0]) is not None
            ]
            if len(stolen) == 1 and len(holders) == 1:
                # "The crowd cheered. '...,' Rep. Gwen Moore said": the tagger gave the quote
                # to a cue of the sentence before; the speaker beside it says it.
                speaker, stype = _speaker(resolver, author, source, found.cue[0])
                stolen[0].update(
                    cue=found.cue, source=source, speaker=speaker, speaker_type=stype, relay=""
                )
            continue
        out.append(
            _found_record(
                text, resolver, author, content, found.cue, source, True, len(records) + len(out)
            )
        )
    return out


_SENTENCE_BREAK = re.compile(r"[.!?][\s\"”’']*\s")
"""A sentence's end between a cue and a quotation."""


def _read_forward(text: str, record: dict[str, Any], quotation: tuple[int, int]) -> bool:
    """Whether `record` took its cue forward to a quotation of the next sentence while the
    quotation `quotation` closes right before that cue, in the same paragraph."""
    content, cue = record["content"], record["cue"]
    return (
        record["direct"]
        and quotation[1] <= cue[0]
        and content[0] >= cue[1]
        and _SENTENCE_BREAK.search(text, cue[1], content[0]) is not None
        and "\n\n" not in text[quotation[0] : content[1]]
    )


_ACCORDING_TO = re.compile(r"\b[Aa]ccording\s+to\s+")
_SOURCE_END = re.compile(r"\s*(?:,|\.(?:\s|$)|;|$)")
"""Where a source named after "according to" ends: its comma, the sentence's full stop."""
_SOURCE_MAX = 120
"""The longest source looked for after "according to", in characters."""


def _according_records(
    doc: Document,
    records: list[dict[str, Any]],
    resolver: _SpeakerResolver,
    sentences: _SentenceIndex,
    author: str,
) -> list[dict[str, Any]]:
    """ "According to X, Y." and "Y, according to X." where the tagger found no attribution.

    The phrase fixes source and content by position: the tagger misses about one in four of
    them in PolNeAR dev (a statistic "..., according to the NAACP." after a long sentence). A
    mid-sentence "according to" ("... rose, according to X, by 4%") is left to the tagger.
    """
    text = doc.text
    out: list[dict[str, Any]] = []
    for match in _ACCORDING_TO.finditer(text):
        cue = cues.trim(text, match.start(), match.end())
        sentence = sentences.at(match.start())
        if (
            sentence is None
            or section_at(doc, cue[0], NOT_ARTICLE) is not None
            or any(overlap(r["cue"], cue) > 0 for r in records)
        ):
            continue
        end = _SOURCE_END.search(text, match.end(), min(sentence[1], match.end() + _SOURCE_MAX))
        if end is None or end.start() <= match.end():
            continue
        source = cues.trim(text, match.end(), end.start())
        before = text[sentence[0] : cue[0]]
        if not before.strip(" \t\n\"“”'‘’"):
            # "According to Politico, both of these areas ...": the rest of the sentence.
            if not text.startswith(",", end.start()):
                continue
            content = cues.trim(text, end.end(), sentence[1])
        elif before.rstrip().endswith(",") and (
            end.group().strip() == "." or end.end() >= sentence[1]
        ):
            # "America's prison population ... as of 2008, according to the NAACP."
            content = cues.trim(text, sentence[0], cue[0])
        else:
            continue
        if content[1] - content[0] < 3 or any(
            overlap(r["content"], content) > 0 for r in [*records, *out]
        ):
            continue
        out.append(
            _found_record(
                text,
                resolver,
                author,
                content,
                cue,
                source,
                _is_direct(text, *content),
                len(records) + len(out),
            )
        )
    return out


def _cited_records(text: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nested attributions inside citing contents ("RT cited a Le Figaro poll showing X")."""
    out: list[dict[str, Any]] = []
    for record in records:
        cue_text = text[record["cue"][0] : record["cue"][1]].lower()
        if not re.search(r"\b(cit|quot|refer)", cue_text):
            continue
        cs, ce = record["content"]
        match = _CITED_SOURCE.match(text[cs:ce])
        if match is None or ce - (cs + match.end()) < 3:
            continue
        name = _clean_name(match.group("name"))
        inner = (cs + match.end(), ce)
        out.append(
            {
                "content": inner,
                "cue": (cs + match.start("cue"), cs + match.end("cue")),
                "source": (
                    cs + match.start("name"),
                    cs + match.end("what" if match.group("what") else "name"),
                ),
                "speaker": name,
                "speaker_type": cues.speaker_type(match.group(0)),
                "polarity": cues.polarity(match.group("cue"), text[inner[0] : inner[1]]),
                "direct": _is_direct(text, *inner),
                "relay": "",
                "key": len(records) + len(out),
                "parent": record["key"],
            }
        )
    return out


def _author_name(doc: Document) -> str:
    """Who speaks when no source is given: the byline, else the outlet, else 'author'."""
    authors = doc.meta.get("authors")
    if isinstance(authors, list) and authors and isinstance(authors[0], str):
        return authors[0]
    outlet = doc.meta.get("outlet")
    return outlet if isinstance(outlet, str) and outlet else "author"


def _to_spans(records: list[dict[str, Any]]) -> list[Span]:
    """Spans with ids assigned in text order, `via` resolved to ids (parents, relaying outlets)."""
    id_of_key = {record["key"]: f"{LAYER}.{i}" for i, record in enumerate(records)}
    spans = []
    for i, record in enumerate(records):
        via = id_of_key.get(record["parent"]) if record["parent"] is not None else None
        if via is None and record["relay"]:
            relay = record["relay"].lower()
            for j, other in enumerate(records):
                speaker = str(other["speaker"]).lower()
                if j != i and speaker and (relay in speaker or speaker in relay):
                    via = f"{LAYER}.{j}"
                    break
        attrs = {
            "content": list(record["content"]),
            "cue": list(record["cue"]),
            "source": list(record["source"]) if record["source"] else None,
            "speaker": record["speaker"],
            "speaker_type": record["speaker_type"],
            "polarity": record["polarity"],
            "direct": record["direct"],
            "via": via,
        }
        start, end = record["content"]
        spans.append(Span(start, end, "attribution", None, attrs, f"{LAYER}.{i}"))
    return spans


@register
class AttributionsAnalyzer(Analyzer):
    """Who claims what: attribution spans with content, cue, source, speaker and relay."""

    name = "attributions.v1"
    requires = ("sentences", "feature:encoder", "entities")
    produces = (LAYER,)

    model_version = "polnear-cnn-2"
    """Bumped whenever the span head or the grouping rules change results."""

    def analyze(self, doc: Document, features: dict[str, Any]) -> Document:
        """Add the `attributions` layer."""
        return doc.with_layer(LAYER, extract(doc, load_span_head(), encoder_feature(features)))
