"""attributions.v1: grouping, speaker, polarity, relay, and hostile quote marks, on real text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsprism.analyzers.attribution_head import load_span_head
from newsprism.analyzers.attribution_tagger import tokenize
from newsprism.analyzers.attributions import build_spans, extract
from newsprism.analyzers.cues import ARMED_GROUP, polarity, speaker_type
from newsprism.analyzers.encoder import DocEncoding, encoder_feature
from newsprism.config import load_config
from newsprism.document import Document, Span
from newsprism.pipeline import build_pipeline
from newsprism.registry import Item

_BEFORE = ("sections.v1", "sentences.v1", "encoder.v1", "entities.v1")


@pytest.fixture(autouse=True)
def _encoder(encoder_dir: Path) -> None:
    """Every test here runs the real encoder pass (skips when the model is not installed)."""


def _prepare(text: str, **meta: Any) -> tuple[Document, DocEncoding]:
    """The document with the layers attributions.v1 reads, and its encoder pass."""
    item = build_pipeline(load_config(), names=_BEFORE).run_items([Item(Document("t", text, meta))])
    return item[0].doc, encoder_feature(item[0].features)


def _run(text: str, **meta: Any) -> tuple[Document, list[Span]]:
    doc, encoding = _prepare(text, **meta)
    return doc, extract(doc, load_span_head(), encoding)


def _find(doc: Document, spans: list[Span], content_part: str) -> Span:
    for span in spans:
        if content_part in doc.span_text(span):
            return span
    found = [doc.span_text(s) for s in spans]
    raise AssertionError(f"no attribution holds {content_part!r}; found {found}")


def _text(doc: Document, rng: Any) -> str:
    return doc.text[rng[0] : rng[1]] if rng else ""


@pytest.fixture(scope="module")
def seed0(seed_000: Path) -> tuple[Document, list[Span]]:
    return _run(seed_000.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed2(seed_002: Path) -> tuple[Document, list[Span]]:
    return _run(seed_002.read_text(encoding="utf-8"))


def test_fars_is_the_source_of_the_warplanes_claim(seed0: tuple[Document, list[Span]]) -> None:
    doc, spans = seed0
    span = _find(doc, spans, "US warplanes killed 27 ISIS field commanders")
    assert "Fars" in _text(doc, span.attrs["source"])
    assert span.attrs["speaker_type"] == "media"
    assert span.attrs["polarity"] == "assert"
    assert span.attrs["direct"] is False


def test_unnamed_iraqi_official_is_anonymous_and_relayed_via_fars(
    seed0: tuple[Document, list[Span]],
) -> None:
    doc, spans = seed0
    span = _find(doc, spans, "always see US helicopters")
    assert "unnamed Iraqi official" in _text(doc, span.attrs["source"])
    assert span.attrs["speaker_type"] == "anonymous"
    assert span.attrs["direct"] is True
    via = doc.with_layer("attributions", spans).find_span(span.attrs["via"])
    assert via is not None and "Fars" in str(via.attrs["speaker"])


def test_rt_cites_le_figaro_poll(seed0: tuple[Document, list[Span]]) -> None:
    doc, spans = seed0
    holding = [s for s in spans if "72% of Syrians" in doc.span_text(s)]
    inner = next(s for s in holding if s.attrs["via"])
    outer = [s for s in spans if s.id == inner.attrs["via"]]
    assert "Figaro" in str(inner.attrs["speaker"])
    assert outer and "RT" in str(outer[0].attrs["speaker"])


def test_konashenkov_denies(seed0: tuple[Document, list[Span]]) -> None:
    doc, spans = seed0
    span = _find(doc, spans, "are false")
    assert span.attrs["polarity"] == "deny"
    assert "Konashenkov" in str(span.attrs["speaker"])
    assert span.attrs["speaker_type"] == "military"


def test_coalition_direct_statement(seed2: tuple[Document, list[Span]]) -> None:
    doc, spans = seed2
    span = _find(doc, spans, "We call on the Russian Federation")
    assert "coalition" in _text(doc, span.attrs["source"])
    assert span.attrs["direct"] is True


def test_russia_acknowledged_and_denied(seed2: tuple[Document, list[Span]]) -> None:
    doc, spans = seed2
    ack = _find(doc, spans, "18 airstrikes against 12 targets")
    assert ack.attrs["polarity"] == "assert"
    deny = _find(doc, spans, "reports of civilian casualties")
    assert deny.attrs["polarity"] == "deny"
    # Russia speaking is its government.
    assert ack.attrs["speaker"] == deny.attrs["speaker"] == "Russia"
    assert ack.attrs["speaker_type"] == deny.attrs["speaker_type"] == "official"


def test_quoted_as_saying_is_relayed_and_the_spokesman_resolves(
    seed2: tuple[Document, list[Span]],
) -> None:
    """ "The official Russia Today website quoted ... Konashenkov as saying X": Konashenkov says X
    via RT (state media); "The spokesman reiterated" later is Konashenkov again."""
    doc, spans = seed2
    by_id = {s.id: s for s in spans}
    holding = [s for s in spans if "Russia aims to destroy" in doc.span_text(s)]
    inner = min(holding, key=lambda s: s.end - s.start)  # the outer report holds it too
    assert "Konashenkov" in str(inner.attrs["speaker"])
    assert inner.attrs["speaker_type"] == "military"
    outer = by_id[str(inner.attrs["via"])]
    assert "Russia Today" in str(outer.attrs["speaker"])
    assert outer.attrs["speaker_type"] == "media"
    later = _find(doc, spans, "Syrian troops are carrying out ground operations")
    assert later.attrs["speaker"] == inner.attrs["speaker"]
    coalition = _find(doc, spans, "We express our deep concern")
    assert coalition.attrs["speaker"] == "coalition"  # "it", not the clause's United States


def test_negated_subjects_cite_nobody(seed0: tuple[Document, list[Span]]) -> None:
    """ "No evidence suggests otherwise" in seed 000 is the ministry's argument, not a source."""
    doc, spans = seed0
    assert all(not _text(doc, s.attrs["source"]).startswith("No ") for s in spans)


