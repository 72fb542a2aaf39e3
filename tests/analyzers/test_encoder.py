"""The shared encoder: agreement with upstream all-MiniLM-L6-v2, batching, windows, DocEncoding."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsprism.analyzers.encoder import (
    DocEncoding,
    Encoder,
    EncoderAnalyzer,
    build_doc_encoding,
    encoder_feature,
    get_encoder,
)
from newsprism.config import Config
from newsprism.document import Document, Span
from newsprism.errors import Code, NewsprismError
from newsprism.registry import Item, get_analyzer

REFERENCE = Path(__file__).parents[1] / "fixtures" / "minilm_reference.npz"
TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray]:
    with np.load(REFERENCE) as data:
        return {key: data[key] for key in data.files}


@pytest.fixture(scope="module")
def sentences(reference: dict[str, np.ndarray]) -> list[str]:
    return [str(s) for s in reference["sentences"]]


@pytest.fixture(scope="module")
def upstream_dir(encoder_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The graph built from the upstream weights alone (no fine-tuning delta): what the
    reference vectors of the upstream model check. The shipped, fine-tuned encoder is checked
    against the torch module holding the same weights (tests/train/test_minilm_torch.py)."""
    from newsprism.models.minilm import export_onnx, locate_package

    folder = tmp_path_factory.mktemp("upstream-encoder")
    export_onnx(locate_package(), folder, tuning=None)
    return folder


@pytest.fixture(scope="module")
def encoder(upstream_dir: Path, config: Config) -> Encoder:
    return Encoder(upstream_dir, config.encoder)


@pytest.fixture(scope="module")
def small_window_encoder(upstream_dir: Path, config: Config) -> Encoder:
    options = dataclasses.replace(config.encoder, max_tokens=12, batch_size=4)
    return Encoder(upstream_dir, options)


def test_tokens_match_the_upstream_tokenizer(
    encoder: Encoder, sentences: list[str], reference: dict[str, np.ndarray]
) -> None:
    encoded = encoder.encode(sentences)
    for row, item in enumerate(encoded):
        upstream = reference["input_ids"][row][reference["attention_mask"][row] == 1]
        assert [101, *item.token_ids.tolist(), 102] == upstream.tolist()


def test_single_sentences_agree_with_upstream(
    encoder: Encoder, sentences: list[str], reference: dict[str, np.ndarray]
) -> None:
    for index, text in enumerate(sentences):
        (item,) = encoder.encode([text])
        upstream = reference[f"single_{index}"][1:-1]  # without [CLS] and [SEP]
        assert item.vectors().shape == upstream.shape
        assert np.abs(item.vectors() - upstream).max() < TOLERANCE
        assert item.sentence_vector.dtype == np.float32
        diff = np.abs(item.sentence_vector - reference["single_embeddings"][index]).max()
        assert diff < TOLERANCE


def test_padded_batch_equals_individual_runs(
    encoder: Encoder, sentences: list[str], reference: dict[str, np.ndarray]
) -> None:
    # All six in one batch: each is padded to the 200-token sentence, yet must not drift.
    batched = encoder.encode(sentences)
    for index, (text, item) in enumerate(zip(sentences, batched, strict=True)):
        (alone,) = encoder.encode([text])
        assert np.abs(item.vectors() - alone.vectors()).max() < TOLERANCE
        assert np.abs(item.vectors() - reference[f"single_{index}"][1:-1]).max() < TOLERANCE
        assert np.abs(item.sentence_vector - alone.sentence_vector).max() < TOLERANCE
    embeddings = np.stack([item.sentence_vector for item in batched])
    assert np.abs(embeddings - reference["batch_embeddings"]).max() < TOLERANCE
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-6)


def test_offsets_point_into_each_text(encoder: Encoder, sentences: list[str]) -> None:
    for text, item in zip(sentences, encoder.encode(sentences), strict=True):
        starts, ends = item.token_offsets[:, 0], item.token_offsets[:, 1]
        assert (starts < ends).all() and (ends <= len(text)).all()
        assert (starts[1:] >= starts[:-1]).all()
    quote = "\u201cWe will NEVER surrender,\u201d he said."
    (item,) = encoder.encode([quote])
    # Offsets index the original (cased) text although the model sees it lowercased.
    words = [quote[a:b] for a, b in item.token_offsets]
    assert words == ["\u201c", "We", "will", "NEVER", "surrender", ",", "\u201d", "he", "said", "."]


