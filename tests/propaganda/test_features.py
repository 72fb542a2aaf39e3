"""Surface features and BIO decoding on hand-built inputs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from newsprism.propaganda.features import (
    NEIGHBOURHOOD_FEATURES,
    SPAN_FEATURES,
    TOKEN_FEATURES,
    TokenView,
    span_features,
    span_neighbourhood,
    token_features,
)
from newsprism.propaganda.infer import decode_spans, viterbi_spans


def _view(text: str) -> TokenView:
    """Whitespace tokens of a one-sentence text, splitting off '!' and '"'."""
    offsets = []
    position = 0
    for piece in text.split(" "):
        start = position
        for i, ch in enumerate(piece):
            if ch in '!"':
                if i > 0 and start < position + i:
                    offsets.append((start, position + i))
                offsets.append((position + i, position + i + 1))
                start = position + i + 1
        if start < position + len(piece):
            offsets.append((start, position + len(piece)))
        position += len(piece) + 1
    arr = np.array(offsets, dtype=np.int64)
    return TokenView(arr, np.zeros(len(arr), np.int64), np.array([[0, len(text)]], np.int64))


def test_token_features_see_case_quotes_exclamations_and_repeats() -> None:
    text = 'The TRAITORS said "never again" and traitors lie!'
    view = _view(text)
    feats = token_features(text, view)
    col = {name: i for i, name in enumerate(TOKEN_FEATURES)}
    tokens = [text[s:e] for s, e in view.offsets]
    traitors = tokens.index("TRAITORS")
    assert feats[traitors, col["all_caps"]] == 1.0
    assert feats[traitors, col["word_repeats"]] > 0  # "traitors" occurs twice
    assert feats[tokens.index("never"), col["inside_quotes"]] == 1.0
    assert feats[tokens.index("lie"), col["inside_quotes"]] == 0.0
    assert feats[tokens.index("!"), col["exclaim_char"]] == 1.0
    assert feats[:, col["sentence_exclaim"]].min() == 1.0
    assert feats[tokens.index("never"), col["lex_intensity"]] == 1.0
    assert feats.shape == (len(tokens), len(TOKEN_FEATURES))
    empty = TokenView(np.zeros((0, 2), np.int64), np.zeros(0, np.int64), np.zeros((0, 2), np.int64))
    assert token_features("", empty).shape == (0, len(TOKEN_FEATURES))


def test_span_features_count_repetition_of_the_fragment() -> None:
    text = "Build the wall! Build the wall! They said so."
    spans = [(0, 14), (16, 30), (32, 36)]
    feats = span_features(text, spans, np.array([[0, 15], [16, 31], [32, 45]], np.int64))
    col = {name: i for i, name in enumerate(SPAN_FEATURES)}
    assert feats[0, col["text_repeats"]] > 0
    assert feats[2, col["text_repeats"]] == 0
    assert feats[2, col["lex_authority"]] == 0.0  # "They" is not a cue
    assert feats.shape == (3, len(SPAN_FEATURES))


def test_decode_spans_widens_to_words_and_splits_on_b() -> None:
    text = "a reallybad idea and worse"
    offsets = np.array([[0, 1], [2, 8], [8, 11], [12, 16], [17, 20], [21, 26]], np.int64)
    sentence = np.zeros(6, np.int64)
    o, b, i = [0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]
    probs = np.array([o, b, i, i, o, b], np.float32)
    spans = decode_spans(text, probs, offsets, sentence, threshold=0.5)
    assert [(s, e) for s, e, _ in spans] == [(2, 16), (21, 26)]
    assert all(0.0 <= score <= 1.0 for _, _, score in spans)
    # A token starting inside a word (a wordpiece) widens back to the word's start.
    probs2 = np.array([o, o, i, o, o, o], np.float32)
    assert [(s, e) for s, e, _ in decode_spans(text, probs2, offsets, sentence, 0.5)] == [(2, 11)]
    # A run never crosses a sentence boundary.
    two = np.array([0, 0, 0, 1, 1, 1], np.int64)
    probs3 = np.array([o, b, i, i, o, o], np.float32)
    assert len(decode_spans(text, probs3, offsets, two, 0.5)) == 2


def test_viterbi_spans_follow_bio_rules_and_the_o_offset() -> None:
    text = "a reallybad idea and worse"
    offsets = np.array([[0, 1], [2, 8], [8, 11], [12, 16], [17, 20], [21, 26]], np.int64)
    sentence = np.zeros(6, np.int64)
    o, b, i = [0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]
    probs = np.array([o, b, i, i, o, b], np.float32)
    spans = viterbi_spans(text, probs, offsets, sentence, o_bias=0.0)
    assert [(s, e) for s, e, _ in spans] == [(2, 16), (21, 26)]
    assert all(0.0 <= score <= 1.0 for _, _, score in spans)
    # After O the likely I is not a legal move, so B (likelier than O) opens the span; a wordpiece
    # widens back to its word's start.
    probs2 = np.array([o, o, [0.1, 0.3, 0.6], o, o, o], np.float32)
    assert [(s, e) for s, e, _ in viterbi_spans(text, probs2, offsets, sentence, 0.0)] == [(2, 11)]
    # An undecided token (P(O) 0.5) joins the span only when the offset favours spans.
    m = [0.5, 0.1, 0.4]
    probs3 = np.array([o, b, i, m, o, o], np.float32)
    assert [(s, e) for s, e, _ in viterbi_spans(text, probs3, offsets, sentence, 0.5)] == [(2, 11)]
    assert [(s, e) for s, e, _ in viterbi_spans(text, probs3, offsets, sentence, -0.5)] == [(2, 16)]
    # Spans never cross a sentence boundary, and no tokens means no spans.
    two = np.array([0, 0, 0, 1, 1, 1], np.int64)
    probs4 = np.array([o, b, i, [0.1, 0.3, 0.6], o, o], np.float32)
    spans4 = viterbi_spans(text, probs4, offsets, two, 0.0)
    assert [(s, e) for s, e, _ in spans4] == [(2, 11), (12, 16)]
    empty = np.zeros((0, 2), np.int64)
    assert viterbi_spans("", np.zeros((0, 3), np.float32), empty, np.zeros(0, np.int64), 0.0) == []


def test_span_features_stay_finite_when_a_span_cuts_a_word() -> None:
    text = "It appeared that it appeared."
    feats = span_features(text, [(4, 11), (0, 2)], np.array([[0, len(text)]], np.int64))
    assert np.isfinite(feats).all()


def test_viterbi_spans_add_learned_crf_transitions() -> None:
    text = "a reallybad idea and worse"
    offsets = np.array([[0, 1], [2, 8], [8, 11], [12, 16], [17, 20], [21, 26]], np.int64)
    sentence = np.zeros(6, np.int64)
    o, b, i = [0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]
    # "and" leans O (0.6) but sits between two spans: alone it splits them ...
    probs = np.array([o, b, i, i, [0.6, 0.1, 0.3], [0.3, 0.5, 0.2]], np.float32)
    alone = viterbi_spans(text, probs, offsets, sentence, 0.0)
    assert [(s, e) for s, e, _ in alone] == [(2, 16), (21, 26)]
    # ... while a CRF that learned I -> I is likely and I -> O rare keeps one span.
    moves = np.zeros((3, 3), np.float32)
    moves[2, 2], moves[2, 0] = 1.0, -1.0
    joined = viterbi_spans(text, probs, offsets, sentence, 0.0, moves, np.zeros(3, np.float32))
    assert [(s, e) for s, e, _ in joined] == [(2, 26)]
    # A start score against B keeps a sentence-initial token out of spans.
    first = np.array([[0.4, 0.6, 0.0], o, o, o, o, o], np.float32)
    assert [s for s, _, _ in viterbi_spans(text, first, offsets, sentence, 0.0)] == [0]
    start = np.array([0.0, -1.0, 0.0], np.float32)
    assert (
        viterbi_spans(text, first, offsets, sentence, 0.0, np.zeros((3, 3), np.float32), start)
        == []
    )


def test_tagger_inputs_mix_or_lay_layers_side_by_side_and_add_the_document() -> None:
    from newsprism.propaganda.infer import EncodedArticle, document_vector, tagger_inputs

    text = "Stop them now! They lie."
    view = _view(text)
    rng = np.random.default_rng(3)
    n = len(view.offsets)
    article = EncodedArticle(
        text=text,
        offsets=view.offsets,
        sentence=view.sentence,
        sentence_spans=view.sentence_spans,
        sentence_vectors=rng.normal(size=(1, 384)).astype(np.float32),
        layers=rng.normal(size=(n, 3, 384)).astype(np.float16),
        layer_ids=(2, 4, 6),
    )
    mix = np.full(2, 0.5, np.float32)
    mixed = tagger_inputs(article, mix, (4, 6))
    assert mixed.shape == (n, 384 + len(TOKEN_FEATURES))
    layers = article.layers.astype(np.float32)
    expected = 0.5 * (layers[:, 1] + layers[:, 2])
    np.testing.assert_allclose(mixed[:, :384], expected, atol=1e-5)
    wide = tagger_inputs(article, mix, (4, 6), doc_context=True, concat=True)
    assert wide.shape == (n, 2 * 384 + len(TOKEN_FEATURES) + 384)
    np.testing.assert_array_equal(wide[:, 384:768], article.layers[:, 2].astype(np.float32))
    doc = document_vector(article)
    assert abs(float(np.linalg.norm(doc)) - 1.0) < 1e-5
    np.testing.assert_array_equal(wide[:, -384:], np.broadcast_to(doc, (n, 384)))


def _reference_token_features(text: str, view: TokenView) -> np.ndarray:
    """The per-token definition of every column, written plainly (the shipped code computes the
    same values with prefix counts; the heads were trained on this definition)."""
    from collections import Counter

    from newsprism.propaganda.features import LEXICON_NAMES, LEXICONS, QUOTES, word_counts

    def word_at(start: int, end: int) -> str:
        while start > 0 and (text[start - 1].isalpha() or text[start - 1] in "'’-"):
            start -= 1
        while end < len(text) and (text[end].isalpha() or text[end] in "'’-"):
            end += 1
        return text[start:end].lower()

    counts: Counter[str] = word_counts(text)
    spans = [(int(s), int(e)) for s, e in view.sentence_spans]
    rows, quote_open, last = [], False, -1
    for (start, end), sid in zip(view.offsets.tolist(), view.sentence.tolist(), strict=True):
        if sid != last:
            quote_open, last = False, sid
        piece, word = text[start:end], word_at(start, end)
        s_start, s_end = spans[sid] if sid < len(spans) else (0, 1)
        sentence = text[s_start:s_end] if sid < len(spans) else ""
        rows.append(
            [
                start == 0 or not text[start - 1].isalnum(),
                piece[:1].isupper(),
                len(word) > 1 and word.upper() == piece.upper() and piece.isupper(),
                any(c.isdigit() for c in piece),
                any(c in QUOTES for c in piece),
                quote_open,
                "!" in piece,
                "?" in piece,
                "!" in sentence,
                "?" in sentence,
                (start - s_start) / max(1, s_end - s_start),
                np.log1p(max(0, counts.get(word, 0) - 1)) if len(word) > 3 else 0.0,
                *(word in LEXICONS[name] for name in LEXICON_NAMES),
            ]
        )
        quote_open ^= any(c in piece for c in '"“”')
    return np.asarray(rows, dtype=np.float32).reshape(len(rows), len(TOKEN_FEATURES))


def test_token_features_match_their_per_token_definition_on_hostile_text() -> None:
    rng = np.random.default_rng(0)
    alphabet = list("aZ ßİǅΣσ'’-\"“”!?1²½ü\n.,«»")
    for _ in range(1500):
        text = "".join(rng.choice(alphabet, size=int(rng.integers(0, 40))))
        size, k = len(text), int(rng.integers(0, 12))
        starts = np.sort(rng.integers(0, max(1, size), size=k))
        ends = np.minimum(starts + rng.integers(0, 4, size=k), size)
        view = TokenView(
            np.stack([starts, ends], axis=1).astype(np.int64).reshape(k, 2),
            np.sort(rng.integers(0, 4, size=k)).astype(np.int64),  # ids past the spans too
            np.array([[0, size // 2], [size // 2, size]], np.int64),
        )
        np.testing.assert_array_equal(
            token_features(text, view), _reference_token_features(text, view), err_msg=text
        )
    seeds = 'He said "they are LIARS!" Really? So-called experts, 2015’s "truth".'
    view = _view(seeds)
    np.testing.assert_array_equal(
        token_features(seeds, view), _reference_token_features(seeds, view)
    )


def _reference_tags(log_probs: np.ndarray, moves: np.ndarray, start: np.ndarray) -> list[int]:
    """Textbook Viterbi over one sentence, one step per token (what `_viterbi_tags` batches)."""
    best = log_probs[0] + start
    back = []
    for t in range(1, len(log_probs)):
        candidates = best[:, None] + moves
        back.append(candidates.argmax(axis=0))
        best = candidates.max(axis=0) + log_probs[t]
    tags = [int(best.argmax())]
    for pointers in reversed(back):
        tags.append(int(pointers[tags[-1]]))
    return tags[::-1]


@pytest.mark.parametrize("cells", [65536, 20, 1])  # one grid, a few, one per sentence
def test_batched_viterbi_equals_per_sentence_decoding(
    cells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsprism.propaganda.infer import _FORBIDDEN, _TRANSITIONS, _viterbi_tags

    monkeypatch.setattr("newsprism.propaganda.infer.VITERBI_CELLS", cells)
    rng = np.random.default_rng(7)
    for trial in range(200):
        # Sentences of 1-12 tokens; an id may come back later (a new run all the same).
        lengths = rng.integers(1, 13, size=rng.integers(1, 8))
        lengths[0] *= 1 + 20 * (trial % 7 == 0)  # now and then one very long sentence
        ids = rng.integers(0, 3, size=len(lengths))
        sentence = np.repeat(ids, lengths)
        log_probs = np.log(rng.dirichlet(np.ones(3) * 0.5, size=len(sentence)) + 1e-9)
        crf = trial % 2 == 1
        transitions = rng.normal(size=(3, 3)) if crf else None
        start_scores = rng.normal(size=3) if crf else None
        moves = _TRANSITIONS + (transitions if crf else 0.0)
        start = np.array([0.0, 0.0, _FORBIDDEN]) + (start_scores if crf else 0.0)
        expected: list[int] = []
        bounds = np.r_[0, np.flatnonzero(np.diff(sentence)) + 1, len(sentence)]
        for a, b in itertools.pairwise(bounds):
            expected.extend(_reference_tags(log_probs[a:b], moves, start))
        tags = _viterbi_tags(log_probs, sentence, transitions, start_scores)
        assert tags.tolist() == expected


def _neighbourhood(text: str, spans: list[tuple[int, int]]) -> dict[str, list[float]]:
    """Each neighbourhood column, back from log1p to counts, by name."""
    rows = span_neighbourhood(text, spans)
    return {
        name: [
            float(round(float(np.expm1(v)))) if name != "repeated_as_span" else float(v)
            for v in rows[:, k]
        ]
        for k, name in enumerate(NEIGHBOURHOOD_FEATURES)
    }


def test_span_neighbourhood_counts_repeats_copies_and_nesting_among_the_given_spans() -> None:
    text = "Stop the invasion now! They lie. Stop the invasion now!"
    first, inner, later = (0, 22), (5, 17), (33, 55)
    spans = [first, inner, later, first]  # `first` twice: one fragment, two techniques
    got = _neighbourhood(text, spans)
    assert got["same_text_spans"] == [2, 0, 2, 2]
    assert got["repeated_as_span"] == [1.0, 0.0, 1.0, 1.0]
    assert got["same_offset_spans"] == [1, 0, 0, 1]
    assert got["spans_within"] == [1, 0, 0, 1]
    assert got["spans_around"] == [0, 2, 0, 0]
    assert got["overlapping_spans"] == [1, 2, 0, 1]
    assert got["article_spans"] == [4, 4, 4, 4]
    # The columns close the span features, so the TC head reads them with the rest.
    full = span_features(text, spans, np.array([[0, 22], [23, 32], [33, 55]], np.int64))
    assert full.shape == (4, len(SPAN_FEATURES))
    assert np.array_equal(full[:, -len(NEIGHBOURHOOD_FEATURES) :], span_neighbourhood(text, spans))


def test_span_neighbourhood_matches_pairwise_counting_on_random_spans() -> None:
    """The sorted-search counts equal the plain pairwise definitions (ties, copies, nesting)."""
    rng = np.random.default_rng(7)
    text = "ab " * 40
    for _ in range(30):
        spans = []
        for _ in range(int(rng.integers(1, 25))):
            start = int(rng.integers(0, 100))
            spans.append((start, start + int(rng.integers(1, 20))))
        got = _neighbourhood(text, spans)
        for i, (s, e) in enumerate(spans):
            others = [(s2, e2) for s2, e2 in spans if (s2, e2) != (s, e)]
            assert got["spans_within"][i] == sum(s <= s2 and e2 <= e for s2, e2 in others)
            assert got["spans_around"][i] == sum(s2 <= s and e <= e2 for s2, e2 in others)
            assert got["overlapping_spans"][i] == sum(s2 < e and s < e2 for s2, e2 in others)
            assert got["same_offset_spans"][i] == spans.count((s, e)) - 1


def test_span_neighbourhood_of_no_spans_is_empty() -> None:
    assert span_neighbourhood("text", []).shape == (0, len(NEIGHBOURHOOD_FEATURES))