def test_an_adverb_is_no_speaker(seed0: tuple[Document, list[Span]]) -> None:
    """Seed 000: "... focusing instead on diplomacy": the tagger took "instead" for a source."""
    _doc, spans = seed0
    assert "instead" not in {s.attrs["speaker"] for s in spans}


def test_a_photo_showing_it_is_no_claim(seed0: tuple[Document, list[Span]]) -> None:
    """Seed 000: "An October 31 photo of Sarmin hospital showed it undamaged": the tagger read
    the photo as a speaker and "it" as what it said; while "data showed that ..." still counts."""
    doc, spans = seed0
    assert "Sarmin hospital" not in {s.attrs["speaker"] for s in spans}
    assert all(doc.text[s.start : s.end].strip().lower() != "it" for s in spans)
    _doc, kept = _run("Hospital records showed that 12 civilians had died in the raid.")
    assert any("12 civilians" in _doc.text[s.start : s.end] for s in kept)


def test_a_cue_in_a_clause_describing_the_subject_is_no_claim() -> None:
    """The demo blog: 'The "hospital" they cry about has been a command bunker for years': the
    tagger read "cry about" as a cue and the sentence's own predicate as what "they" said."""
    doc, spans = _run(
        'The "hospital" they cry about has been a command bunker for years, and everybody in '
        "Dalmyr knows it."
    )
    assert all("command bunker" not in doc.text[s.start : s.end] for s in spans)
    # FA-KES: a relative clause with its pronoun is a report ("which the Syrian government
    # insists were not its doing").
    doc, spans = _run(
        "More bodies were found after the killer fumes which the Syrian government insists "
        "were not its doing."
    )
    assert any("its doing" in doc.text[s.start : s.end] for s in spans)


def test_a_clause_inside_the_source_is_not_the_speaker(seed0: tuple[Document, list[Span]]) -> None:
    """Seed 000: "polls when taken in Syria indicate Assad is overwhelmingly popular": the polls
    speak; "when taken in Syria" says where they were taken."""
    _doc, spans = seed0
    speakers = {s.attrs["speaker"] for s in spans}
    assert "polls" in speakers and "polls when taken in Syria" not in speakers


def test_the_reports_that_claim_are_the_source(seed0: tuple[Document, list[Span]]) -> None:
    """Seed 000: "Propaganda reports claimed it was totally destroyed": the reports claim; the
    tagger had made "Propaganda" the speaker and "reports claimed" the cue."""
    doc, spans = seed0
    claimed = [s for s in spans if _text(doc, s.attrs["cue"]) == "claimed"]
    assert [s.attrs["speaker"] for s in claimed] == ["Propaganda reports"]
    assert "Propaganda" not in {s.attrs["speaker"] for s in spans}


def test_reported_speech_ends_with_its_sentence(seed0: tuple[Document, list[Span]]) -> None:
    """Seed 000: "Iraqi intelligence knows Washington backs ISIS fighters. US helicopters airdrop
    them weapons ...": the second sentence is the writer's, not the intelligence service's;
    while a quotation still runs across its sentences."""
    doc, spans = seed0
    contents = {s.attrs["speaker"]: doc.text[s.start : s.end] for s in spans}
    assert contents["Iraqi intelligence"] == "Washington backs ISIS fighters"
    assert contents["Russia"] == "US regime change plans"
    quoted = [doc.text[s.start : s.end] for s in spans if s.attrs["direct"]]
    assert any("information. It turned out" in q for q in quoted)


def test_an_inverted_source_ends_an_unquoted_content() -> None:
    """ "..., the IMF said. It edged up ...": the tagger ran the content on through the source
    into the writer's next sentence; what the IMF said ends before "the IMF"."""
    text = (
        "Slower growth in developed nations is being offset by faster improvements in emerging "
        "economies, the IMF said. It edged up its forecast for those countries by 0.1 points."
    )
    doc, spans = _run(text)
    imf = _find(doc, spans, "Slower growth")
    assert doc.span_text(imf).endswith("emerging economies")
    assert imf.attrs["speaker"] == "IMF"


def test_doubled_apostrophes_are_quotation_marks() -> None:
    """Newspaper copy quoting with doubled apostrophes is direct speech, and its content runs
    on across the speaker to the next quoted sentence."""
    text = (
        "``It's more tinkering at the edges,'' said Alan Cole, an economist at the Tax "
        "Foundation. ''I wouldn't call it reform.''"
    )
    doc, spans = _run(text)
    cole = _find(doc, spans, "tinkering")
    assert cole.attrs["direct"] is True
    assert "call it reform" in doc.span_text(cole)


