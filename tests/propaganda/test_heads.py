"""The numpy heads (and the tagger's ONNX Runtime graph) compute what the torch modules they were
trained as compute."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsprism.propaganda.heads import SpanTagger, padded_groups, sequence_ids
from newsprism.train.propaganda import (
    HeadOptions,
    member_recipes,
    stack_members,
    stack_members_meta,
    tagger_arrays,
)


@pytest.mark.parametrize("engine", ["numpy", "onnx"])
def test_bilstm_matches_torch_on_ragged_sentences(engine: str) -> None:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    dim, proj, hidden = 7, 5, 4
    lin = torch.nn.Linear(dim, proj)
    lstm = torch.nn.LSTM(proj, hidden, batch_first=True, bidirectional=True)
    out = torch.nn.Linear(2 * hidden, 3)
    state = {f"proj.{k}": v for k, v in lin.state_dict().items()}
    state |= {f"lstm.{k}": v for k, v in lstm.state_dict().items()}
    state |= {f"out.{k}": v for k, v in out.state_dict().items()}
    arrays = tagger_arrays(
        {k: v.detach().numpy() for k, v in state.items()},
        np.ones(1, np.float32),
        np.zeros(dim, np.float32),
        np.ones(dim, np.float32),
    )
    tagger = SpanTagger({k: np.asarray(v, np.float32) for k, v in arrays.items()}, {})
    rng = np.random.default_rng(0)
    lengths = [3, 1, 6]
    x = rng.normal(size=(sum(lengths), dim)).astype(np.float32)
    sentence = np.repeat(np.arange(3), lengths)
    got = tagger.tag_probs(x, sentence, engine)
    expected = []
    with torch.no_grad():
        start = 0
        for n in lengths:
            seq = torch.from_numpy(x[start : start + n])[None]
            h, _ = lstm(lin(seq))
            expected.append(torch.softmax(out(h), -1)[0].numpy())
            start += n
    np.testing.assert_allclose(got, np.concatenate(expected), atol=1e-5)


def _random_tagger(dim: int = 6, proj: int = 5, hidden: int = 4, seed: int = 1) -> SpanTagger:
    rng = np.random.default_rng(seed)
    shapes = {
        "mean": (dim,),
        "proj_w": (proj, dim),
        "proj_b": (proj,),
        "out_w": (3, 2 * hidden),
        "out_b": (3,),
    }
    for side in ("fw_", "bw_"):
        shapes |= {side + "w_ih": (4 * hidden, proj), side + "w_hh": (4 * hidden, hidden)}
        shapes[side + "b"] = (4 * hidden,)
    arrays = {k: rng.normal(size=s).astype(np.float32) for k, s in shapes.items()}
    arrays["scale"] = np.ones(dim, np.float32)
    return SpanTagger(arrays, {})


def test_batched_documents_match_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    tagger = _random_tagger()
    rng = np.random.default_rng(2)
    # The second document's single sentence has the same id as the first's last one: a run must
    # still end at the document boundary. The empty document gets an empty result.
    sentences = [np.repeat([0, 1, 2], [4, 9, 2]), np.zeros(5, np.int64), np.zeros(0, np.int64)]
    inputs = [rng.normal(size=(len(s), 6)).astype(np.float32) for s in sentences]
    alone = [tagger.tag_probs(x, s) for x, s in zip(inputs, sentences, strict=True)]
    for cells in (16384, 1):  # one padded pass, and one pass per sentence
        monkeypatch.setattr("newsprism.propaganda.heads.PADDED_CELLS", cells)
        together = tagger.tag_probs_many(inputs, sentences)
        assert [p.shape for p in together] == [(15, 3), (5, 3), (0, 3)]
        for a, b in zip(alone, together, strict=True):
            np.testing.assert_allclose(a, b, atol=1e-6)


def test_stacked_taggers_average_their_members_probabilities(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    members = [_random_tagger(seed=seed) for seed in (1, 2, 3)]
    shared = {k: members[0].arrays[k] for k in ("mean", "scale")}
    for m in members[1:]:
        m.arrays.update(shared)  # one head's members read the same standardised inputs
    ensemble = SpanTagger(stack_members([dict(m.arrays) for m in members]), {})
    assert ensemble.members == 3 and members[0].members == 1
    rng = np.random.default_rng(4)
    sentence = np.repeat([0, 1, 2], [4, 9, 1])
    x = rng.normal(size=(len(sentence), 6)).astype(np.float32)
    expected = np.mean([m.tag_probs(x, sentence) for m in members], axis=0)
    for cells in (16384, 1):
        monkeypatch.setattr("newsprism.propaganda.heads.PADDED_CELLS", cells)
        for engine in ("numpy", "onnx"):
            got = ensemble.tag_probs(x, sentence, engine)
            np.testing.assert_allclose(got, expected, atol=1e-6)
    # Members trained on other articles standardise differently: they cannot share one head.
    other = dict(members[1].arrays, mean=members[1].arrays["mean"] + 1.0)
    with pytest.raises(ValueError, match="mean"):
        stack_members([dict(members[0].arrays), other])


def test_crf_loss_is_the_exact_negative_log_likelihood() -> None:
    torch = pytest.importorskip("torch")
    import itertools

    from newsprism.train.propaganda import _crf_nll

    torch.manual_seed(0)
    logits, moves, start = torch.randn(2, 4, 3), torch.randn(3, 3), torch.randn(3)
    gold = torch.tensor([[1, 2, 0, 1], [0, 1, -100, -100]])  # the second sentence is padded
    forbid = torch.zeros(3, 3)
    forbid[0, 2] = -1e4  # O -> I, as the decoder forbids
    first = start + torch.tensor([0.0, 0.0, -1e4])

    def path_score(row: int, path: tuple[int, ...]) -> object:
        score = first[path[0]] + logits[row, 0, path[0]]
        for t in range(1, len(path)):
            score = score + moves[path[t - 1], path[t]] + forbid[path[t - 1], path[t]]
            score = score + logits[row, t, path[t]]
        return score

    total = 0.0
    for row, length in ((0, 4), (1, 2)):
        paths = itertools.product(range(3), repeat=length)
        log_z = torch.logsumexp(torch.stack([path_score(row, p) for p in paths]), 0)
        total += float(log_z - path_score(row, tuple(int(k) for k in gold[row, :length])))
    got = float(_crf_nll(torch, logits, gold, moves, start))
    assert got == pytest.approx(total / 6, rel=1e-5)  # per token: 6 real tokens


def test_tc_members_merge_into_one_mlp_that_averages_their_logits() -> None:
    pytest.importorskip("torch")
    from dataclasses import replace

    from newsprism.propaganda.heads import SpanClassifier
    from newsprism.train.propaganda import HeadOptions, train_classifier

    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((60, 12)).astype(np.float32)
    labels = (inputs[:, 0] > 0).astype(np.int64) + (inputs[:, 1] > 0).astype(np.int64)
    techniques = ("a", "b", "c")
    options = replace(HeadOptions(), tc_hidden=8, tc_epochs=3, tc_members=3)
    arrays, meta = train_classifier(inputs, labels, techniques, options, 5, lambda _line: None)
    assert arrays["w1"].shape == (24, 12) and meta["members"] == 3

    def logits(head: dict[str, np.ndarray]) -> np.ndarray:
        x = (inputs - head["mean"]) / head["scale"]
        hidden = np.maximum(0.0, x @ head["w1"].T + head["b1"])
        return np.asarray(hidden @ head["w2"].T + head["b2"])

    single = replace(options, tc_members=1)
    members = [
        train_classifier(inputs, labels, techniques, single, 5 + k, lambda _l: None)[0]
        for k in range(3)
    ]
    expected = np.mean([logits(m) for m in members], axis=0)
    np.testing.assert_allclose(logits(arrays), expected, rtol=1e-4, atol=1e-5)
    merged = SpanClassifier({k: np.asarray(v, np.float32) for k, v in arrays.items()}, meta)
    np.testing.assert_allclose(merged.probs(inputs).sum(axis=1), 1.0, rtol=1e-5)


def test_a_linear_tagger_is_one_softmax_layer_over_the_scaled_inputs() -> None:
    rng = np.random.default_rng(3)
    dim = 5
    state = {
        "out.weight": rng.normal(size=(3, dim)).astype(np.float32),
        "out.bias": rng.normal(size=3).astype(np.float32),
    }
    mean, scale = rng.normal(size=dim).astype(np.float32), np.full(dim, 2.0, np.float32)
    tagger = SpanTagger(tagger_arrays(state, np.ones(1, np.float32), mean, scale), {})
    x = rng.normal(size=(7, dim)).astype(np.float32)
    logits = ((x - mean) / scale) @ state["out.weight"].T + state["out.bias"]
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    got = tagger.tag_probs(x, np.repeat([0, 1], [3, 4]))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def _tiny_articles(count: int) -> tuple[list[Any], list[list[Any]]]:
    """`count` encoded copies of a three-sentence article (random encoder vectors) with gold."""
    from newsprism.evaluate.ptc import TechniqueSpan
    from newsprism.propaganda.encoding import HEAD_LAYERS
    from newsprism.propaganda.infer import EncodedArticle

    rng = np.random.default_rng(5)
    text = "They lie to you. Stop them now! The vote was held on Monday."
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text)]
    offsets = np.array(words, np.int64)
    bounds = [(0, 16), (17, 31), (32, len(text))]
    sentence = np.array(
        [next(k for k, (a, b) in enumerate(bounds) if a <= s < b) for s, _ in words]
    )
    articles = [
        EncodedArticle(
            text=text,
            offsets=offsets,
            sentence=sentence,
            sentence_spans=np.array(bounds, np.int64),
            sentence_vectors=rng.normal(size=(3, 384)).astype(np.float32),
            layers=rng.normal(size=(len(words), 3, 384)).astype(np.float16),
            layer_ids=HEAD_LAYERS,
        )
        for _ in range(count)
    ]
    gold = [[TechniqueSpan("Loaded_Language", 5, 8), TechniqueSpan("Slogans", 17, 30)]] * count
    return articles, gold


def test_members_chosen_at_different_epochs_still_stack() -> None:
    """A member whose validation picks a weight average of 3 epochs (SWA) keeps the exact input
    standardisation: averaging three equal float32 copies rounds them, and `stack_members` then
    refused the head (it broke `newsprism eval ptc` on fold 0)."""
    pytest.importorskip("torch")
    from dataclasses import replace

    from newsprism.train.propaganda import HeadOptions, train_tagger

    articles, gold = _tiny_articles(3)
    options = replace(HeadOptions(), si_epochs=4, proj=8, hidden=4, batch=4)

    def favour(chosen: int) -> Callable[[int, SpanTagger], float]:
        """A validation score that picks epoch `chosen` (-k: the average of the last k)."""
        return lambda epoch, head: 1.0 if epoch == chosen else 0.0

    swa, plain = (
        train_tagger(articles, gold, options, seed, lambda line: None, favour(chosen))[0]
        for seed, chosen in ((13, -3), (14, 1))
    )
    assert np.array_equal(swa["mean"], plain["mean"])
    assert stack_members([swa, plain])["fw_w_ih"].shape[0] == 2


TINY_TECHNIQUES = ("Loaded_Language", "Slogans")


def _tiny_training() -> tuple[list[Any], list[Any], HeadOptions]:
    """Ten tiny articles as PTC articles, their encodings, and head options small enough that
    `fit_heads` trains in a second (one epoch, one member, a few hidden units)."""
    from dataclasses import replace

    from newsprism.evaluate.ptc import PtcArticle

    encoded, gold = _tiny_articles(10)
    articles = [
        PtcArticle(id=f"a{k}", text=e.text, spans=tuple(spans))
        for k, (e, spans) in enumerate(zip(encoded, gold, strict=True))
    ]
    tiny = replace(
        HeadOptions(),
        si_epochs=1,
        proj=8,
        hidden=4,
        batch=4,
        tagger_members=1,
        chunk_members=0,
        tc_hidden=8,
        tc_epochs=1,
        tc_members=1,
    )
    return articles, encoded, tiny


def test_the_recipe_fixes_the_viterbi_o_offset_unless_asked_to_tune_it() -> None:
    """The shipped recipe decodes with its fixed O offset (validation-tuned offsets wandered
    from -2.0 to -0.8 between folds); `o_bias=None` still tunes it on the validation tenth."""
    pytest.importorskip("torch")
    from dataclasses import replace

    from newsprism.train.encoder import O_BIASES
    from newsprism.train.propaganda import fit_heads

    articles, encoded, tiny = _tiny_training()
    fixed = fit_heads(articles, encoded, TINY_TECHNIQUES, tiny, 13, lambda line: None)
    assert HeadOptions().o_bias == fixed.tagger.meta["o_bias"] == -1.5
    tuned = fit_heads(
        articles, encoded, TINY_TECHNIQUES, replace(tiny, o_bias=None), 13, lambda line: None
    )
    assert tuned.tagger.meta["o_bias"] in O_BIASES


def test_the_recipe_offsets_b_at_sentence_starts_once_even_for_a_reused_head() -> None:
    """The decoder's start scores carry the recipe's offset on B; retuning a reused head (`train
    propaganda --tc-only`) replaces the offset instead of adding it again."""
    pytest.importorskip("torch")
    from dataclasses import replace

    from newsprism.train.propaganda import fit_heads

    articles, encoded, tiny = _tiny_training()
    heads = fit_heads(articles, encoded, TINY_TECHNIQUES, tiny, 13, lambda line: None)
    assert HeadOptions().sentence_start_b == -1.0
    np.testing.assert_array_equal(heads.tagger.arrays["start"], [0.0, -1.0, 0.0])
    again = fit_heads(
        articles,
        encoded,
        TINY_TECHNIQUES,
        replace(tiny, sentence_start_b=-0.5),
        13,
        lambda line: None,
        tagger=heads.tagger,
    )
    np.testing.assert_array_equal(again.tagger.arrays["start"], [0.0, -0.5, 0.0])
    assert again.tagger.meta["sentence_start_b"] == -0.5


def test_padded_groups_cut_at_the_cell_budget_and_at_much_shorter_sentences() -> None:
    lengths = np.array([60, 50, 40, 20, 10, 10], np.intp)
    assert padded_groups(lengths, 10**6) == [(0, 6)]
    assert padded_groups(lengths, 120) == [(0, 2), (2, 5), (5, 6)]
    assert padded_groups(lengths, 10**6, 0.75) == [(0, 2), (2, 3), (3, 4), (4, 6)]


def test_plain_and_document_vector_members_stack_into_one_head() -> None:
    plain = [_random_tagger(dim=6, seed=seed) for seed in (5, 6)]
    reader = _random_tagger(dim=9, seed=7)  # 6 token columns, then a 3-wide document vector
    reader.arrays["mean"][:6] = plain[0].arrays["mean"]
    for member in plain[1:]:
        member.arrays["mean"] = plain[0].arrays["mean"]
    members = [(dict(m.arrays), {"doc_context": False}) for m in plain]
    members.append((dict(reader.arrays), {"doc_context": True, "token_features": ["f"] * 3}))
    arrays, meta = stack_members_meta(members)
    head = SpanTagger(arrays, meta)
    assert meta["doc_context"] and head.members == 3 and arrays["proj_w"].shape == (3, 5, 9)
    rng = np.random.default_rng(8)
    sentence = np.repeat([0, 1, 2], [5, 2, 7])
    x = rng.normal(size=(len(sentence), 9)).astype(np.float32)
    x[:, 6:] = rng.normal(size=3)  # one document: the same vector on every token
    expected = np.mean(
        [m.tag_probs(x[:, :6], sentence, "numpy") for m in plain]
        + [reader.tag_probs(x, sentence, "numpy")],
        axis=0,
    )
    for engine in ("numpy", "onnx"):
        np.testing.assert_allclose(head.tag_probs(x, sentence, engine), expected, atol=1e-6)
    # Members must differ by the document vector only.
    odd = (dict(plain[0].arrays), {"doc_context": True})
    with pytest.raises(ValueError, match="document vector"):
        stack_members_meta([odd, (dict(reader.arrays), {"doc_context": True})])


def test_the_recipe_adds_a_document_vector_and_a_chunk_member_to_three_plain_ones() -> None:
    recipes = member_recipes(HeadOptions(), 13)
    assert [(seed, o.doc_context, o.sequence_tokens) for o, seed in recipes] == [
        (13, False, 0),
        (14, False, 0),
        (15, False, 0),
        (15, True, 0),
        (16, False, 300),
    ]
    plain = member_recipes(
        HeadOptions(tagger_members=2, doc_context_members=0, chunk_members=0), 13
    )
    assert [(seed, o.doc_context) for o, seed in plain] == [(13, False), (14, False)]
    alone = member_recipes(HeadOptions(tagger_members=1, chunk_members=0), 13)
    assert [(seed, o.doc_context) for o, seed in alone] == [(13, False)]


def test_sequence_ids_join_consecutive_sentences_up_to_a_token_budget() -> None:
    sentence = np.repeat([0, 1, 2, 3, 4], [2, 3, 1, 9, 1])
    assert sequence_ids(sentence, 4).tolist() == [0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3]
    assert sequence_ids(sentence, 0).tolist() == sentence.tolist()
    assert sequence_ids(np.zeros(0, np.int64), 4).tolist() == []


def test_a_chunk_member_reads_runs_of_sentences_within_each_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A head whose last member reads runs of sentences (`sequence_tokens`) averages what each
    member gives on its own sequences, in both engines, and a batch of documents never lets a
    run cross from one document into the next."""
    members = [_random_tagger(seed=seed) for seed in (1, 2, 3)]
    shared = {k: members[0].arrays[k] for k in ("mean", "scale")}
    for m in members[1:]:
        m.arrays.update(shared)
    head = SpanTagger(stack_members([dict(m.arrays) for m in members]), {})
    head.meta["sequence_tokens"] = [0, 0, 8]
    rng = np.random.default_rng(5)
    sentences = [np.repeat([0, 1, 2], [4, 3, 6]), np.repeat([0, 1], [2, 3])]
    inputs = [rng.normal(size=(len(s), 6)).astype(np.float32) for s in sentences]

    def expected(x: np.ndarray, sentence: np.ndarray) -> np.ndarray:
        chunked = members[2].tag_probs(x, sequence_ids(sentence, 8))
        return (members[0].tag_probs(x, sentence) + members[1].tag_probs(x, sentence) + chunked) / 3

    for engine in ("numpy", "onnx"):
        for x, sentence in zip(inputs, sentences, strict=True):
            np.testing.assert_allclose(
                head.tag_probs(x, sentence, engine), expected(x, sentence), atol=1e-6
            )
    together = head.tag_probs_many(inputs, sentences)
    for got, x, sentence in zip(together, inputs, sentences, strict=True):
        np.testing.assert_allclose(got, expected(x, sentence), atol=1e-6)
    # The grouping changes what the chunk member sees: it is not the sentence-by-sentence mean.
    plain = np.mean([m.tag_probs(inputs[0], sentences[0]) for m in members], axis=0)
    assert not np.allclose(head.tag_probs(inputs[0], sentences[0]), plain, atol=1e-4)


