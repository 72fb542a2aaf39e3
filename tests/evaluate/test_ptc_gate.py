"""Evaluation gate: the shipped propaganda heads on the 31 PTC articles held out of their training.

Runs the real pipeline (sections, sentences, encoder, heads) on every 12th PTC training article
(`newsprism.train.propaganda.gate_ids`), scores SI with the official partial-overlap metric and TC
on the gold spans, and pins floors just under what was measured when the heads were trained.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.analyzers.propaganda import load_heads
from newsprism.config import Config
from newsprism.document import Document
from newsprism.evaluate.ptc import TechniqueSpan, load_ptc, load_techniques, si_score, tc_score
from newsprism.propaganda.encoding import encode_documents
from newsprism.propaganda.infer import classify, detect
from newsprism.train.propaganda import gate_ids

# SI measured 0.442 (P 0.397, R 0.498): five BiLSTM members averaged (three plain, one reading
# the document vector, one reading runs of sentences of up to 300 tokens; the four without the
# last: 0.437, P 0.360, R 0.557), BIO Viterbi decoder with the recipe's fixed O offset -1.5 and
# B at a sentence's first token offset by -1.0 (four: 0.441 without that offset, which gains
# 0.0045 in 5-fold CV over all 371 articles; two plain members: 0.431; 0.418 at the -1.0 the
# validation tenth had picked; one member: 0.421 at -1.0; 5-fold CV 0.45-0.455 for four, so
# these 31 articles are the noisier measure)
SI_F1_FLOOR = 0.435
# TC measured 0.627 with the span-neighbourhood columns (other template spans with the same words,
# the same offsets, nested or overlapping); 0.596 without them (5 TC members, no offsets).
TC_MICRO_F1_FLOOR = 0.615


def test_shipped_heads_on_held_out_articles(config: Config, shared_data: Path) -> None:
    ptc = shared_data / "ptc"
    if not (ptc / "train").is_dir():
        pytest.skip("PTC not present")
    articles = load_ptc(ptc)
    held = set(gate_ids([a.id for a in articles]))
    gate = [a for a in articles if a.id in held]
    assert len(gate) == 31
    # One encoder pass serves both tasks (what `detect_documents` and `classify_spans` run).
    encoded = encode_documents([Document(id=a.id, text=a.text) for a in gate], config)
    tagger, classifier = load_heads()
    si_pred = {
        a.id: [(s, e) for s, e, *_ in detect(tagger, classifier, enc)]
        for a, enc in zip(gate, encoded, strict=True)
    }
    si = si_score(si_pred, {a.id: [(s.start, s.end) for s in a.spans] for a in gate})
    tc_pred = {}
    for a, enc in zip(gate, encoded, strict=True):
        labels, _ = classify(classifier, enc, [(s.start, s.end) for s in a.spans])
        tc_pred[a.id] = [
            TechniqueSpan(label, s.start, s.end) for label, s in zip(labels, a.spans, strict=True)
        ]
    tc = tc_score(tc_pred, {a.id: list(a.spans) for a in gate}, load_techniques(ptc))
    print(f"gate SI P {si.precision:.3f} R {si.recall:.3f} F1 {si.f1:.3f}; TC {tc.micro_f1:.3f}")
    assert si.f1 >= SI_F1_FLOOR
    assert tc.micro_f1 >= TC_MICRO_F1_FLOOR


def test_the_shipped_decoder_opens_fewer_spans_at_sentence_starts(
    config: Config, shared_data: Path
) -> None:
    """The shipped head's start scores offset B at a sentence's first token: on held-out articles
    fewer spans open there than with the offset removed, and the rest of the decoding stands."""
    import numpy as np

    from newsprism.propaganda.infer import head_inputs, viterbi_spans_many

    ptc = shared_data / "ptc"
    if not (ptc / "train").is_dir():
        pytest.skip("PTC not present")
    articles = load_ptc(ptc)
    held = set(gate_ids([a.id for a in articles]))
    gate = [a for a in articles if a.id in held][:6]
    encoded = encode_documents([Document(id=a.id, text=a.text) for a in gate], config)
    tagger, _ = load_heads()
    assert float(tagger.arrays["start"][1]) == tagger.meta["sentence_start_b"] == -1.0
    probs = [tagger.tag_probs(head_inputs(tagger, e), e.sentence) for e in encoded]

    def at_sentence_starts(start: np.ndarray) -> int:
        found = viterbi_spans_many(
            [e.text for e in encoded],
            probs,
            [e.offsets for e in encoded],
            [e.sentence for e in encoded],
            float(tagger.meta["o_bias"]),
            None,
            start,
        )
        openings = {
            (k, int(start)) for k, e in enumerate(encoded) for start, _end in e.sentence_spans
        }
        return sum((k, s) in openings for k, spans in enumerate(found) for s, _e, _p in spans)

    assert at_sentence_starts(tagger.arrays["start"]) < at_sentence_starts(np.zeros(3))