def test_a_quotation_resumed_after_its_speaker_is_one_statement() -> None:
    """A quote interrupted by "said X." runs on into the quote that resumes after it; a quote
    with its own speaker does not."""
    text = (
        "“The strikes hit only terrorists,” said Igor Konashenkov, a ministry spokesman. "
        "“Not one civilian building was touched.”"
    )
    doc, spans = _run(text)
    (statement,) = spans
    assert doc.span_text(statement).endswith("Not one civilian building was touched")
    assert statement.attrs["speaker"] == "Igor Konashenkov" and statement.attrs["direct"]
    text = '"We will win," said John Smith. "They will lose," said Mary Jones, his rival.'
    doc, spans = _run(text)
    assert [doc.span_text(s) for s in spans] == ["We will win", "They will lose"]


def _tokens_of(text: str, phrase: str) -> tuple[int, int]:
    """[first, last) token indices of `phrase` in `text`."""
    start = text.index(phrase)
    tokens = tokenize(text)
    inside = [i for i, t in enumerate(tokens) if start <= t.start < start + len(phrase)]
    return inside[0], inside[-1] + 1


def _built_content(text: str, source: str, cue: str, content: str) -> str:
    """The content build_spans makes of one attribution tagged as given (source, cue, content
    phrases of `text`), as if the tagger had tagged exactly those."""
    doc, _ = _prepare(text)
    segments = [
        ("SRC", *_tokens_of(text, source)),
        ("CUE", *_tokens_of(text, cue)),
        ("CON", *_tokens_of(text, content)),
    ]
    (span,) = build_spans(doc, tokenize(text), segments)
    return doc.span_text(span)


def test_a_content_never_ends_in_a_conjunction() -> None:
    """ "... fired for their involvement, and": the tagger's content ran one word into the
    writer's next clause; the conjunction is cut off with its comma. An adverb stays."""
    text = "Officials said 5,300 employees were fired for their involvement, and the bank paid."
    content = "5,300 employees were fired for their involvement"
    assert _built_content(text, "Officials", "said", content + ", and") == content
    text = "Officials said the bank would pay a fine as well."
    content = "the bank would pay a fine as well"
    assert _built_content(text, "Officials", "said", content) == content


def test_according_to_is_read_where_the_tagger_missed_it() -> None:
    """ "Y, according to X." and "According to X, Y." name source and content by position; a
    mid-sentence "according to" is left alone (the tagger found nothing here at all)."""
    text = (
        "America's prison population stood at 200,000 in 1972, according to the NAACP. "
        "According to Politico, both of these areas are highly populated with black voters. "
        "The toll rose, according to local officials, to 40 by the evening."
    )
    doc, _ = _prepare(text)
    spans = build_spans(doc, tokenize(text), [])
    found = {s.attrs["speaker"]: doc.span_text(s) for s in spans}
    assert found == {
        "NAACP": "America's prison population stood at 200,000 in 1972",
        "Politico": "both of these areas are highly populated with black voters",
    }


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("State news agency SANA said the army had retaken the town.", "SANA"),
        ("State media said the army had retaken the town.", "State media"),
        ("The State Department said the strikes were a mistake.", "State Department"),
    ],
)
def test_a_capitalised_modifier_is_not_the_speaker(text: str, speaker: str) -> None:
    """A sentence's first word "State" is tagged an organisation; the speaker is the agency
    the phrase names, or the whole phrase, never "State"."""
    _doc, spans = _run(text)
    assert [s.attrs["speaker"] for s in spans] == [speaker]


def test_a_dateline_without_its_comma_is_not_the_source() -> None:
    """FA-KES copy lost its punctuation: "Aleppo A military source announced ..."; the capitalised
    article opens the source, the city before it is the dateline."""
    doc, spans = _run(
        "Aleppo A military source announced on Sunday that the army units destroyed the positions."
    )
    assert [doc.text[s.attrs["source"][0] : s.attrs["source"][1]] for s in spans] == [
        "A military source"
    ]


def test_an_organisation_is_named_without_the_role_after_it() -> None:
    """ "The Syrian Observatory for Human Rights monitoring group put the toll at 58": the entity
    tagger ran the name into "monitoring"; the speaker is the organisation, as elsewhere."""
    for text in (
        "The Syrian Observatory for Human Rights monitoring group said the toll rose to 58.",
        "The Syrian Observatory for Human Rights monitor said 12 people died.",
    ):
        _doc, spans = _run(text)
        assert [s.attrs["speaker"] for s in spans] == ["Syrian Observatory for Human Rights"]


def test_an_article_alone_is_nobody() -> None:
    """ "The failure to condemn ...": the tagger split a noun phrase into source "The" and a cue;
    whatever it attributes, "The" never becomes a speaker."""
    _doc, spans = _run("The failure to condemn the Russian aggression is a shameful stain.")
    assert "The" not in {s.attrs["speaker"] for s in spans}
    assert all(s.attrs["source"] is None for s in spans)