def test_chunk_members_with_and_without_the_document_vector_share_one_head() -> None:
    """A plain member, a document-vector reader, and two that read runs of sentences, one of
    them with the document vector (the member the ensemble probes tried in place of a plain
    one): each document keeps its own vector on every token, and both engines, alone or
    batched, give the members' mean."""
    plain = _random_tagger(dim=6, seed=5)
    chunk = _random_tagger(dim=6, seed=6)
    reader = _random_tagger(dim=9, seed=7)
    chunk_reader = _random_tagger(dim=9, seed=8)
    for member in (chunk, reader, chunk_reader):
        member.arrays["mean"][:6] = plain.arrays["mean"]
        member.arrays["scale"][:6] = plain.arrays["scale"]
    chunk_reader.arrays["mean"][6:] = reader.arrays["mean"][6:]
    chunk_reader.arrays["scale"][6:] = reader.arrays["scale"][6:]
    with_doc = {"doc_context": True, "token_features": ["f"] * 3}
    arrays, meta = stack_members_meta(
        [
            (dict(plain.arrays), {"doc_context": False}),
            (dict(reader.arrays), with_doc),
            (dict(chunk.arrays), {"doc_context": False, "sequence_tokens": [8]}),
            (dict(chunk_reader.arrays), {**with_doc, "sequence_tokens": [8]}),
        ]
    )
    head = SpanTagger(arrays, meta)
    assert meta["sequence_tokens"] == [0, 0, 8, 8] and head.document_columns == 3
    rng = np.random.default_rng(9)
    sentences = [np.repeat([0, 1, 2], [4, 3, 6]), np.repeat([0, 1], [2, 3])]
    inputs = []
    for sentence in sentences:
        x = rng.normal(size=(len(sentence), 9)).astype(np.float32)
        x[:, 6:] = rng.normal(size=3)  # one document vector on all of its tokens
        inputs.append(x)

    def expected(x: np.ndarray, sentence: np.ndarray) -> np.ndarray:
        runs = sequence_ids(sentence, 8)
        return (
            plain.tag_probs(x[:, :6], sentence, "numpy")
            + reader.tag_probs(x, sentence, "numpy")
            + chunk.tag_probs(x[:, :6], runs, "numpy")
            + chunk_reader.tag_probs(x, runs, "numpy")
        ) / 4

    for engine in ("numpy", "onnx"):
        for x, sentence in zip(inputs, sentences, strict=True):
            np.testing.assert_allclose(
                head.tag_probs(x, sentence, engine), expected(x, sentence), atol=1e-6
            )
    for got, x, sentence in zip(
        head.tag_probs_many(inputs, sentences), inputs, sentences, strict=True
    ):
        np.testing.assert_allclose(got, expected(x, sentence), atol=1e-6)