def test_layers_and_empty_texts(encoder: Encoder) -> None:
    texts = ["", "   ", "Strikes hit Aleppo."]
    encoded = encoder.encode(texts, layers=(0, 3, 6))
    assert encoded[0].token_vectors.shape == (3, 0, 384)
    assert encoded[1].token_offsets.shape == (0, 2)
    assert np.isfinite(encoded[0].sentence_vector).all()
    last = encoder.encode(["Strikes hit Aleppo."])[0]
    assert np.abs(encoded[2].vectors(6) - last.vectors()).max() < TOLERANCE
    assert encoded[2].vectors().shape == encoded[2].vectors(0).shape
    with pytest.raises(KeyError):
        encoded[2].vectors(5)
    with pytest.raises(NewsprismError) as caught:
        encoder.encode(["x"], layers=(7,))
    assert caught.value.code is Code.BAD_CONFIG
    assert encoder.encode([]) == []


def test_long_text_is_windowed_so_every_character_is_covered(
    small_window_encoder: Encoder,
) -> None:
    text = "Officials said forty two sorties hit depots near Raqqa and Palmyra on Tuesday night."
    (windowed,) = small_window_encoder.encode([text], overflow="window")
    (truncated,) = small_window_encoder.encode([text], overflow="truncate")
    n_tokens = len(small_window_encoder.tokenizer.encode(text, add_special_tokens=False).ids)
    assert n_tokens > 10
    assert windowed.windows == -(-n_tokens // 10) and not windowed.truncated
    assert windowed.token_vectors.shape == (1, n_tokens, 384)
    covered = "".join(text[a:b] for a, b in windowed.token_offsets)
    assert covered == text.replace(" ", "")
    assert truncated.truncated and truncated.windows == 1
    assert truncated.token_vectors.shape == (1, 10, 384)
    np.testing.assert_allclose(np.linalg.norm(windowed.sentence_vector), 1.0, atol=1e-6)


def doc_with_sentences(doc_id: str, text: str, bounds: list[tuple[int, int]]) -> Document:
    """A hand-built document whose `sentences` layer holds `bounds` (and one paragraph)."""
    spans = [Span(s, e, "sentence") for s, e in bounds]
    return Document(doc_id, text).with_layer("sentences", spans)


def test_analyzer_encodes_every_sentence_in_document_offsets(
    encoder_dir: Path, config: Config
) -> None:
    from newsprism.models.minilm import MODEL_VERSION

    encoder = get_encoder(config)  # the shipped (fine-tuned) encoder, as the analyzer runs it
    text = "\ufeffTitle here\n\nJets struck 12 targets. \u201cNo,\u201d he said.\n\nA last one."
    first = text.index("Jets")
    second = text.index("\u201cNo")
    third = text.index("A last")
    bounds = [(second, text.index("said.") + 5), (first, second - 1), (third, len(text))]
    doc = doc_with_sentences("d1", text, bounds)
    other = doc_with_sentences(
        "d2", "Short one. And another, rather longer sentence here.", [(0, 10), (11, 52)]
    )
    empty = Document("d3", "no sentences layer at all")
    items = EncoderAnalyzer(config).process([Item(doc), Item(other), Item(empty)])

    enc = encoder_feature(items[0].features)
    assert isinstance(enc, DocEncoding) and enc.model_version == MODEL_VERSION
    assert MODEL_VERSION.startswith("53aa5117")
    # Sentences come back in document order, with their span ids.
    assert [s.span for s in enc.sentences] == sorted(bounds)
    assert [s.span_id for s in enc.sentences] == ["sentences.1", "sentences.0", "sentences.2"]
    assert enc.sentence_vectors.shape == (3, 384)
    assert enc.token_vectors.shape == (len(config.encoder.layers), len(enc.token_offsets), 384)
    for index, sentence in enumerate(enc.sentences):
        start, end = sentence.span
        (alone,) = encoder.encode([text[start:end]], layers=config.encoder.layers)
        np.testing.assert_array_equal(sentence.token_offsets, alone.token_offsets + start)
        assert np.abs(sentence.token_vectors - alone.token_vectors).max() < TOLERANCE
        assert np.abs(sentence.sentence_vector - alone.sentence_vector).max() < TOLERANCE
        assert enc.token_sentence[enc.token_sentence == index].size == len(sentence.token_offsets)
    words = [text[a:b] for a, b in enc.token_offsets]
    assert words[:4] == ["Jets", "struck", "12", "targets"]
    assert (np.diff(enc.token_offsets[:, 0]) > 0).all()
    assert enc.vectors().shape == (len(words), 384)

    assert encoder_feature(items[1].features).sentence_vectors.shape == (2, 384)
    nothing = encoder_feature(items[2].features)
    assert nothing.sentences == () and nothing.token_vectors.shape == (
        len(config.encoder.layers),
        0,
        384,
    )
    assert items[0].doc is doc  # a feature, not a layer: the document is unchanged
    # Each document's vectors are a view of the batch's one buffer, not a copy of its sentences'
    # (a long article's vectors were held twice at the peak).
    other = encoder_feature(items[1].features).token_vectors
    assert enc.token_vectors.base is not None and enc.token_vectors.base is other.base


def test_analyzer_registration_and_missing_feature(config: Config) -> None:
    cls = get_analyzer("encoder.v1")
    assert cls is EncoderAnalyzer
    assert cls.requires == ("sentences",) and cls.produces == ("feature:encoder",)
    assert cls.model_version.startswith("53aa5117")
    with pytest.raises(NewsprismError) as caught:
        encoder_feature({})
    assert caught.value.code is Code.PIPELINE_ORDER


def test_bad_layers_option_is_a_config_error(config: Config) -> None:
    bad = dataclasses.replace(config, encoder=dataclasses.replace(config.encoder, layers=(9,)))
    with pytest.raises(NewsprismError) as caught:
        EncoderAnalyzer(bad).process([Item(doc_with_sentences("d", "Hi.", [(0, 3)]))])
    assert caught.value.code is Code.BAD_CONFIG


def test_missing_onnxruntime_names_the_extra(
    encoder_dir: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(NewsprismError) as caught:
        Encoder(encoder_dir, config.encoder)
    assert caught.value.code is Code.EXTRA_MISSING
    assert "newsprism[ml]" in caught.value.message


def test_importing_newsprism_stays_light() -> None:
    code = (
        "import sys, newsprism, newsprism.analyzers.encoder, newsprism.models.minilm\n"
        "heavy = [m for m in ('onnxruntime', 'onnx', 'tokenizers', 'safetensors', 'torch')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""


@pytest.mark.parametrize(
    "text",
    [
        "a\ud800b lone surrogate from JSON",
        "nul\x00 and \x1b escape",
        "\U0001f600\U0001f44d\U0001f3fd family \U0001f468\u200d\U0001f469\u200d\U0001f467",
        "\u200b\u200d\u2028\u202e bidi and zero-width",
        "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
        "x" * 5000,
    ],
)
def test_hostile_text_encodes_with_valid_offsets(encoder: Encoder, text: str) -> None:
    (item,) = encoder.encode([text], overflow="window")
    assert item.token_offsets.shape == (len(item.token_ids), 2)
    assert ((item.token_offsets >= 0) & (item.token_offsets <= len(text))).all()
    assert np.isfinite(item.token_vectors).all() and np.isfinite(item.sentence_vector).all()


def test_pipeline_on_a_seed_article(seed_002: Path, encoder: Encoder, config: Config) -> None:
    from newsprism.pipeline import build_pipeline

    text = seed_002.read_text(encoding="utf-8")
    pipeline = build_pipeline(config, names=["sections.v1", "sentences.v1", "encoder.v1"])
    (item,) = pipeline.run_items([Item(Document("seed-002", text))])
    enc = encoder_feature(item.features)
    sentences = [s for s in item.doc.layer("sentences") if s.label == "sentence"]
    assert len(enc.sentences) == len(sentences) > 10
    assert item.doc.versions["analyzers"]["encoder.v1"] == "53aa5117"
    for sentence in enc.sentences:
        start, end = sentence.span
        offsets = sentence.token_offsets
        assert ((offsets[:, 0] >= start) & (offsets[:, 1] <= end)).all()
        # Every token is real text (no special tokens), and no word is lost inside a sentence.
        assert all(text[a:b].strip() for a, b in offsets)
        words = text[start:end].split()
        if words:
            assert len(offsets) >= len(words)


def test_doc_encoding_of_separate_texts_is_concatenated(encoder: Encoder) -> None:
    """Sentences encoded apart (not one buffer) still assemble, by concatenation, in order."""
    text = "One short sentence. Another one follows here."
    bounds = [(0, 19), (20, len(text))]
    parts = [encoder.encode([text[a:b]], layers=(4, 6))[0] for a, b in bounds]
    assert not np.shares_memory(parts[0].token_vectors, parts[1].token_vectors)
    enc = build_doc_encoding(
        [(a, b, f"sentences.{i}") for i, (a, b) in enumerate(bounds)], parts, (4, 6)
    )
    joined = np.concatenate([p.token_vectors for p in parts], axis=1)
    np.testing.assert_array_equal(enc.token_vectors, joined)
    np.testing.assert_array_equal(
        enc.token_offsets[len(parts[0].token_offsets)], parts[1].token_offsets[0] + 20
    )
    # Reversed order is no adjacent slice of one buffer either: concatenated as given.
    together = encoder.encode([text[a:b] for a, b in bounds], layers=(4, 6))
    swapped = build_doc_encoding([(0, 19, "a"), (20, len(text), "b")], together[::-1], (4, 6))
    np.testing.assert_array_equal(
        swapped.token_vectors,
        np.concatenate([together[1].token_vectors, together[0].token_vectors], axis=1),
    )