def test_an_attack_is_no_speaker(seed2: tuple[Document, list[Span]]) -> None:
    """Seed 002: "... have been focusing their attacks on ISIS" is an action, not a claim."""
    _doc, spans = seed2
    assert "their attacks" not in {s.attrs["speaker"] for s in spans}
    assert "Maj. Gen. Igor Konashenkov" in {s.attrs["speaker"] for s in spans}


def test_comments_are_not_claims(seed2: tuple[Document, list[Span]]) -> None:
    doc, spans = seed2
    _, encoding = _prepare(doc.text)
    comment = Span(doc.text.index("About VT Editors"), len(doc.text), "comment")
    spans_out = extract(doc.with_layer("sections", [comment]), load_span_head(), encoding)
    assert all(s.attrs["cue"][0] < comment.start for s in spans_out)
    assert len(spans_out) <= len(spans)


@pytest.mark.parametrize(
    "text",
    [
        'He said "this never ends.\n\nThe next paragraph is plain narration by the author.',
        "“Open quote with no end, she said.\n\n" + "Plain text follows. " * 200,
        '"""""',
        "”Closing first“ then opening, the ministry said.",
        "",
        "said said said according to told: “",
        "According to , .",
        "X happened, according to",
        "“A,” said B. “" + "x" * 5000,
        "``x'' said y. ''",
        "He said and",
    ],
)
def test_odd_quote_marks_never_crash_or_swallow(text: str) -> None:
    doc, spans = _run(text)
    for span in spans:
        content = span.attrs["content"]
        assert 0 <= content[0] <= content[1] <= len(text)
        # Quote state resets at paragraph breaks: nothing reaches the final paragraph.
        assert "Plain text follows. " * 3 not in doc.text[content[0] : content[1]]


def test_quote_state_resets_at_paragraph_breaks() -> None:
    tokens = tokenize('He said "open\n\nnarration here')
    assert tokens[-1].in_quote is False
    assert any(t.in_quote for t in tokens if t.text == "open")


def test_pronoun_speaker_resolves_to_earlier_person() -> None:
    doc, spans = _run(
        "Prime Minister Jane Holt visited the port on Monday. She said the new terminal would "
        "open in May."
    )
    she = _find(doc, spans, "terminal would open")
    assert she.attrs["speaker"] == "Prime Minister Jane Holt" or "Holt" in she.attrs["speaker"]


def test_speaker_type_and_polarity_rules() -> None:
    assert speaker_type("An unnamed Iraqi official") == "anonymous"
    assert speaker_type("Defense Ministry spokesman Maj. Gen. Igor Konashenkov") == "military"
    assert speaker_type("Fars News") == "media"
    assert speaker_type("Human Rights Watch") == "ngo"
    assert speaker_type("") == "author"
    assert speaker_type("Washington", "GPE") == "official"
    assert speaker_type("Syrians", "NORP") == "other"
    # An abbreviated title ends in a full stop, after which no word boundary follows.
    assert speaker_type("Rep. Gwen Moore", "PERSON") == "official"
    assert speaker_type("Sen. Ted Cruz", "PERSON") == "official"
    assert polarity("denied", "reports of civilian casualties") == "deny"
    assert polarity("said", "claims about strikes killing civilians are false") == "deny"
    assert polarity("dismissed", "the story as fabricated") == "deny"
    assert polarity("said", "the strikes hit 12 targets") == "assert"
    # A party denying civilian casualties rarely uses a denial word (Russia's defence ministry,
    # 30 September 2015: "no civilian infrastructure was hit").
    assert polarity("told", "No civilian infrastructure was hit, and no civilians were killed") == (
        "deny"
    )
    assert polarity("said", "its aircraft did not target civilians") == "deny"
    assert polarity("said", "there were no civilian casualties") == "deny"
    assert polarity("said", "36 civilians were killed") == "assert"
    assert polarity("said", "Russian jets did not carry out any strikes in the Sarmin area") == (
        "deny"
    )
    assert polarity("said", "the jets had never targeted the town") == "deny"
    # The coalition on Russia's first strikes: an accusation, not a denial.
    accusation = "the attacks led to civilian casualties and did not target Daesh"
    assert polarity("said", accusation) == "assert"
    assert polarity("said", "No Russian missile has fallen on Iranian territory") == "deny"
    assert polarity("said", "no strikes were carried out in the area") == "deny"
    assert polarity("said", "no one expected the strikes to hit civilians") == "assert"


def test_speakers_keep_their_head_noun_and_title(seed0: tuple[Document, list[Span]]) -> None:
    doc, spans = seed0
    speakers = {str(s.attrs["speaker"]) for s in spans}
    assert "News" not in speakers and "Iraqi" not in speakers
    later = _find(doc, spans, "checked this information")
    assert "Konashenkov" in str(later.attrs["speaker"])
    assert later.attrs["speaker_type"] == "military"


def test_the_writers_clause_after_an_inverted_source_is_no_content() -> None:
    text = (
        "At least 27 people were killed on Wednesday in Russian air raids on the town of "
        "Talbiseh in Homs province, activists and a local council said, as Moscow launched its "
        "air campaign in Syria."
    )
    doc, spans = _run(text)
    span = _find(doc, spans, "At least 27 people")
    assert doc.text[span.start : span.end].endswith("in Homs province")
    assert span.attrs["speaker"] == "activists and a local council"


