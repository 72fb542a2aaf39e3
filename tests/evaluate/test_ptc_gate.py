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

# SI measured 0.441 (P 0.358, R 0.573): four BiLSTM members averaged (three plain, one reading
# the document vector), BIO Viterbi decoder with the recipe's fixed O offset -1.5 (two plain
# members: 0.431; 0.418 at the -1.0 the validation tenth had picked; one member: 0.421 at -1.0;
# 5-fold CV 0.451-0.454 for four, so these 31 articles are the noisier measure)
SI_F1_FLOOR = 0.43
TC_MICRO_F1_FLOOR = 0.59  # measured 0.598 (5 TC members, no offsets)


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