def test_a_reused_si_head_leaves_the_tc_head_a_full_run_trains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`train propaganda --tc-only` keeps the SI head and trains the TC head a full run with the
    same seed trains (the TC head never reads the tagger), and the command passes its output
    folder as the head to keep."""
    pytest.importorskip("torch")
    from click.testing import CliRunner

    import newsprism.train.propaganda as training
    from newsprism.cli import main
    from newsprism.train.propaganda import fit_heads

    articles, encoded, tiny = _tiny_training()
    full = fit_heads(articles, encoded, TINY_TECHNIQUES, tiny, 13, lambda line: None)
    reused = fit_heads(
        articles, encoded, TINY_TECHNIQUES, tiny, 13, lambda line: None, tagger=full.tagger
    )
    assert reused.tagger is full.tagger
    for name, array in full.classifier.arrays.items():
        np.testing.assert_array_equal(reused.classifier.arrays[name], array)

    calls: list[Path | None] = []

    def fake_train(*_args: Any, reuse_si: Path | None = None, **_kwargs: Any) -> Any:
        calls.append(reuse_si)
        raise SystemExit(0)

    monkeypatch.setattr(training, "train_propaganda", fake_train)
    runner = CliRunner()
    runner.invoke(main, ["train", "propaganda", "--tc-only", "--out", str(tmp_path)])
    runner.invoke(main, ["train", "propaganda", "--out", str(tmp_path)])
    assert calls == [tmp_path, None]
    both = runner.invoke(main, ["train", "propaganda", "--tc-only", "--tune-encoder"])
    assert both.exit_code == 2 and "--tc-only keeps the SI head" in both.output


def test_a_tc_head_trained_on_other_span_features_is_refused(tmp_path: Path) -> None:
    """A TC head whose span features differ from this newsprism's (an older head) would read
    shifted columns: loading it fails with E305 and the retraining command."""
    from newsprism.errors import Code, NewsprismError
    from newsprism.propaganda.heads import TC_FILE, SpanClassifier, save_head

    shipped = SpanClassifier.load()
    meta = dict(shipped.meta, span_features=list(shipped.meta["span_features"])[:-7])
    save_head(tmp_path / TC_FILE, dict(shipped.arrays), meta)
    with pytest.raises(NewsprismError) as info:
        SpanClassifier.load(tmp_path)
    assert info.value.code == Code.HEAD_MISSING
    assert "newsprism train propaganda" in str(info.value)