def test_a_participle_speaks_for_its_clauses_subject(seed0: tuple[Document, list[Span]]) -> None:
    """Seed 000: "In Vienna, John Kerry affirmed Washington's position, saying '(t)here is no
    way ...'": Kerry speaks; the tagger found no source next to "saying" and the author had
    been made the speaker."""
    doc, spans = seed0
    span = _find(doc, spans, "(t)here is no way")
    assert span.attrs["speaker"] == "John Kerry"
    assert _text(doc, span.attrs["source"]) == "John Kerry"


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        # The subject opens the sentence; the tagger read "Oklahoma" before the comma.
        (
            "Hillary Clinton spoke out Tuesday about the death of Terence Crutcher in Tulsa, "
            "Oklahoma, arguing that the epidemic of police shootings must end.",
            "the epidemic of police shootings must end",
            "Hillary Clinton",
        ),
        # A nominal subject, and a content whose first noun the tagger took for its source.
        (
            "The minister spoke to reporters on Monday, saying the war would end soon.",
            "the war would end soon",
            "minister",
        ),
        # A sentence opening with a quotation: the speaker of its earlier cue.
        (
            "“We do not see a link to terrorism,” the mayor said, adding that the police "
            "would investigate.",
            "the police would investigate",
            "mayor",
        ),
        # A count opening the subject is no speaker.
        (
            "Several environmental groups filed a motion on Friday, saying the mine polluted "
            "the river.",
            "the mine polluted the river",
            "Several environmental groups",
        ),
    ],
)
def test_participle_cues_take_the_clauses_speaker(text: str, content: str, speaker: str) -> None:
    doc, spans = _run(text)
    assert _find(doc, spans, content).attrs["speaker"] == speaker


def test_clause_subject_reads_the_noun_phrase_before_the_verb() -> None:
    """The subject ends where its verb phrase begins; a capitalised "United" is no past form,
    and a sentence opening with anything but a noun phrase has no subject to read."""
    from newsprism.analyzers.clause_subject import clause_subject, is_participle_cue

    def subject(text: str) -> str | None:
        cue = text.index("saying")
        assert is_participle_cue(text, (cue, cue + 6))
        found = clause_subject(text, (0, len(text)), cue)
        return text[found[0] : found[1]] if found else None

    assert subject("The United Nations warned on Monday, saying aid was blocked.") == (
        "The United Nations"
    )
    assert subject("In Vienna, John Kerry affirmed the position, saying it held.") == "John Kerry"
    assert subject("Trump and his aides have also attacked her, saying she lied.") == (
        "Trump and his aides"
    )
    assert subject("Reid frequently mocked Romney, saying he hid his taxes.") == "Reid"
    assert subject("“We will win,” he said, saying it twice.") is None
    assert not is_participle_cue("He kept saying it.", (8, 14))


def test_a_content_never_ends_on_a_preposition() -> None:
    """Seed 000's "... carrying weapons for ISIS terrorists in Anbar province": the tagger
    stopped the content at "in"; an unquoted content runs on to its sentence's end."""
    text = (
        "Iraqi parliamentary security and defense committee chief, Hakem al-Zameli, said his "
        "government has video evidence of its military downing a US and two UK aircraft "
        "carrying weapons for ISIS terrorists in Anbar province. It is more evidence."
    )
    content = _built_content(
        text,
        "Hakem al-Zameli",
        "said",
        "his government has video evidence of its military "
        "downing a US and two UK aircraft carrying weapons for ISIS terrorists in",
    )
    assert content.endswith("ISIS terrorists in Anbar province")


@pytest.mark.parametrize("comma", [",", ""])
def test_adding_that_is_a_second_statement(comma: str) -> None:
    """ "The monitor said the blast killed 12 people, adding that dozens were wounded": two
    statements of one speaker, also in FA-KES copy that lost its commas."""
    text = (
        "Ahram reported the blast. The monitor said the blast killed 12 people"
        f"{comma} adding that dozens were wounded. Residents fled."
    )
    doc, spans = _run(text)
    said = _find(doc, spans, "the blast killed 12 people")
    added = _find(doc, spans, "dozens were wounded")
    assert doc.span_text(said) == "the blast killed 12 people"
    assert _text(doc, added.attrs["cue"]) == "adding"
    assert added.attrs["speaker"] == said.attrs["speaker"] == "monitor"


def test_a_deed_of_war_is_no_statement() -> None:
    """War copy puts an attacker and a target where a speaker and a claim would be ("Syrian
    warplanes have been targeting rebel positions"); the tagger, trained on political news,
    had read such actions as statements."""
    text = (
        "Syrian warplanes have been targeting rebel positions in Idlib. Russian jets also "
        "pounded the town on Tuesday. The army said it killed 30 militants."
    )
    doc, spans = _run(text)
    assert [_text(doc, s.attrs["cue"]) for s in spans] == ["said"]


def test_a_place_after_a_preposition_is_where_the_speaker_is() -> None:
    """ "An official at the governor's office in Homs": the entity tagger reads "Homs" as a
    person in comma-less copy; a name after "in", "at" or "from" never names the speaker."""
    text = (
        "An official at the governors office in Homs said about 10 rockets slammed into the "
        "neighborhood. Activists in Deir Ezzor said that three civilians were killed."
    )
    _doc, spans = _run(text)
    speakers = {s.attrs["speaker"] for s in spans}
    assert not speakers & {"Homs", "Deir Ezzor"}
    assert "Activists in Deir Ezzor" in speakers


def test_a_place_run_into_a_pronoun_source_ends_the_content() -> None:
    """ "... engagements in Raqqa he said": copy without commas; the pronoun alone speaks and
    the content the tagger stopped at "in" runs on to it."""
    text = "This was one of the largest engagements in Raqqa he said. Residents fled."
    doc, spans = _run(text)
    span = _find(doc, spans, "largest engagements")
    assert doc.span_text(span).endswith("engagements in Raqqa")
    assert _text(doc, span.attrs["source"]) == "he"


def test_a_speaker_right_before_a_bare_speech_verb_is_read() -> None:
    """FA-KES copy lost its commas: "... on Saturday a civil defense source said ..."; where
    the tagger marks no source, the speaker's noun phrase before the verb is one."""
    from newsprism.analyzers.clause_subject import source_before

    def before(text: str) -> str | None:
        found = source_before(text, 0, text.index(" said") + 1)
        return text[found[0] : found[1]] if found else None

    assert before("Eight civilians died on Saturday a civil defense source said.") == (
        "a civil defense source"
    )
    assert before("Five children died activists and state media said.") == (
        "activists and state media"
    )
    assert before("The toll rose to 12 on Friday said.") is None
    text = (
        "A Russian airstrike on Aleppo killed eight civilians on Saturday a civil defense "
        "source said."
    )
    doc, spans = _run(text)
    span = _find(doc, spans, "killed eight civilians")
    assert _text(doc, span.attrs["source"]) == "a civil defense source"
    assert doc.span_text(span).endswith("on Saturday")


def test_a_participle_inside_a_content_keeps_the_contents_speaker() -> None:
    """ "Rudskoy said the Turkish side sends gunmen to groups affiliated to Jabhat al-Nusra
    adding that ...": the tagger ran the first content through "adding" and read the name
    before it as the second statement's speaker; Rudskoy says both, once each."""
    text = (
        "Lieutenant General Sergey Rudskoy said the Turkish side still sends weapons and "
        "gunmen to groups affiliated to Jabhat al-Nusra adding that two armed groups arrived "
        "in Handarat camp."
    )
    doc, spans = _run(text)
    added = [s for s in spans if _text(doc, s.attrs["cue"]) == "adding"]
    assert [s.attrs["speaker"] for s in added] == ["Lieutenant General Sergey Rudskoy"]
    said = _find(doc, spans, "Turkish side")
    assert doc.span_text(said).endswith("Jabhat al-Nusra")


def test_a_sentence_adverb_is_no_part_of_the_source() -> None:
    """ "Earlier the reporter noted ...", "Meanwhile SANA's correspondent reported ...": the
    adverb opens the sentence, not the speaker's name."""
    text = "Earlier the reporter noted that a rocket shell was fired at the town."
    doc, spans = _run(text)
    span = _find(doc, spans, "rocket shell")
    assert _text(doc, span.attrs["source"]) == "the reporter"
    assert span.attrs["speaker"] == "reporter"


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        ("Trump has called climate change a hoax.", "climate change a hoax", "Trump"),
        (
            "Wells Fargo just this month announced it would get rid of these incentives.",
            "it would get rid",
            "Wells Fargo",
        ),
        (
            "Strada accused the Saudi government of attempting to intimidate the families "
            "and asserted that she would fight.",
            "she would fight",
            "Strada",
        ),
    ],
)
def test_a_cue_without_a_tagged_source_speaks_for_its_clauses_subject(
    text: str, content: str, speaker: str
) -> None:
    """PolNeAR dev: where the tagger marks no source, the sentence's subject is one when the cue
    is its verb ("Trump has called ...") or a verb coordinated with it ("... and asserted")."""
    doc, spans = _run(text)
    assert _find(doc, spans, content).attrs["speaker"] == speaker


def test_subject_of_cue_needs_the_cue_to_be_the_subjects_verb() -> None:
    from newsprism.analyzers.clause_subject import subject_of_cue

    def subject(text: str, cue: str) -> str | None:
        found = subject_of_cue(text, (0, len(text)), text.index(cue))
        return text[found[0] : found[1]] if found else None

    assert subject("The Association of Flight Attendants called Clinton a champion.", "called") == (
        "The Association of Flight Attendants"
    )
    assert subject("Trump said the plan failed and Clinton warned of a crisis.", "warned") is None
    assert subject("Trump said the plan failed and warned of a crisis.", "warned") == "Trump"


def test_any_participle_after_a_comma_takes_the_clauses_speaker() -> None:
    """PolNeAR dev: "On Thursday, however, Trump spoke to a gathering ..., promising to lift
    environmental regulations": "promising", "citing" or "referring" speak for the clause's
    subject as "saying" does; "however" is no subject; and what follows "said at" is where,
    not who."""
    text = (
        "On Thursday, however, Trump spoke to a gathering of fracking industry leaders, "
        "promising to lift environmental regulations."
    )
    doc, spans = _run(text)
    assert _find(doc, spans, "to lift environmental").attrs["speaker"] == "Trump"
    text = (
        "“It is an attack on the state regulatory domain,” Scott Pruitt said at a Washington "
        "event this month."
    )
    doc, spans = _run(text)
    span = _find(doc, spans, "attack on the state")
    assert "Washington" not in _text(doc, span.attrs["source"])


def test_a_quotation_with_its_speaker_beside_it_is_read() -> None:
    """PolNeAR dev: the tagger missed "'It's a dog whistle ...,' Rep. Gwen Moore (D-Wis.) said
    Friday." and readers' quotes signed with a dash; their shape names content, cue and
    speaker."""
    from newsprism.analyzers.quoted_speech import quoted_speech

    text = (
        "“It’s a dog whistle to all Americans,” Rep. Gwen Moore (D-Wis.) said Friday. "
        "''If we are to go to war, of course we have rifles,'' said Mr. Rubio, a senator. "
        "“Maybe we can build a wall around him.” ― Steve Quinlan. "
        "“Nothing,” is what it was called."
    )
    found = [
        (
            text[q.content[0] : q.content[1]],
            text[q.cue[0] : q.cue[1]],
            text[q.source[0] : q.source[1]],
        )
        for q in quoted_speech(text)
    ]
    assert found == [
        ("It’s a dog whistle to all Americans,", "said", "Rep. Gwen Moore (D-Wis.)"),
        ("If we are to go to war, of course we have rifles,", "said", "Mr. Rubio"),
        ("Maybe we can build a wall around him.", "―", "Steve Quinlan"),
    ]
    # Pasted reader quotes may open a line with a closing mark.
    pasted = "Readers wrote in.\n”Fear. I am truly afraid.” ― Edwin G. Monroy\n"
    (reader,) = quoted_speech(pasted)
    assert pasted[reader.source[0] : reader.source[1]] == "Edwin G. Monroy"
    doc, spans = _run(
        "The crowd cheered. “It’s a dog whistle to all Americans,” Rep. Gwen Moore (D-Wis.) "
        "said Friday. Others left."
    )
    moore = _find(doc, spans, "dog whistle")
    assert doc.span_text(moore) == "It’s a dog whistle to all Americans"
    assert moore.attrs["direct"] is True and "Moore" in str(moore.attrs["speaker"])


def test_subject_search_stays_near_its_cue_in_a_hostile_run_on() -> None:
    """A "sentence" of hostile length with thousands of cues: each search reads a bounded
    window (it had read the whole sentence prefix per cue, quadratic: 240 KB took two
    minutes), and a noun phrase spread over a huge whitespace run is no subject."""
    import re

    from newsprism.analyzers.clause_subject import clause_subject, source_before, subject_of_cue

    text = "the officials said the town was hit and the army announced strikes, saying " * 1000
    whole = (0, len(text))
    found = []
    for cue in re.finditer(r"said|announced|saying", text):
        found += [
            clause_subject(text, whole, cue.start()),
            source_before(text, 0, cue.start()),
            subject_of_cue(text, whole, cue.start()),
        ]
    assert all(f is None or f[1] - f[0] <= 300 for f in found)
    spread = "Trump" + " " * 50000 + "x said"
    assert subject_of_cue(spread, (0, len(spread)), len(spread) - 4) is None


@pytest.mark.timeout(300)
def test_thousands_of_cues_in_one_paragraph_are_each_read() -> None:
    """Each segment's cue is found by bisection in its sentence (a scan of every cue per segment
    had cost minutes on a hostile paragraph of 10,000 cues)."""
    text = " ".join(f"Officials in town {i} said the bridge {i} fell." for i in range(1500))
    doc, spans = _run(text)
    assert len(spans) >= 1400
    last = _find(doc, spans, "the bridge 1499 fell")
    assert _text(doc, last.attrs["cue"]) == "said"


@pytest.mark.parametrize(
    ("headline", "speakers"),
    [
        ("Kessen Lies: The Media Circus Marches to the Terrorists' Drum Again", []),
        ("Exclusive Report: Airstrikes Hit Hospital In Dalmyr", []),
        ("Putin: Russia Will Answer Any Strike On Its Bases", ["Putin"]),
        ("Pentagon: Strikes Hit Oil Depots Near Raqqa", ["Pentagon"]),
    ],
)
def test_a_headline_label_before_a_colon_is_no_speaker(headline: str, speakers: list[str]) -> None:
    """In title case every label fits "NAME: words"; a headline quotes someone only when the name
    is a person, organisation or government the entity tagger read whole, or a known role."""
    body = "The ministry said 58 people were killed in Idlib on Tuesday."
    doc, spans = _run(f"{headline}\n\n{body}\n")
    title_end = doc.text.index("\n")
    assert [s.attrs["speaker"] for s in spans if s.start < title_end] == speakers
    assert "ministry" in {s.attrs["speaker"] for s in spans}


def test_reported_speech_stops_before_the_next_speakers_quotation() -> None:
    """The embedded sample's ministry statement: "denied reports of civilian casualties in
    Kessen." ran on into the spokesman's quotation of the next sentence (mostly quoted, so it
    passed for direct speech); it ends with its sentence, and the quotation, which the tagger
    left to nobody while reading "said" forward into the quotation after it, is the spokesman's
    statement in two parts."""
    text = (
        "The Ministry of Defence categorically denied reports of civilian casualties in Kessen. "
        '"Claims that Ostravian aircraft killed civilians in the market of Kessen are false," '
        "Defence Ministry spokesman Col. Piotr Halden said on Saturday. "
        '"These reports are fabricated by the terrorists."'
    )
    doc, spans = _run(text)
    ministry = _find(doc, spans, "reports of civilian casualties")
    assert doc.span_text(ministry) == "reports of civilian casualties in Kessen"
    assert ministry.attrs["polarity"] == "deny"
    halden = _find(doc, spans, "Claims that Ostravian aircraft")
    assert halden.attrs["speaker"] == "Col. Piotr Halden"
    assert "fabricated by the terrorists" in doc.span_text(halden)
    assert halden.attrs["direct"] is True


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        (
            "Military sources told the Voice of Karsenia that no aircraft flew over Kessen.",
            "that no aircraft flew over Kessen",
        ),
        (
            "The governor told reporters on Friday that the market would reopen next week.",
            "that the market would reopen next week",
        ),
    ],
)
def test_whom_it_was_told_to_is_no_part_of_the_content(sentence: str, content: str) -> None:
    """PolNeAR leaves the addressee out of what was told (185 of 195 contents after "told")."""
    doc, spans = _run(sentence)
    assert [doc.span_text(s) for s in spans] == [content]


def test_a_phrase_of_another_clause_is_not_the_source() -> None:
    """The tagger read the noun phrase right before the cue as its source: the object closing a
    relative clause ("which has held Kessen since March, accused") and a phrase ending on a
    conjunction ("in Dalmyr province but declined"); the clause's subject speaks."""
    doc, spans = _run(
        "The Dalmyr Liberation Front, which has held Kessen since March, accused the government "
        "of deliberately targeting civilians."
    )
    assert _find(doc, spans, "targeting civilians").attrs["speaker"] == "Dalmyr Liberation Front"
    doc, spans = _run(
        "A spokesman for the Ostravian Ministry of Defence, Col. Piotr Halden, said on Friday "
        'that the air force had struck "terrorist positions" in Dalmyr province but declined to '
        "comment on reports of civilian deaths."
    )
    assert "Dalmyr" not in {s.attrs["speaker"] for s in spans}


def test_the_noun_a_cue_introduces_opens_the_content(seed0: tuple[Document, list[Span]]) -> None:
    """Seed 000: "Konashenkov said claims about Russian air strikes ... are false": the tagger's
    cue "said claims" left the content a fragment ("about ... are false")."""
    doc, spans = seed0
    span = _find(doc, spans, "are false")
    assert doc.span_text(span).startswith("claims about Russian air strikes")
    assert _text(doc, span.attrs["cue"]) == "said"
    assert span.attrs["polarity"] == "deny"


def test_a_speaker_keeps_the_type_its_first_mention_gave_it() -> None:
    """The monitor sample: "According to the Observatory's network of field monitors" is the
    monitoring group speaking, not a media network."""
    _doc, spans = _run(
        "The Dalmyr Observatory for Human Rights has documented the deaths of 17 civilians in "
        "air raids on the town of Kessen on Friday. According to the Observatory's network of "
        "field monitors, jets carried out at least six strikes on the town."
    )
    assert {(s.attrs["speaker"], s.attrs["speaker_type"]) for s in spans} == {
        ("Dalmyr Observatory for Human Rights", "ngo")
    }


def test_it_and_they_stand_for_an_organisation_never_a_date_or_a_count() -> None:
    """On FA-KES "It said" had resolved to "on Friday", "several" or "56": the last entity of any
    kind before the pronoun. A date, a count or a nationality qualifying a noun is nobody."""
    doc, spans = _run(
        "The Syrian Observatory for Human Rights has a network of sources across the country. "
        "Fifty-six civilians died in Western air raids on Friday. It said the raids hit a market."
    )
    speaker = _find(doc, spans, "the raids hit a market").attrs["speaker"]
    assert speaker == "Syrian Observatory for Human Rights"


def test_armed_groups_speak_as_armed_forces_do() -> None:
    """FA-KES: "Ahrar al-Sham said" and "the Islamic State group claimed" had read 'other' or
    'ngo'; a group's name makes its speaker military, while a modifier of another speaker
    ("ISIS-linked Aamaq news agency") and the monitor reporting on rebels keep their own type."""
    text = (
        "Ahrar al-Sham said on Sunday that its fighters had repelled the attack. "
        "The ISIS-linked Aamaq news agency said the group had seized the town. "
        "The Syrian Observatory for Human Rights said 12 rebels were killed."
    )
    _doc, spans = _run(text)
    types = {str(s.attrs["speaker"]): s.attrs["speaker_type"] for s in spans}
    assert types.get("Ahrar al-Sham") == "military"
    assert types.get("Syrian Observatory for Human Rights") == "ngo"
    assert all(kind != "military" for name, kind in types.items() if "Aamaq" in name)
    assert ARMED_GROUP.search("Nusra Front") and not ARMED_GROUP.search("ISIS-linked Facebook")
